"""Incoming transfers: a counterparty's TRP inquiry about a transfer to our customer.

We validate it (headers, signature, IVMS101), screen the originator (names against the
sanctions index, the wallet against listed addresses), compare the beneficiary with our customer
(the TRAVEL_RULE_MISMATCH rule), match it to the incoming transaction, and answer per policy:
approve, reject, or hold for an officer (202 now, the resolution later on their callback).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from compliance.monitoring.models import Transaction
from compliance.monitoring.sanctions import ScreeningSanctions
from compliance.monitoring.typologies.travel_rule import ReceivedTravelData
from compliance.travel_rule import conf, policy, selectors
from compliance.travel_rule import ivms101 as iv
from compliance.travel_rule.models import Message, Protocol, Transfer, TravelAddress
from compliance.travel_rule.protocols import signing, trp
from compliance.travel_rule.protocols.base import Counterparty, Exchange
from compliance.travel_rule.services import alerts, delivery, evidence, identity
from core import audit, pii
from core.actors import Actor
from core.errors import DomainError, InvalidTransition, ValidationFailed
from kyc.validation import COUNTRY_CODES

ACTOR = Actor.automated("travel-rule")
MATCH_WINDOW = timedelta(days=3)
AMOUNT_TOLERANCE = Decimal("0.01")


class Unauthenticated(DomainError):
    code = "unauthenticated"
    status = 401


class UnknownTravelAddress(DomainError):
    code = "not_found"
    status = 404


@dataclass(frozen=True)
class Answer:
    """What the TRP endpoint replies: HTTP status and JSON body (``None`` for no body)."""

    status: int
    body: dict[str, Any] | None
    transfer: Transfer | None = None


def authenticate(headers: dict[str, str], method: str, path: str, body: bytes):
    """The sending VASP, if its signature over this message verifies; else ``Unauthenticated``."""
    header = headers.get(signing.HEADER, "")
    vasp = selectors.vasp_by_code(signing.key_id(header)) if header else None
    if vasp is None or not vasp.public_key:
        raise Unauthenticated("unknown VASP: sign with a key registered in our directory")
    try:
        signing.verify(
            vasp.public_key, header, method, path, headers.get("request-identifier", ""), body
        )
    except signing.SignatureError as exc:
        raise Unauthenticated(str(exc)) from None
    return vasp


def read_inquiry(body: bytes) -> tuple[dict[str, Any], iv.IdentityPayload]:
    try:
        data = trp.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed({"body": ["Malformed JSON."]}) from None
    if not isinstance(data, dict):
        raise ValidationFailed({"body": ["Expected a JSON object."]})
    errors: dict[str, list[str]] = {}
    amount = data.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal) or amount <= 0:
        errors["amount"] = ["A positive number."]
    if not isinstance(data.get("asset"), dict):
        errors["asset"] = ["An object (slip0044 or dti)."]
    callback = data.get("callback")
    if not isinstance(callback, str) or not callback.startswith(("https://", "http://")):
        errors["callback"] = ["The URL where the resolution may be sent."]
    if not isinstance(data.get("extensions", {}), dict):
        errors["extensions"] = ["An object."]
    payload = None
    try:
        payload = iv.parse(data.get("IVMS101"), countries=COUNTRY_CODES, today=timezone.localdate())
    except iv.Ivms101Error as exc:
        errors.update(
            {f"IVMS101.{k}".replace("IVMS101.IVMS101", "IVMS101"): v for k, v in exc.errors.items()}
        )
    if errors:
        raise ValidationFailed(errors)
    return data, payload


def receive_inquiry(*, token: str, headers: dict[str, str], path: str, body: bytes) -> Answer:
    problems = trp.check_headers(headers)
    if problems:
        raise ValidationFailed(problems)
    vasp = authenticate(headers, "POST", path, body)
    address = selectors.travel_address(token)
    if address is None:
        raise UnknownTravelAddress("no such travel address")
    request_id = headers["request-identifier"]
    seen = selectors.transfer_by_request_identifier(request_id, Transfer.Direction.INCOMING)
    if seen is not None:
        return _previous_answer(seen)
    data, payload = read_inquiry(body)
    with transaction.atomic():
        transfer = _record(address, vasp, request_id, data, payload, body, headers)
        return _decide(transfer, address, payload, data)


def _previous_answer(transfer: Transfer) -> Answer:
    sent = transfer.messages.filter(kind=Message.Kind.RESOLUTION, direction="sent").last()
    if sent is None or not sent.body_encrypted:
        return Answer(202, None, transfer)
    return Answer(200, json.loads(evidence.decrypted_body(sent)), transfer)


def _first_account(party: iv.Party | None) -> str:
    return party.account_numbers[0] if party and party.account_numbers else ""


def _record(address: TravelAddress, vasp, request_id, data, payload, body, headers) -> Transfer:
    extensions = data.get("extensions") or {}
    originator = payload.originator.persons[0]
    beneficiary = payload.beneficiary.persons[0]
    ivms_json = payload.to_json()
    amount_pkr = extensions.get("amountPkr")
    transfer = Transfer.objects.create(
        direction=Transfer.Direction.INCOMING,
        external_id=request_id,
        request_identifier=request_id,
        customer=address.customer,
        asset=str(extensions.get("assetSymbol") or data["asset"].get("dti") or "")[:20],
        chain=str(extensions.get("chain") or "")[:20],
        amount=Decimal(data["amount"]),
        amount_pkr=Decimal(str(amount_pkr))
        if isinstance(amount_pkr, str | int | Decimal)
        else Decimal(0),
        originator_wallet=_first_account(payload.originator)[:128],
        beneficiary_wallet=(_first_account(payload.beneficiary) or address.wallet_address)[:128],
        counterparty_vasp=vasp,
        counterparty_name=vasp.name,
        status=Transfer.Status.REVIEW,
        confirm_url=data["callback"][:500],
        ivms101_encrypted=pii.encrypt(json.dumps(ivms_json)),
        ivms101_redacted=identity.redact(ivms_json),
        originator_name=(originator.legal_names or originator.all_names)[0][:200],
        beneficiary_name=(beneficiary.legal_names or beneficiary.all_names)[0][:200],
        request_hash=request_id,
    )
    evidence.store(
        transfer,
        [
            Exchange(
                kind=Message.Kind.INQUIRY,
                direction="received",
                url=data["callback"],
                body=body,
                signature=headers.get(signing.HEADER, ""),
                signature_valid=True,
            )
        ],
        protocol=Protocol.TRP,
        version=headers.get("api-version", ""),
        request_identifier=request_id,
    )
    return transfer


def _screen(transfer: Transfer, payload: iv.IdentityPayload) -> list[str]:
    sanctions = ScreeningSanctions()
    hits = []
    for person in payload.originator.persons:
        for name in person.legal_names or person.all_names:
            found = sanctions.name_hit(name)
            if found:
                hits.append(f"originator name {name!r} matches {found}")
    for wallet in payload.originator.account_numbers:
        found = sanctions.wallet_hit(transfer.chain, wallet)
        if found:
            hits.append(f"originator wallet matches {found}")
    return hits


def match_transaction(transfer: Transfer) -> Transaction | None:
    """The incoming crypto transaction this data is about: same customer and asset, amount
    within 1 %, within three days; the originator's wallet decides between candidates."""
    if transfer.transaction_id:
        return transfer.transaction
    low = transfer.amount * (1 - AMOUNT_TOLERANCE)
    high = transfer.amount * (1 + AMOUNT_TOLERANCE)
    candidates = list(
        Transaction.objects.filter(
            customer_id=transfer.customer_id,
            kind__in=[Transaction.Kind.TRANSFER_IN, Transaction.Kind.DEPOSIT],
            channel=Transaction.Channel.CRYPTO,
            asset__iexact=transfer.asset,
            amount__gte=low,
            amount__lte=high,
            occurred_at__gte=transfer.created_at - MATCH_WINDOW,
            occurred_at__lte=transfer.created_at + MATCH_WINDOW,
        )
        .exclude(travel_rule_transfers__isnull=False)
        .order_by("occurred_at", "id")[:20]
    )
    if not candidates:
        return None
    wallet = transfer.originator_wallet.lower()
    best = next((t for t in candidates if t.counterparty_wallet.lower() == wallet), candidates[0])
    Transfer.objects.filter(pk=transfer.pk).update(transaction=best)
    transfer.transaction = best
    if not transfer.amount_pkr:
        Transfer.objects.filter(pk=transfer.pk).update(amount_pkr=best.amount_pkr)
        transfer.amount_pkr = best.amount_pkr
    return best


