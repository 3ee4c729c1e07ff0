"""Shared by the filing services: references, locking, building and validating the XML."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit
from core.actors import Actor
from core.errors import InvalidTransition
from kyc.models import Customer
from reporting import mapping, selectors
from reporting.goaml import builder
from reporting.goaml.lookups import Lookups
from reporting.goaml.validation import SchemaProblem, validate_report_xml
from reporting.models import Report

APPROVE_PERMISSION = "reporting.approve_report"
REFERENCE_PREFIX = {Report.Kind.STR: "STR", Report.Kind.CTR: "CTR", Report.Kind.STR_F: "STRF"}
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


# ------------------------------------------------------------------------------------ helpers


def new_reference(kind: str, at: datetime | None = None) -> str:
    """``STR-20260318-7K3Q9D``: kind, Karachi date, six random characters."""
    day = timezone.localtime(at or timezone.now()).strftime("%Y%m%d")
    suffix = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
    return f"{REFERENCE_PREFIX[kind]}-{day}-{suffix}"


def state_of(report: Report) -> dict:
    return {"status": report.status, "version": report.version, "xml_sha256": report.xml_sha256}


def locked(report: Report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


def require_status(report: Report, *allowed: str, doing: str) -> None:
    if report.status not in allowed:
        raise InvalidTransition(
            f"cannot {doing} a report that is {report.get_status_display().lower()}",
            status=report.status,
        )


def customer_owners(customer: Customer) -> list:
    if customer.customer_type == Customer.Type.ENTITY:
        return list(customer.current_beneficial_owners)
    return []


def create_report(**fields) -> Report:
    """Insert with a fresh reference; a clash of the random part is retried."""
    for _ in range(5):
        fields["reference"] = fields.get("reference") or new_reference(fields["kind"])
        try:
            with transaction.atomic():
                return Report.objects.create(**fields)
        except IntegrityError:
            if Report.objects.filter(reference=fields["reference"]).exists():
                fields["reference"] = None
                continue
            raise
    raise RuntimeError("could not allocate a unique report reference")


def latest_for_origin(origin: str) -> Report | None:
    """The latest version drafted from ``origin`` (drafting is idempotent)."""
    return Report.objects.filter(origin=origin).order_by("-version").first()


# ------------------------------------------------------------------------------- XML building


def build_goaml_report(report: Report, *, at: datetime | None = None) -> builder.Report:
    """The builder's input for ``report``, from the customer and the linked transactions."""
    entity = selectors.reporting_entity()
    customer = report.customer
    transactions: list[builder.Transaction] = []
    parties: list[builder.ReportParty] = []
    if customer is not None:
        client = mapping.ClientSide(customer, customer_owners(customer))
        rows = report.transactions.all() if report.pk else []
        transactions = mapping.transactions_for(
            rows, client, exchange_name=entity.name, branch=entity.branch
        )
        if not transactions:
            # Nothing to report as transactions: the customer is reported as the party.
            parties = [mapping.report_party_for(client)]
    previous = report.previous_version
    return builder.Report(
        kind=report.kind,
        entity_reference=report.reference,
        submission_date=at or timezone.now(),
        reporting_entity=entity,
        transactions=transactions,
        parties=parties,
        reason=report.narrative or None,
        action=report.action_taken or None,
        indicators=list(report.indicators or ()),
        prev_rejected_ref_number=(
            (previous.fiu_ref_number or previous.reference) if previous is not None else None
        ),
    )


def render_xml(report: Report, lookups: Lookups) -> tuple[bytes, list[SchemaProblem]]:
    """(XML, problems). A report the builder cannot express is one problem at the root."""
    try:
        xml = builder.build_report_xml(build_goaml_report(report), lookups)
    except (ValueError, TypeError) as exc:
        return b"", [SchemaProblem("/report", f"The report could not be built: {exc}")]
    return xml, validate_report_xml(xml, lookups)


def _problems_json(problems: Sequence[SchemaProblem]) -> list[dict]:
    return [{"path": p.path, "message": p.message, "line": p.line} for p in problems]


def problem_messages(report: Report) -> list[str]:
    return [f"{p['path']}: {p['message']}" for p in report.validation_problems or []]


@transaction.atomic
def regenerate(*, report: Report, actor: Actor, lookups: Lookups | None = None) -> Report:
    """Rebuild and revalidate a draft's XML from its current data."""
    report = locked(report)
    require_status(report, Report.Status.DRAFT, doing="regenerate")
    xml, problems = render_xml(report, lookups or selectors.current_lookups())
    before = state_of(report)
    report.xml = xml.decode()
    report.xml_sha256 = hashlib.sha256(xml).hexdigest() if xml else ""
    report.validation_problems = _problems_json(problems)
    report.generated_at = timezone.now()
    report.save(
        update_fields=["xml", "xml_sha256", "validation_problems", "generated_at", "updated_at"]
    )
    audit.record(
        actor=actor,
        action="report.regenerated",
        obj=report,
        before=before,
        after={**state_of(report), "problems": len(problems)},
    )
    return report
