"""Inspection export: the ZIP's contents and its verification of the audit chain."""

import csv
import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.actors import Actor
from core.models import AuditEvent
from reporting import exports

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(customer, make_str, officers):
    filed = make_str(customer)
    export = exports.build_inspection_export(
        actor=Actor.for_user(officers["regulator"]), customer=customer
    )
    return filed, export, zipfile.ZipFile(io.BytesIO(export.content))


def test_export_holds_the_filed_xml_summary_events_and_manifest(exported, customer):
    filed, export, archive = exported

    names = set(archive.namelist())
    assert names == {
        "README.txt",
        "summary.html",
        "audit/events.json",
        "audit/events.csv",
        "audit/chain_verification.json",
        "travel_rule/transfers.json",
        f"filings/{filed.reference}.xml",
        "manifest.json",
    }
    assert archive.read(f"filings/{filed.reference}.xml") == filed.xml.encode()
    summary = archive.read("summary.html").decode()
    for fact in (customer.full_name, customer.external_id, filed.reference, filed.case.reference):
        assert fact in summary
    assert customer.id_number not in summary  # masked in the summary; in full only in the XML
    manifest = json.loads(archive.read("manifest.json"))
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    assert export.filename.startswith(f"inspection-{customer.external_id}-")


def test_export_carries_the_audit_events_of_the_filing(exported):
    archive = exported[2]

    events = json.loads(archive.read("audit/events.json"))
    actions = {(e["object_type"], e["action"]) for e in events}
    assert ("reporting.report", "report.approved") in actions
    assert ("reporting.report", "report.acknowledged") in actions
    rows = list(csv.DictReader(io.StringIO(archive.read("audit/events.csv").decode())))
    assert [r["hash"] for r in rows] == [e["hash"] for e in events]


def test_export_verifies_an_intact_chain(exported):
    archive = exported[2]

    verification = json.loads(archive.read("audit/chain_verification.json"))
    assert verification["intact"] is True
    assert verification["first_broken_event_id"] is None
    assert verification["events_checked"] == AuditEvent.objects.count() - 1  # not its own event
    assert "Intact:" in archive.read("summary.html").decode()
    assert AuditEvent.objects.filter(action="reporting.inspection_exported").count() == 1


def test_export_reports_a_chain_broken_with_triggers_off(customer, make_str, officers):
    filed = make_str(customer)
    approved = AuditEvent.objects.get(object_id=str(filed.pk), action="report.approved")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # flush Django's deferred FK checks
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute(
            "UPDATE core_auditevent SET reason = 'approved by nobody' WHERE id = %s",
            [approved.pk],
        )
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")

    export = exports.build_inspection_export(
        actor=Actor.for_user(officers["regulator"]), customer=customer
    )
    archive = zipfile.ZipFile(io.BytesIO(export.content))

    verification = json.loads(archive.read("audit/chain_verification.json"))
    assert verification["intact"] is False
    assert verification["first_broken_event_id"] == approved.pk
    assert verification["problem"] == "content does not match its hash"
    assert f"BROKEN at event #{approved.pk}" in archive.read("summary.html").decode()
    assert not export.chain.intact


def test_export_by_date_range_takes_the_filings_submitted_in_it(make_customer, make_str, officers):
    inside = make_str(make_customer())
    make_str(make_customer(), filed=False)  # a draft is never in an export
    today = timezone.localdate()

    export = exports.build_inspection_export(
        actor=Actor.for_user(officers["regulator"]),
        date_from=today - timedelta(days=1),
        date_to=today,
    )
    names = zipfile.ZipFile(io.BytesIO(export.content)).namelist()
    assert [n for n in names if n.startswith("filings/")] == [f"filings/{inside.reference}.xml"]

    earlier = exports.build_inspection_export(
        actor=Actor.for_user(officers["regulator"]),
        date_from=today - timedelta(days=30),
        date_to=today - timedelta(days=2),
    )
    assert earlier.reports == 0


def test_export_needs_a_customer_or_a_range(officers):
    with pytest.raises(ValueError):
        exports.build_inspection_export(actor=Actor.for_user(officers["regulator"]))