def comparison(transfer: Transfer, payload: iv.IdentityPayload) -> ReceivedTravelData:
    tx = transfer.transaction
    names = tuple(n for p in payload.beneficiary.persons for n in (p.all_names or []))
    return ReceivedTravelData(
        transfer_id=str(transfer.pk),
        customer_id=str(transfer.customer_id),
        received_names=names,
        customer_names=identity.customer_names(transfer.customer),
        received_wallet=_first_account(payload.beneficiary),
        customer_wallet=transfer.beneficiary_wallet if tx is None else "",
        received_amount=transfer.amount,
        transaction_amount=tx.amount if tx else None,
        transaction_id=str(tx.pk) if tx else "",
        amount_pkr=tx.amount_pkr if tx else transfer.amount_pkr,
    )


def _decide(transfer: Transfer, address: TravelAddress, payload, data) -> Answer:
    hits = _screen(transfer, payload)
    match_transaction(transfer)
    mismatches = alerts.compare_and_alert(comparison(transfer, payload))
    ours = selectors.our_policy(selectors.active_policies())
    action = policy.incoming_action(ours=ours, sanctioned=bool(hits), mismatched=bool(mismatches))
    reasons = [*hits, *mismatches]
    transfer.screening = {"hits": hits}
    transfer.policy_id = ours.id
    if action == policy.PROCEED:
        transfer.status = Transfer.Status.ACCEPTED
        confirm = f"{conf.base_url()}/trp/confirm/{transfer.pk}/"
        body = {
            "version": trp.API_VERSION,
            "approved": {"address": transfer.beneficiary_wallet, "callback": confirm},
        }
        reasons.append("travel-rule data complete and consistent: approved")
        status_code = 200
    elif action == policy.BLOCK:
        transfer.status = Transfer.Status.REJECTED
        body = {"version": trp.API_VERSION, "rejected": "the transfer cannot be accepted"}
        status_code = 200
    else:
        transfer.status = Transfer.Status.REVIEW
        transfer.due_at = timezone.now() + timedelta(hours=ours.counterparty_sla_hours)
        body, status_code = None, 202
    transfer.reasons = reasons
    transfer.resolved_at = timezone.now() if status_code == 200 else None
    transfer.save(
        update_fields=[
            "status",
            "reasons",
            "screening",
            "policy",
            "due_at",
            "resolved_at",
            "updated_at",
        ]
    )
    raw = json.dumps(body).encode() if body else b""
    evidence.store(
        transfer,
        [
            Exchange(
                kind=Message.Kind.RESOLUTION,
                direction="sent",
                url=transfer.confirm_url,
                body=raw,
                http_status=status_code,
            )
        ],
        protocol=Protocol.TRP,
        version=trp.API_VERSION,
        request_identifier=transfer.request_identifier,
    )
    audit.record(
        actor=ACTOR,
        action="travel_rule.inquiry_received",
        obj=transfer,
        after={"status": transfer.status, "from": transfer.counterparty_name},
        reason="; ".join(reasons),
    )
    return Answer(status_code, body, transfer)


