"""Reads for the travel rule: policies, the VASP directory, transfers and their messages."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from compliance.travel_rule.models import Message, Transfer, TravelAddress, TravelRulePolicy, Vasp
from compliance.travel_rule.policy import PolicyView
from core.errors import DomainError

OWN_JURISDICTION = "PK"
DEFAULT_ROW = "*"


class TransferNotFound(DomainError):
    code = "not_found"
    status = 404


def _view(row: TravelRulePolicy) -> PolicyView:
    return PolicyView(
        jurisdiction=row.jurisdiction,
        threshold_amount=row.threshold_amount,
        threshold_currency=row.threshold_currency,
        rule_in_force=row.rule_in_force,
        sunrise_action=row.sunrise_action,
        unknown_vasp_action=row.unknown_vasp_action,
        unhosted_declaration_min_pkr=row.unhosted_declaration_min_pkr,
        unhosted_proof_min_pkr=row.unhosted_proof_min_pkr,
        incoming_mismatch_action=row.incoming_mismatch_action,
        incoming_sanctions_action=row.incoming_sanctions_action,
        counterparty_sla_hours=row.counterparty_sla_hours,
        id=row.pk,
    )


def active_policies(*jurisdictions: str) -> dict[str, PolicyView]:
    """The active rows for these jurisdictions and the default row, in one query."""
    wanted = {j.upper() for j in jurisdictions if j} | {OWN_JURISDICTION, DEFAULT_ROW}
    rows = TravelRulePolicy.objects.filter(
        status=TravelRulePolicy.Status.ACTIVE, jurisdiction__in=wanted
    )
    return {row.jurisdiction: _view(row) for row in rows}


def our_policy(policies: dict[str, PolicyView]) -> PolicyView:
    found = policies.get(OWN_JURISDICTION) or policies.get(DEFAULT_ROW)
    if found is None:  # the migration loads both; a database without them is misconfigured
        return PolicyView(jurisdiction=DEFAULT_ROW, threshold_amount=Decimal("1000000"))
    return found


def vasp_by_code(code: str) -> Vasp | None:
    return Vasp.objects.filter(code=code, is_active=True).first()


def vasp_for_url(url: str) -> Vasp | None:
    """The directory entry whose endpoint serves this (travel address) URL."""
    from urllib.parse import urlsplit

    host = urlsplit(url).netloc
    if not host:
        return None
    for vasp in Vasp.objects.filter(is_active=True, endpoint__icontains=host):
        if urlsplit(vasp.endpoint).netloc == host:
            return vasp
    return None


def self_vasp() -> Vasp | None:
    return Vasp.objects.filter(is_self=True).first()


def travel_address(token: str) -> TravelAddress | None:
    return TravelAddress.objects.select_related("customer").filter(token=token).first()


def get_transfer(ref: object, *, direction: str | None = None) -> Transfer:
    qs = Transfer.objects.select_related("customer", "counterparty_vasp", "transaction")
    if direction:
        qs = qs.filter(direction=direction)
    import uuid

    try:
        found = qs.filter(pk=uuid.UUID(str(ref))).first()
    except ValueError:
        found = None
    found = found or qs.filter(external_id=str(ref)).first()
    if found is None:
        raise TransferNotFound("Not found.")
    return found


def transfer_by_request_identifier(request_identifier: str, direction: str) -> Transfer | None:
    return (
        Transfer.objects.select_related("customer", "counterparty_vasp")
        .filter(request_identifier=request_identifier, direction=direction)
        .first()
    )


def awaiting_queue() -> QuerySet[Transfer]:
    """Transfers waiting for a counterparty or an officer, most overdue first."""
    return (
        Transfer.objects.filter(status__in=[Transfer.Status.AWAITING, Transfer.Status.REVIEW])
        .select_related("customer", "counterparty_vasp")
        .order_by("due_at", "created_at")
    )


def due_for_delivery(now: datetime, limit: int = 200) -> list[str]:
    return [
        str(pk)
        for pk in Transfer.objects.filter(
            direction=Transfer.Direction.OUTGOING,
            status=Transfer.Status.AWAITING,
            resolved_at__isnull=True,
            next_attempt_at__lte=now,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    ]


def unmatched_incoming(limit: int = 500) -> QuerySet[Transfer]:
    return Transfer.objects.filter(
        direction=Transfer.Direction.INCOMING, transaction__isnull=True
    ).exclude(status=Transfer.Status.REJECTED)[:limit]


def transfers_for_customer(customer_id) -> QuerySet[Transfer]:
    return (
        Transfer.objects.filter(customer_id=customer_id)
        .select_related("counterparty_vasp")
        .prefetch_related(Prefetch("messages", queryset=Message.objects.order_by("created_at")))
        .order_by("-created_at")
    )


def transfers_for_transaction(transaction_id) -> QuerySet[Transfer]:
    return transfers_for_customer_q(Q(transaction_id=transaction_id))


def transfers_for_customer_q(condition: Q) -> QuerySet[Transfer]:
    return (
        Transfer.objects.filter(condition)
        .select_related("counterparty_vasp")
        .prefetch_related(Prefetch("messages", queryset=Message.objects.order_by("created_at")))
    )


def regulator_records(start: datetime, end: datetime, min_amount_pkr: Decimal) -> QuerySet:
    """Transfers in [start, end) at or above the amount, with what the export needs."""
    return (
        Transfer.objects.filter(
            created_at__gte=start, created_at__lt=end, amount_pkr__gte=min_amount_pkr
        )
        .exclude(status=Transfer.Status.NOT_REQUIRED)
        .select_related("customer", "counterparty_vasp", "transaction")
        .order_by("created_at", "id")
    )


def sla_text(transfer: Transfer, now: datetime) -> str:
    """What is left of the counterparty SLA ("3.5 h left", "overdue by 2.0 h"), or "—"."""
    if transfer.due_at is None or transfer.status not in (
        Transfer.Status.AWAITING,
        Transfer.Status.REVIEW,
    ):
        return "—"
    seconds = (transfer.due_at - now).total_seconds()
    hours = abs(seconds) / 3600
    return f"overdue by {hours:.1f} h" if seconds < 0 else f"{hours:.1f} h left"
