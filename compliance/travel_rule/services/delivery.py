"""Sending an outgoing transfer's inquiry to the counterparty and applying its answer.

Network calls happen outside database transactions (a slow counterparty never holds a row
lock) and each ends within ``conf.http_timeout()``. A retryable failure is tried again with
exponential backoff up to ``conf.max_attempts()``; then, or on a failure retrying cannot fix
(a bad signature), the transfer is held for an officer.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from compliance.travel_rule import conf
from compliance.travel_rule.models import Protocol, Transfer
from compliance.travel_rule.protocols import base, sandbox, trp
from compliance.travel_rule.services import evidence
from core import audit, pii
from core.actors import Actor

ACTOR = Actor.automated("travel-rule")
BACKOFF_BASE_SECONDS = 2
BACKOFF_MAX_SECONDS = 300


def adapter_for(protocol: str) -> base.CounterpartyAdapter:
    if protocol == Protocol.SANDBOX:
        return sandbox.SandboxAdapter()
    return trp.TrpAdapter(
        key=conf.signing_key(),
        key_id=conf.self_code(),
        timeout=conf.http_timeout(),
        client_cert=conf.client_certificate(),
        ca_file=conf.ca_file(),
    )


def backoff_seconds(attempt: int) -> int:
    return min(BACKOFF_BASE_SECONDS * 2 ** max(attempt - 1, 0), BACKOFF_MAX_SECONDS)


def counterparty_of(transfer: Transfer) -> base.Counterparty:
    vasp = transfer.counterparty_vasp
    if vasp is None:  # reached by travel address alone
        return base.Counterparty(code="", name=transfer.counterparty_name, protocol=Protocol.TRP)
    return base.Counterparty(
        code=vasp.code,
        name=vasp.name,
        protocol=vasp.protocol,
        endpoint=vasp.endpoint,
        public_key=vasp.public_key,
    )


def inquiry_for(transfer: Transfer, url: str) -> base.Inquiry:
    return base.Inquiry(
        request_identifier=transfer.request_identifier,
        url=url,
        asset=transfer.asset,
        amount=transfer.amount,
        callback=f"{conf.base_url()}/trp/callback/{transfer.pk}/",
        ivms101=json.loads(pii.decrypt(transfer.ivms101_encrypted)),
        beneficiary_wallet=transfer.beneficiary_wallet,
        extensions={"chain": transfer.chain} if transfer.chain else {},
    )


def destination(transfer: Transfer) -> str:
    from compliance.travel_rule.protocols import travel_address

    if transfer.travel_address:
        return travel_address.decode(transfer.travel_address)
    vasp = transfer.counterparty_vasp
    return vasp.endpoint if vasp else ""


def deliver(*, transfer_id: str) -> int | None:
    """Send the inquiry once; returns seconds until the next try, or ``None`` when done."""
    with transaction.atomic():
        transfer = (
            Transfer.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("counterparty_vasp")
            .filter(pk=transfer_id, status=Transfer.Status.AWAITING, resolved_at__isnull=True)
            .first()
        )
        if transfer is None:
            return None  # answered, or another worker is sending it now
        transfer.attempts += 1
        # Claimed: the sweeper leaves it alone until this attempt could have timed out.
        transfer.next_attempt_at = timezone.now() + timedelta(seconds=conf.http_timeout() * 2 + 5)
        transfer.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    adapter = adapter_for(
        transfer.counterparty_vasp.protocol if transfer.counterparty_vasp else Protocol.TRP
    )
    outcome = adapter.send_inquiry(
        counterparty_of(transfer), inquiry_for(transfer, destination(transfer))
    )
    return record_outcome(transfer_id=transfer.pk, outcome=outcome, adapter=adapter)


@transaction.atomic
def record_outcome(*, transfer_id, outcome: base.Outcome, adapter) -> int | None:
    transfer = Transfer.objects.select_for_update().get(pk=transfer_id)
    evidence.store(
        transfer,
        outcome.exchanges,
        protocol=adapter.protocol,
        version=adapter.version,
        request_identifier=transfer.request_identifier,
        attempt=transfer.attempts,
    )
    if transfer.status != Transfer.Status.AWAITING:
        return None  # a callback answered meanwhile; the messages are kept all the same
    if outcome.status == base.FAILED:
        transfer.last_error = outcome.reason[:2000]
        if outcome.retryable and transfer.attempts < conf.max_attempts():
            wait = backoff_seconds(transfer.attempts)
            transfer.next_attempt_at = timezone.now() + timedelta(seconds=wait)
            transfer.save(update_fields=["last_error", "next_attempt_at", "updated_at"])
            return wait
        why = "gave up after retries" if outcome.retryable else "not retried"
        apply_resolution(
            transfer=transfer,
            status=Transfer.Status.REVIEW,
            reason=f"counterparty exchange failed ({why}): {outcome.reason}",
        )
        return None
    if outcome.status == base.PENDING:
        transfer.next_attempt_at = None  # the counterparty answers on our callback
        transfer.save(update_fields=["next_attempt_at", "updated_at"])
        return None
    status = Transfer.Status.READY if outcome.status == base.APPROVED else Transfer.Status.REJECTED
    apply_resolution(
        transfer=transfer,
        status=status,
        reason=outcome.reason,
        address=outcome.address,
        confirm_url=outcome.confirm_url,
    )
    return None


def resolved(
    *,
    status: str,
    reasons: list[str],
    beneficiary_wallet: str,
    reason: str = "",
    address: str = "",
) -> tuple[str, list[str]]:
    """(status, reasons) once the counterparty answered: an approval that asks for payment to
    another address than the customer gave is held for an officer."""
    if status == Transfer.Status.READY:
        note = "counterparty approved the transfer"
        if address and address.lower() != beneficiary_wallet.lower():
            note += f"; it asks for payment to {address}, not {beneficiary_wallet}"
            status = Transfer.Status.REVIEW
        return status, [*reasons, note]
    if status == Transfer.Status.REJECTED:
        return status, [*reasons, f"counterparty rejected: {reason}"]
    return status, [*reasons, reason]


def apply_resolution(
    *, transfer: Transfer, status: str, reason: str = "", address: str = "", confirm_url: str = ""
) -> Transfer:
    """The counterparty's (or the failure's) answer, on a locked transfer; audited."""
    before = transfer.status
    transfer.status, transfer.reasons = resolved(
        status=status,
        reasons=transfer.reasons,
        beneficiary_wallet=transfer.beneficiary_wallet,
        reason=reason,
        address=address,
    )
    transfer.approved_address = address[:128]
    transfer.confirm_url = confirm_url[:500]
    transfer.resolved_at = timezone.now()
    transfer.next_attempt_at = None
    transfer.save(
        update_fields=[
            "status",
            "reasons",
            "approved_address",
            "confirm_url",
            "resolved_at",
            "next_attempt_at",
            "updated_at",
        ]
    )
    audit.record(
        actor=ACTOR,
        action="travel_rule.transfer_resolved",
        obj=transfer,
        before={"status": before},
        after={"status": transfer.status},
        reason=reason,
    )
    return transfer