def decide_held_transfer(
    *, transfer: Transfer, accept: bool, reason: str, actor: Actor
) -> Transfer:
    """An officer's decision on an incoming transfer held for review; the resolution goes to
    the originating VASP's callback."""
    if not reason.strip():
        raise ValidationFailed({"reason": ["A decision needs a reason."]})
    with transaction.atomic():
        locked = (
            Transfer.objects.select_for_update(of=("self",))
            .select_related("counterparty_vasp")
            .get(pk=transfer.pk)
        )
        if (
            locked.direction != Transfer.Direction.INCOMING
            or locked.status != Transfer.Status.REVIEW
        ):
            raise InvalidTransition(f"cannot decide a {locked.direction} {locked.status} transfer")
        locked.status = Transfer.Status.ACCEPTED if accept else Transfer.Status.REJECTED
        locked.reasons = [
            *locked.reasons,
            f"{'accepted' if accept else 'rejected'} by {actor.label}: {reason}",
        ]
        locked.resolved_at = timezone.now()
        locked.save(update_fields=["status", "reasons", "resolved_at", "updated_at"])
        audit.record(
            actor=actor,
            action="travel_rule.incoming_decided",
            obj=locked,
            after={"status": locked.status},
            reason=reason,
        )
    body = (
        {
            "version": trp.API_VERSION,
            "approved": {
                "address": locked.beneficiary_wallet,
                "callback": f"{conf.base_url()}/trp/confirm/{locked.pk}/",
            },
        }
        if accept
        else {"version": trp.API_VERSION, "rejected": "the transfer cannot be accepted"}
    )
    vasp = locked.counterparty_vasp
    if vasp is not None and vasp.protocol == Protocol.TRP and locked.confirm_url:
        adapter = delivery.adapter_for(Protocol.TRP)
        outcome = adapter.post_message(
            Counterparty(
                code=vasp.code, name=vasp.name, protocol=vasp.protocol, public_key=vasp.public_key
            ),
            "resolution",
            locked.confirm_url,
            locked.request_identifier,
            body,
        )
        evidence.store(
            locked,
            outcome.exchanges,
            protocol=adapter.protocol,
            version=adapter.version,
            request_identifier=locked.request_identifier,
        )
    return locked


