"""Shared fixtures. The suite runs against real PostgreSQL and a real broker: the embedded ones
(`make test` starts them from pip wheels) or the ones DATABASE_URL / CELERY_BROKER_URL name.

Unit tests run tasks in-process: this suite switches Celery's eager mode on explicitly here,
and the pipeline tests (`real_worker`) switch it off and run a real worker on the real broker.
"""

from __future__ import annotations

import os
from urllib.parse import quote

import pytest
from django.conf import settings
from rest_framework.test import APIClient


def pytest_configure(config):
    from config.celery import app

    # In-process tasks for unit tests, said here once rather than by the product's settings.
    app.conf.task_always_eager = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    _drop_stale_test_databases()


def _drop_stale_test_databases() -> None:
    """Test databases are named test_<db>_<pid>; drop those whose test run is gone."""
    import psycopg

    db = settings.DATABASES["default"]
    params = {"dbname": "postgres", "user": db["USER"], "host": db["HOST"] or "127.0.0.1"}
    if db["PORT"]:
        params["port"] = db["PORT"]
    if db["PASSWORD"]:
        params["password"] = db["PASSWORD"]
    prefix = f"test_{db['NAME']}_"
    with psycopg.connect(**params, autocommit=True) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"]
            )
        ]
        for name in names:
            pid = name.rsplit("_", 1)[-1]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@pytest.fixture
def make_api_client(db):
    from core.actors import Actor
    from core.api_keys import create_api_key

    counter = {"n": 0}

    def make(scopes: list[str] | None = None) -> APIClient:
        counter["n"] += 1
        _, plaintext = create_api_key(
            name=f"test-key-{counter['n']}-{os.getpid()}",
            scopes=scopes if scopes is not None else ["*"],
            actor=Actor.automated("tests"),
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
        client.api_key_plaintext = plaintext
        return client

    return make


@pytest.fixture
def api_client(make_api_client) -> APIClient:
    return make_api_client()


@pytest.fixture
def staff_user(db):
    """``staff_user("MLRO")`` makes a staff user in that role (a new one per call)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    counter = {"n": 0}

    def make(role: str, username: str | None = None):
        counter["n"] += 1
        user = get_user_model().objects.create_user(
            username=username or f"{role.lower()}-{counter['n']}",
            password="correct-horse-battery-staple",
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def actor_for():
    from core.actors import Actor

    return Actor.for_user


def database_url_of(db: dict) -> str:
    """``DATABASE_URL`` of the test database for processes the tests start (the embedded
    server's host is a socket directory, quoted into the URL)."""
    auth = quote(db["USER"], safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def database_url() -> str:
    """The test database's URL, for a server or worker process a test starts."""
    from django.db import connection

    return database_url_of(connection.settings_dict)


class RealWorker:
    """A real `celery worker` subprocess on the real broker and the test database."""

    def __init__(self, queues: str, concurrency: int, extra_env: dict | None = None):
        import subprocess
        import sys
        import tempfile

        from django.db import connection

        env = {
            **os.environ,
            "DATABASE_URL": database_url_of(connection.settings_dict),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DEBUG": "1",
            **(extra_env or {}),
        }
        self.log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                queues,
                "-c",
                str(concurrency),
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{os.getpid()}-{id(self)}@%h",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=settings.BASE_DIR,
        )
        self.wait_ready()

    def output(self) -> str:
        with open(self.log.name) as handle:
            return handle.read()

    def wait_ready(self, timeout: float = 60) -> None:
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in self.output():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(
            "The Celery worker did not start. Is RabbitMQ running? Start it with "
            "`rabbitmq-server -detached`.\n" + self.output()[-3000:]
        )

    def kill(self) -> None:
        import signal

        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except Exception:  # noqa: BLE001
                self.process.kill()


@pytest.fixture
def real_worker(transactional_db, settings):
    """``real_worker(queues="default,monitoring", concurrency=2)`` starts a worker; stopped after.

    Tasks sent from the test go to the broker (eager mode is switched off for the test).
    """
    from config.celery import app

    if not settings.CELERY_BROKER_URL:
        raise RuntimeError("CELERY_BROKER_URL is unset: run the suite with `make test`.")
    workers: list[RealWorker] = []
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def start(
        queues: str = "default,screening,monitoring,network,reports,webhooks",
        concurrency: int = 1,
        extra_env: dict | None = None,
    ) -> RealWorker:
        if not workers:
            # Messages left by an earlier test must not be taken for this test's work.
            with app.connection_for_write() as conn:
                for name in queues.split(","):
                    conn.default_channel.queue_declare(name, durable=True, auto_delete=False)
                    conn.default_channel.queue_purge(name)
        worker = RealWorker(queues, concurrency, extra_env)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    app.conf.task_always_eager = True


# -- transactional tests -------------------------------------------------------------------------
# A transactional test ends with a flush that empties every table, including the rows the data
# migrations wrote (roles, rule pack, risk model, SLA policies, lookups), and Django's
# post_migrate then recreates content types and roles under new keys. So after each such test
# the database is put back exactly as migrated, and every test starts from the same rows.
_migrated: dict = {}


@pytest.fixture(scope="session", autouse=True)
def _migrated_rows(django_db_setup, django_db_blocker):
    from django.db import connection

    if not connection.settings_dict["NAME"].startswith("test_"):
        # No test of this run asked for the database, so pytest-django made none: nothing to
        # keep (and the real database is never read).
        return
    with django_db_blocker.unblock():
        rows = getattr(connection, "_test_serialized_contents", None)
        _migrated.update(
            rows=rows or connection.creation.serialize_db_to_string(), blocker=django_db_blocker
        )


def restore_migrated_rows() -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    connection.creation.deserialize_db_from_string(_migrated["rows"])


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    uses = set(getattr(item, "fixturenames", ()))
    return bool(
        uses & {"transactional_db", "live_server", "real_worker"}
        or (marker is not None and marker.kwargs.get("transaction"))
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if nextitem is None or not _is_transactional(item) or "blocker" not in _migrated:
        return
    with _migrated["blocker"].unblock():
        restore_migrated_rows()


@pytest.fixture(autouse=True)
def _check_budget_for_a_shared_machine(settings):
    """The pre-transaction check answers "review" (reason timeout) past its 50 ms budget; on a
    busy test machine that would turn tests about other things into timeouts. Tests about the
    budget set ``MONITORING_CHECK_BUDGET_MS`` themselves."""
    settings.MONITORING_CHECK_BUDGET_MS = 5000
