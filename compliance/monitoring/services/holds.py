"""Holds: what an allowed outgoing check reserves against the customer's limits, and its fate.

A hold is placed by the check (``services.checks``) in the same database transaction as the
attempt, under the customer's check lock. It stops counting when:
- the transaction with the same external_id is posted (``consume_posted``, called by ingest in
  the transaction that stores it, so a reader sees the hold or the transaction, never both or
  neither) — the posted amount counts from then on, whatever the held amount was;
- the exchange releases it (``release``: ``POST /transactions/check/{id}/release/``);
- it passes ``expires_at`` (the check's sum ignores it from that instant; ``expire_due``, run by
  beat, only writes the fate down).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from compliance.monitoring.models import Hold
from core import audit
from core.actors import Actor
from core.errors import Conflict, DomainError

EXPIRE_BATCH = 5000


class NoHold(DomainError):
    code = "not_found"
    status = 404


@dataclass(frozen=True)
class PostedMovement:
    """What ingest tells the holds about a transaction it has just stored."""

    id: Any
    external_id: str
    customer_id: Any
    amount_pkr: Decimal

    @classmethod
    def of(cls, row: Any) -> PostedMovement:
        """From a stored ``Transaction`` or the dict of its column values (the bulk path)."""
        if isinstance(row, dict):
            return cls(row["id"], row["external_id"], row["customer_id"], row["amount_pkr"])
        return cls(row.pk, row.external_id, row.customer_id, row.amount_pkr)


def hold_body(hold: Hold) -> dict[str, Any]:
    """The contract's ``hold`` object."""
    return {
        "id": str(hold.pk),
        "amount_pkr": f"{hold.amount_pkr:.2f}",
        "expires_at": hold.expires_at.isoformat().replace("+00:00", "Z"),
    }


def consume_posted(rows: Iterable[Any], *, now: datetime | None = None) -> int:
    """Mark the live holds of these just-posted transactions (``Transaction`` rows or their
    column dicts) ``posted`` (same external_id and customer). Call inside the database
    transaction that stores them. One query when nothing is held."""
    by_external_id = {m.external_id: m for m in map(PostedMovement.of, rows)}
    if not by_external_id:
        return 0
    now = now or timezone.now()
    held = list(
        Hold.objects.select_for_update()
        .filter(status=Hold.Status.HELD, external_id__in=list(by_external_id))
        .only("id", "external_id", "customer_id", "status")
    )
    consumed = []
    for hold in held:
        posted = by_external_id[hold.external_id]
        if str(hold.customer_id) != str(posted.customer_id):
            continue  # another customer's check with the same reference: not this transaction
        hold.status = Hold.Status.POSTED
        hold.resolved_at = now
        hold.resolved_by = "posted"
        hold.posted_transaction_id = posted.id
        hold.posted_amount_pkr = posted.amount_pkr
        hold.updated_at = now
        consumed.append(hold)
    fields = ["status", "resolved_at", "resolved_by", "posted_transaction_id",
              "posted_amount_pkr", "updated_at"]  # fmt: skip
    Hold.objects.bulk_update(consumed, fields)
    return len(consumed)


def find_hold(ref: str) -> Hold | None:
    """A hold by its check's id (what the check answered) or by its own id."""
    with contextlib.suppress(ValueError):
        pk = uuid.UUID(str(ref))
        return (
            Hold.objects.filter(check_attempt_id=pk).first() or Hold.objects.filter(pk=pk).first()
        )
    return None


@transaction.atomic
def release_hold(*, ref: str, actor: Actor) -> Hold:
    """The exchange will not move the money: the hold stops counting now. Releasing a released
    or expired hold changes nothing; a posted one cannot be released (the money moved)."""
    found = find_hold(ref)
    if found is None:
        raise NoHold("No hold for this check (it was not an allowed outgoing movement).")
    hold = Hold.objects.select_for_update().get(pk=found.pk)
    now = timezone.now()
    if hold.status == Hold.Status.POSTED:
        raise Conflict(
            "The transaction was already posted; its amount counts.",
            id=str(hold.posted_transaction_id),
        )
    if hold.status == Hold.Status.HELD and hold.expires_at <= now:
        _expire([hold.pk], now)
        hold.refresh_from_db()
    if hold.status != Hold.Status.HELD:
        return hold
    hold.status = Hold.Status.RELEASED
    hold.resolved_at = now
    hold.resolved_by = actor.label[:200]
    hold.save(update_fields=["status", "resolved_at", "resolved_by", "updated_at"])
    audit.record(
        actor=actor,
        action="monitoring.hold_released",
        obj=hold,
        before={"status": Hold.Status.HELD},
        after={"status": hold.status, "amount_pkr": str(hold.amount_pkr)},
    )
    return hold


def _expire(ids: list, now: datetime) -> int:
    # resolved_at: the instant it stopped counting, not when the sweeper noticed.
    return Hold.objects.filter(pk__in=ids, status=Hold.Status.HELD).update(
        status=Hold.Status.EXPIRED,
        resolved_by="expiry",
        resolved_at=F("expires_at"),
        updated_at=now,
    )


def expire_due_holds(*, now: datetime | None = None, batch: int = EXPIRE_BATCH) -> int:
    """Write down the fate of holds past ``expires_at`` (beat). They stopped counting already;
    this keeps the live set small and the customer 360 truthful. Returns how many expired."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                Hold.objects.filter(status=Hold.Status.HELD, expires_at__lte=now)
                .order_by("expires_at")
                .select_for_update(skip_locked=True)
                .values_list("id", flat=True)[:batch]
            )
            if not ids:
                return total
            total += _expire(ids, now)
        if len(ids) < batch:
            return total