def receive_resolution(*, transfer_id: str, headers: dict[str, str], path: str, body: bytes):
    """A counterparty's late answer (TRP callback) to one of our outgoing inquiries."""
    problems = trp.check_headers(headers)
    if problems:
        raise ValidationFailed(problems)
    transfer = selectors.get_transfer(transfer_id, direction=Transfer.Direction.OUTGOING)
    vasp = authenticate(headers, "POST", path, body)
    if transfer.counterparty_vasp_id and vasp.pk != transfer.counterparty_vasp_id:
        raise Unauthenticated("this transfer was not sent to the signing VASP")
    try:
        status, reason, address, confirm_url = trp.read_resolution(body)
    except ValueError as exc:
        raise ValidationFailed({"body": [str(exc)]}) from None
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        evidence.store(
            locked,
            [
                Exchange(
                    kind=Message.Kind.RESOLUTION,
                    direction="received",
                    url=path,
                    body=body,
                    signature=headers.get(signing.HEADER, ""),
                    signature_valid=True,
                )
            ],
            protocol=Protocol.TRP,
            version=headers.get("api-version", ""),
            request_identifier=locked.request_identifier,
        )
        if locked.status == Transfer.Status.AWAITING:
            delivery.apply_resolution(
                transfer=locked,
                status=Transfer.Status.READY if status == "approved" else Transfer.Status.REJECTED,
                reason=reason,
                address=address,
                confirm_url=confirm_url,
            )
    return locked


def receive_confirmation(*, transfer_id: str, headers: dict[str, str], path: str, body: bytes):
    """The originating VASP's txid (or cancellation) for a transfer we approved."""
    problems = trp.check_headers(headers)
    if problems:
        raise ValidationFailed(problems)
    transfer = selectors.get_transfer(transfer_id, direction=Transfer.Direction.INCOMING)
    vasp = authenticate(headers, "POST", path, body)
    if vasp.pk != transfer.counterparty_vasp_id:
        raise Unauthenticated("this transfer came from another VASP")
    try:
        data = trp.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed({"body": ["Malformed JSON."]}) from None
    if not isinstance(data, dict) or not (
        isinstance(data.get("txid"), str) or isinstance(data.get("canceled"), str)
    ):
        raise ValidationFailed({"txid": ["A txid, or canceled with a comment."]})
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        evidence.store(
            locked,
            [
                Exchange(
                    kind=Message.Kind.CONFIRMATION,
                    direction="received",
                    url=path,
                    body=body,
                    signature_valid=True,
                    signature=headers.get(signing.HEADER, ""),
                )
            ],
            protocol=Protocol.TRP,
            version=headers.get("api-version", ""),
            request_identifier=locked.request_identifier,
        )
        if isinstance(data.get("txid"), str):
            locked.txid = data["txid"][:128]
        else:
            locked.reasons = [*locked.reasons, f"canceled by the originator: {data['canceled']}"]
        locked.save(update_fields=["txid", "reasons", "updated_at"])
    return locked


def match_pending_incoming() -> int:
    """Beat: link received data to incoming transactions that arrived after it; compare again
    now that the transaction is known."""
    matched = 0
    for transfer in selectors.unmatched_incoming().select_related("customer"):
        with transaction.atomic():
            if match_transaction(transfer) is None:
                continue
            payload = iv.read_identity_payload(json.loads(pii.decrypt(transfer.ivms101_encrypted)))
            alerts.compare_and_alert(comparison(transfer, payload))
            matched += 1
    return matched
