"""Inspection export for the supervisor: one ZIP for a customer or for a date range.

Contents (``README.txt`` inside says the same):

- ``filings/<reference>.xml``: every filed report in scope, byte for byte as sent to the FMU;
- ``summary.html``: the customers' KYC, their cases (decisions, alerts) and the filings with
  their approvals and deadlines (template ``reporting/inspection_summary.html``);
- ``audit/events.json`` and ``audit/events.csv``: the audit events of those customers, cases,
  case decisions, screening hits and reports, with their hashes;
- ``audit/chain_verification.json``: ``core.audit.verify_chain`` over the whole trail at export
  time (intact or the first broken event), since an event's hash only proves anything with
  the chain it belongs to;
- ``travel_rule/transfers.json``: the customers' travel-rule transfers and the messages
  exchanged with counterparty VASPs (identifiers masked);
- ``manifest.json``: scope, who exported it and when, and the SHA-256 of every file above.

The export itself is an audit event (``reporting.inspection_exported``).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from compliance.cases.models import Case
from compliance.screening.models import ScreeningHit
from compliance.travel_rule.services import records as travel_rule_records
from core import audit, spreadsheets
from core.actors import Actor
from core.models import AuditEvent
from core.replica import reads_from_replica
from kyc.models import Customer
from reporting.models import Report

EVENT_COLUMNS = (
    "id", "occurred_at", "actor_type", "actor_label", "action", "object_type", "object_id",
    "object_repr", "reason", "before", "after", "request_id", "prev_hash", "hash",
)  # fmt: skip


@dataclass(frozen=True)
class InspectionExport:
    filename: str
    content: bytes
    chain: audit.ChainReport
    reports: int
    events: int


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()), timezone.get_default_timezone())


def _scope(
    customer: Customer | None, date_from: date | None, date_to: date | None
) -> tuple[list[Report], list[Customer], str]:
    filed = Report.objects.filter(status__in=Report.FILED_STATUSES).select_related(
        "customer", "approved_by", "prepared_by", "case"
    )
    if customer is not None:
        reports = list(filed.filter(customer=customer).order_by("submitted_at"))
        return reports, [customer], f"customer {customer.external_id}"
    if date_from is None or date_to is None:
        raise ValueError("give a customer or a date range")
    if date_to < date_from:
        raise ValueError("the range ends before it starts")
    reports = list(
        filed.filter(
            submitted_at__gte=_day_start(date_from),
            submitted_at__lt=_day_start(date_to + timedelta(days=1)),
        ).order_by("submitted_at")
    )
    ids = {r.customer_id for r in reports if r.customer_id}
    customers = list(Customer.objects.filter(pk__in=ids).order_by("external_id"))
    return reports, customers, f"filings submitted {date_from} to {date_to}"


def _events(customers, cases, reports) -> list[AuditEvent]:
    hit_ids = ScreeningHit.objects.filter(customer__in=customers).values_list("pk", flat=True)
    decision_ids = [d.pk for case in cases for d in case.decisions.all()]
    wanted = {
        "kyc.customer": [c.pk for c in customers],
        "cases.case": [c.pk for c in cases],
        "cases.decision": decision_ids,
        "screening.screeninghit": list(hit_ids),
        "reporting.report": [r.pk for r in reports],
    }
    query = Q(pk__in=[])
    for object_type, ids in wanted.items():
        if ids:
            query |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    return list(AuditEvent.objects.filter(query).order_by("id"))


def _event_row(event: AuditEvent) -> dict:
    return {
        "id": event.pk,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_type": event.actor_type,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "reason": event.reason,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def _events_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = spreadsheets.dict_writer(out, fieldnames=EVENT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                **row,
                "before": json.dumps(row["before"], cls=DjangoJSONEncoder),
                "after": json.dumps(row["after"], cls=DjangoJSONEncoder),
            }
        )
    return out.getvalue()


README = """Nigraan inspection export

filings/<reference>.xml        goAML XML exactly as filed with the FMU (SHA-256 in manifest.json
                               and, per report, in summary.html)
summary.html                   customers' KYC, cases and decisions, filings and approvals
audit/events.json, events.csv  the audit events of those customers, cases, hits and reports
audit/chain_verification.json  verification of the whole audit chain at export time
travel_rule/transfers.json     travel-rule transfers and messages (identifiers masked)
manifest.json                  scope, exporter, time, SHA-256 of every file

Each audit event carries the hash of the previous one: recomputing the chain from the first
event proves that no event was changed or removed.
"""


@reads_from_replica
def build_inspection_export(
    *,
    actor: Actor,
    customer: Customer | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> InspectionExport:
    reports, customers, scope = _scope(customer, date_from, date_to)
    cases = list(
        Case.objects.filter(customer__in=customers)
        .select_related("customer", "assignee")
        .prefetch_related("decisions", "alert_links__alert")
        .order_by("opened_at")
    )
    events = _events(customers, cases, reports)
    chain = audit.verify_chain()
    now = timezone.now()
    verification = {
        "intact": chain.intact,
        "events_checked": chain.checked,
        "first_broken_event_id": chain.first_broken_id,
        "problem": chain.problem,
        "verified_at": now.isoformat(),
    }
    owners = {
        c.pk: list(c.current_beneficial_owners) for c in customers if c.customer_type == "entity"
    }
    summary = render_to_string(
        "reporting/inspection_summary.html",
        {
            "scope": scope,
            "generated_at": now,
            "generated_by": actor.label,
            "customers": [(c, owners.get(c.pk, [])) for c in customers],
            "cases": cases,
            "reports": reports,
            "chain": verification,
            "event_count": len(events),
        },
    )
    rows = [_event_row(e) for e in events]
    files: dict[str, bytes] = {
        "README.txt": README.encode(),
        "summary.html": summary.encode(),
        "audit/events.json": json.dumps(rows, indent=2, cls=DjangoJSONEncoder).encode(),
        "audit/events.csv": _events_csv(rows).encode(),
        "audit/chain_verification.json": json.dumps(verification, indent=2).encode(),
        "travel_rule/transfers.json": json.dumps(
            travel_rule_records.customer_transfers(c.pk for c in customers), indent=2
        ).encode(),
    }
    for report in reports:
        files[f"filings/{report.reference}.xml"] = report.xml.encode()
    manifest = {
        "scope": scope,
        "generated_at": now.isoformat(),
        "generated_by": actor.label,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    files["manifest.json"] = json.dumps(manifest, indent=2).encode()

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    audit.record(
        actor=actor,
        action="reporting.inspection_exported",
        obj=customer,
        after={
            "scope": scope,
            "reports": len(reports),
            "events": len(events),
            "chain_intact": chain.intact,
        },
    )
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    label = customer.external_id if customer is not None else f"{date_from}_{date_to}"
    return InspectionExport(
        filename=f"inspection-{label}-{stamp}.zip",
        content=buffer.getvalue(),
        chain=chain,
        reports=len(reports),
        events=len(events),
    )
