import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from core import audit
from core.actors import Actor
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _three_events(user=None):
    actor = Actor.for_user(user) if user else Actor.automated("tests")
    for n in range(3):
        audit.record(actor=actor, action="thing.done", after={"n": n}, reason=f"step {n}")
    return list(AuditEvent.objects.order_by("id"))


def test_events_link_to_the_previous_hash():
    events = _three_events()
    assert events[0].prev_hash == audit.GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert audit.verify_chain().intact


def test_postgres_refuses_update_of_an_audit_event():
    event = _three_events()[1]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")


def test_postgres_refuses_delete_of_an_audit_event():
    event = _three_events()[1]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_tampering_with_triggers_off_is_found_by_verify_audit_chain():
    events = _three_events()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # flush Django's deferred FK checks
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute(
            "UPDATE core_auditevent SET reason = 'nothing happened' WHERE id = %s", [events[1].pk]
        )
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")
    report = audit.verify_chain()
    assert report.first_broken_id == events[1].pk
    with pytest.raises(CommandError, match=f"broken at event #{events[1].pk}"):
        call_command("verify_audit_chain")


def test_deleting_a_row_with_triggers_off_breaks_the_next_link():
    events = _three_events()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")
    assert audit.verify_chain().first_broken_id == events[2].pk


def test_verify_command_reports_an_intact_chain(capsys):
    _three_events()
    call_command("verify_audit_chain")
    assert "intact: 3 events" in capsys.readouterr().out


def test_event_records_actor_object_and_request_id(staff_user):
    analyst = staff_user("Analyst")
    event = audit.record(
        actor=Actor.for_user(analyst),
        action="case.closed",
        obj=analyst,
        before={"status": "open"},
        after={"status": "closed"},
        reason="no suspicion",
    )
    assert event.actor_type == "user"
    assert event.actor_user == analyst
    assert event.object_type == "auth.user"
    assert event.before == {"status": "open"}
    assert audit.verify_chain().intact


def test_batch_record_keeps_the_chain():
    actor = Actor.automated("monitoring")
    audit.record_many([audit.Entry(actor=actor, action=f"a{n}") for n in range(50)])
    assert AuditEvent.objects.count() == 50
    assert audit.verify_chain().intact
