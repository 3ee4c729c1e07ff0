"""Dashboards, statistics and exports read from the replica when one is configured."""

from types import SimpleNamespace

from core import replica


def test_reads_go_to_the_replica_only_inside_marked_functions(monkeypatch):
    monkeypatch.setattr(
        replica, "connections", SimpleNamespace(databases={"default": {}, "replica": {}})
    )
    router = replica.ReplicaRouter()

    @replica.reads_from_replica
    def dashboard():
        return router.db_for_read(None), router.db_for_write(None)

    assert dashboard() == ("replica", "default")
    assert router.db_for_read(None) is None  # the primary, outside


def test_without_a_replica_everything_reads_from_the_primary(monkeypatch):
    monkeypatch.setattr(replica, "connections", SimpleNamespace(databases={"default": {}}))
    router = replica.ReplicaRouter()
    assert replica.reads_from_replica(lambda: router.db_for_read(None))() is None
    assert router.allow_migrate("replica", "kyc") is False
