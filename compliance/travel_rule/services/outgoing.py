"""Outgoing transfers: before a withdrawal is broadcast, decide and prepare its travel-rule
message, send it (sandbox inline, TRP through the task queue) and later confirm the txid."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from compliance.travel_rule import ivms101 as iv
from compliance.travel_rule import policy, selectors
from compliance.travel_rule.models import Message, Protocol, Transfer
from compliance.travel_rule.protocols import base, travel_address, trp
from compliance.travel_rule.protocols.base import Exchange
from compliance.travel_rule.services import delivery, evidence, identity, seams, wallets
from core import audit, pii
from core.actors import Actor
from core.errors import Conflict, InvalidTransition, ValidationFailed
from kyc.selectors import get_customer
from kyc.validation import COUNTRY_CODES

KARACHI = ZoneInfo("Asia/Karachi")


@dataclass(frozen=True)
class OutgoingRequest:
    external_id: str
    customer: str
    asset: str
    amount: Decimal
    amount_pkr: Decimal
    beneficiary_wallet: str
    chain: str = ""
    originator_wallet: str = ""
    fiat_values: dict[str, Decimal] = field(default_factory=dict)
    beneficiary: dict[str, Any] | None = None  # an IVMS101 person (naturalPerson/legalPerson)
    beneficiary_name: str = ""
    counterparty_vasp: str = ""
    travel_address: str = ""
    wallet_type: str = "hosted"
    ownership: wallets.Ownership | None = None

    def digest(self) -> str:
        raw = json.dumps(asdict(self), sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()


def _beneficiary_person(req: OutgoingRequest) -> iv.Person:
    if req.beneficiary is not None:
        try:
            payload = iv.read_identity_payload(
                {"beneficiary": {"beneficiaryPersons": [req.beneficiary]}}
            )
        except iv.Ivms101Error as exc:
            prefix = "beneficiary.beneficiaryPersons[0]"
            raise ValidationFailed(
                {k.replace(prefix, "beneficiary", 1): v for k, v in exc.errors.items()}
            ) from None
        return payload.beneficiary.persons[0]
    name = req.beneficiary_name.strip()
    if not name:
        raise ValidationFailed({"beneficiary": ["Give the beneficiary (IVMS101 person) or name."]})
    if len(name) > iv.codes.MAX_NAME:
        raise ValidationFailed({"beneficiary_name": [f"At most {iv.codes.MAX_NAME} characters."]})
    return iv.NaturalPerson(name=iv.NaturalPersonName((iv.NaturalNameId(name, "LEGL"),)))


def _counterparty(req: OutgoingRequest) -> tuple[Any, str]:
    """(the directory's VASP or None, the decoded travel-address URL or '')."""
    url = ""
    if req.travel_address:
        try:
            url = travel_address.decode(req.travel_address)
        except travel_address.TravelAddressError as exc:
            raise ValidationFailed({"travel_address": [str(exc)]}) from None
    vasp = selectors.vasp_by_code(req.counterparty_vasp) if req.counterparty_vasp else None
    if vasp is None and url:
        vasp = selectors.vasp_for_url(url)
    return vasp, url


def _payload(customer, req: OutgoingRequest, person: iv.Person, vasp) -> iv.IdentityPayload:
    payload = iv.IdentityPayload(
        originator=iv.Party(
            persons=(identity.customer_person(customer),),
            account_numbers=(req.originator_wallet or customer.external_id,),
        ),
        beneficiary=iv.Party(persons=(person,), account_numbers=(req.beneficiary_wallet,)),
        originating_vasp=identity.vasp_person(selectors.self_vasp()),
        beneficiary_vasp=identity.vasp_person(vasp) if vasp else None,
    )
    found = iv.problems(payload, countries=COUNTRY_CODES, today=timezone.localdate())
    if found:
        renamed = {}
        for path, messages in found.items():
            if path.startswith("beneficiary.beneficiaryPersons[0]"):
                path = path.replace("beneficiary.beneficiaryPersons[0]", "beneficiary", 1)
            elif path.startswith("originator."):
                messages = [f"{m} (from the customer's KYC record)" for m in messages]
                path = f"ivms101.{path}"
            renamed[path] = messages
        raise ValidationFailed(renamed)
    return payload


def _existing(req: OutgoingRequest, digest: str) -> Transfer | None:
    found = Transfer.objects.filter(
        direction=Transfer.Direction.OUTGOING, external_id=req.external_id
    ).first()
    if found is not None and found.request_hash != digest:
        raise Conflict("external_id already used for a different transfer")
    return found


def prepare_outgoing_transfer(*, request: OutgoingRequest, actor: Actor) -> tuple[Transfer, bool]:
    """The travel-rule answer for a withdrawal (``created`` False for an idempotent repeat)."""
    digest = request.digest()
    existing = _existing(request, digest)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            transfer = _prepare(request, digest, actor)
    except IntegrityError:  # the same external_id raced us: answer with the winner
        existing = _existing(request, digest)
        if existing is None:
            raise
        return existing, False
    if transfer.status == Transfer.Status.AWAITING and (
        transfer.counterparty_vasp is None or transfer.counterparty_vasp.protocol == Protocol.TRP
    ):
        transaction.on_commit(lambda: seams.send_transfer_soon(str(transfer.pk)))
    return transfer, True


def _prepare(req: OutgoingRequest, digest: str, actor: Actor) -> Transfer:
    customer = get_customer(req.customer)
    person = _beneficiary_person(req)
    unhosted = req.wallet_type == Transfer.WalletKind.UNHOSTED
    vasp, _ = (None, "") if unhosted else _counterparty(req)
    policies = selectors.active_policies(vasp.jurisdiction if vasp else "")
    ours = selectors.our_policy(policies)
    theirs = policies.get(vasp.jurisdiction) if vasp else None
    declared = proved = False
    declaration = None
    if unhosted and req.ownership is not None:
        declaration = wallets.declare_wallet(
            customer=customer,
            chain=req.chain,
            address=req.beneficiary_wallet,
            ownership=req.ownership,
            actor=actor,
        )
        declared, proved = True, declaration.proof_verified
    elif unhosted:
        declared, proved = wallets.wallet_standing(customer, req.chain, req.beneficiary_wallet)
    decision = policy.decide_outgoing(
        policy.OutgoingFacts(
            amount_pkr=req.amount_pkr,
            ours=ours,
            theirs=theirs,
            fiat_values=req.fiat_values,
            unhosted=unhosted,
            declared=declared,
            proved=proved,
            vasp_known=vasp is not None,  # a travel address alone names no vetted VASP
            vasp_can_receive=vasp is None or vasp.protocol != Protocol.NONE,
        )
    )
    payload = None
    if decision.status != policy.NOT_REQUIRED:
        payload = _payload(customer, req, person, vasp)
    status = Transfer.Status.AWAITING if decision.status == policy.SEND else decision.status
    reasons = list(decision.reasons)
    now = timezone.now()
    ivms_json = payload.to_json() if payload else {}
    request_identifier = trp.new_request_identifier()
    outcome, adapter = None, None
    if (
        status == Transfer.Status.AWAITING
        and vasp is not None
        and vasp.protocol == Protocol.SANDBOX
    ):
        # In-process counterparty: its answer is part of this request (one insert, one audit).
        adapter = delivery.adapter_for(Protocol.SANDBOX)
        outcome = adapter.send_inquiry(
            base.Counterparty(code=vasp.code, name=vasp.name, protocol=vasp.protocol),
            base.Inquiry(
                request_identifier=request_identifier,
                url=vasp.code,
                asset=req.asset,
                amount=req.amount,
                callback="",
                ivms101=ivms_json,
                beneficiary_wallet=req.beneficiary_wallet,
            ),
        )
        if outcome.status in (base.APPROVED, base.REJECTED):
            answered = (
                Transfer.Status.READY
                if outcome.status == base.APPROVED
                else Transfer.Status.REJECTED
            )
            status, reasons = delivery.resolved(
                status=answered,
                reasons=reasons,
                beneficiary_wallet=req.beneficiary_wallet,
                reason=outcome.reason,
                address=outcome.address,
            )
    names = identity.customer_names(customer)
    waiting = status in (Transfer.Status.AWAITING, Transfer.Status.REVIEW)
    answered_now = outcome is not None and outcome.status != base.PENDING
    transfer = Transfer.objects.create(
        direction=Transfer.Direction.OUTGOING,
        external_id=req.external_id,
        customer=customer,
        asset=req.asset,
        chain=req.chain,
        amount=req.amount,
        amount_pkr=req.amount_pkr,
        originator_wallet=req.originator_wallet,
        beneficiary_wallet=req.beneficiary_wallet,
        wallet_kind=Transfer.WalletKind.UNHOSTED if unhosted else Transfer.WalletKind.HOSTED,
        counterparty_vasp=vasp,
        counterparty_name=vasp.name if vasp else "",
        travel_address=req.travel_address,
        status=status,
        reasons=reasons,
        policy_id=ours.id,
        ivms101_encrypted=pii.encrypt(json.dumps(ivms_json)) if payload else "",
        ivms101_redacted=identity.redact(ivms_json),
        originator_name=names[0][:200] if names else "",
        beneficiary_name=(person.legal_names or person.all_names or [""])[0][:200],
        request_hash=digest,
        request_identifier=request_identifier,
        attempts=1 if outcome else 0,
        approved_address=outcome.address[:128] if outcome else "",
        confirm_url=outcome.confirm_url[:500] if outcome else "",
        resolved_at=now if answered_now else None,
        due_at=now + timedelta(hours=ours.counterparty_sla_hours) if waiting else None,
        next_attempt_at=now if status == Transfer.Status.AWAITING and outcome is None else None,
    )
    if declaration is not None:  # the declaration made with this request points to it
        type(declaration).objects.filter(pk=declaration.pk).update(transfer=transfer)
    exchanges = list(outcome.exchanges) if outcome else []
    if payload is not None and outcome is None and status != Transfer.Status.AWAITING:
        # Sunrise and unhosted cases: no counterparty channel, the record is the evidence.
        body = json.dumps({"IVMS101": ivms_json, "decision": status}).encode()
        exchanges = [Exchange(kind=Message.Kind.SUNRISE, direction="sent", url="", body=body)]
    if exchanges:
        evidence.store(
            transfer,
            exchanges,
            protocol=adapter.protocol if adapter else Protocol.NONE,
            version=adapter.version if adapter else trp.API_VERSION,
            request_identifier=request_identifier,
        )
    audit.record(
        actor=actor,
        action="travel_rule.transfer_prepared",
        obj=transfer,
        after={
            "status": transfer.status,
            "amount_pkr": str(req.amount_pkr),
            "counterparty": vasp.code if vasp else req.travel_address,
        },
        reason="; ".join(transfer.reasons),
    )
    return transfer


def confirm_outgoing_transfer(*, transfer: Transfer, txid: str, actor: Actor) -> Transfer:
    """After broadcasting: record the txid and send the TRP confirmation to the counterparty."""
    if transfer.status != Transfer.Status.READY:
        raise InvalidTransition(f"cannot confirm a {transfer.status} transfer")
    if transfer.txid:
        if transfer.txid == txid:
            return transfer
        raise Conflict("this transfer is already confirmed with another txid")
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        locked.txid = txid[:128]
        locked.save(update_fields=["txid", "updated_at"])
        audit.record(
            actor=actor, action="travel_rule.transfer_confirmed", obj=locked, after={"txid": txid}
        )
    if locked.confirm_url and locked.counterparty_vasp is not None:
        adapter = delivery.adapter_for(locked.counterparty_vasp.protocol)
        outcome = adapter.send_confirmation(
            delivery.counterparty_of(locked),
            locked.confirm_url,
            locked.request_identifier,
            {"txid": txid},
        )
        evidence.store(
            locked,
            outcome.exchanges,
            protocol=adapter.protocol,
            version=adapter.version,
            request_identifier=locked.request_identifier,
        )
    return locked


def decide_held_outgoing(*, transfer: Transfer, allow: bool, reason: str, actor: Actor) -> Transfer:
    """An officer's decision on a withdrawal held by policy (sunrise, unknown VASP, failed
    exchange): it may proceed (``ready``) or not (``rejected``)."""
    if not reason.strip():
        raise ValidationFailed({"reason": ["A decision needs a reason."]})
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if (
            locked.direction != Transfer.Direction.OUTGOING
            or locked.status != Transfer.Status.REVIEW
        ):
            raise InvalidTransition(f"cannot decide a {locked.direction} {locked.status} transfer")
        locked.status = Transfer.Status.READY if allow else Transfer.Status.REJECTED
        verdict = "released" if allow else "blocked"
        locked.reasons = [*locked.reasons, f"{verdict} by {actor.label}: {reason}"]
        locked.resolved_at = timezone.now()
        locked.save(update_fields=["status", "reasons", "resolved_at", "updated_at"])
        audit.record(
            actor=actor,
            action="travel_rule.outgoing_decided",
            obj=locked,
            after={"status": locked.status},
            reason=reason,
        )
    return locked


SLA_ACTOR = Actor.automated("travel-rule-sla")


def hold_overdue(*, now: datetime | None = None, limit: int = 500) -> int:
    """Outgoing transfers still awaiting the counterparty past their SLA (``due_at``) are held
    for an officer (``review``): the withdrawal then waits on a person who can allow or refuse
    it, not on a VASP that may never answer. A late answer is still kept as evidence on the
    transfer. Rows another worker holds are left to the next run."""
    now = now or timezone.now()
    with transaction.atomic():
        overdue = list(
            Transfer.objects.select_for_update(skip_locked=True)
            .filter(
                direction=Transfer.Direction.OUTGOING,
                status=Transfer.Status.AWAITING,
                due_at__lt=now,
            )
            .order_by("due_at")[:limit]
        )
        for held in overdue:
            held.status = Transfer.Status.REVIEW
            held.next_attempt_at = None
            held.updated_at = now
            held.reasons = [
                *held.reasons,
                "the counterparty did not answer by "
                f"{held.due_at.astimezone(KARACHI):%Y-%m-%d %H:%M} (Asia/Karachi): held for an "
                "officer",
            ]
        Transfer.objects.bulk_update(
            overdue, ["status", "next_attempt_at", "updated_at", "reasons"]
        )
        audit.record_many(
            audit.Entry(
                actor=SLA_ACTOR,
                action="travel_rule.held_overdue",
                obj=held,
                before={"status": Transfer.Status.AWAITING},
                after={"status": held.status},
                reason="counterparty SLA passed",
            )
            for held in overdue
        )
    return len(overdue)
