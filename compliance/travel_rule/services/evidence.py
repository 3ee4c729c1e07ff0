"""Protocol messages stored as evidence: encrypted body, redacted copy, digest (append-only)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from compliance.travel_rule.models import Message, Transfer
from compliance.travel_rule.protocols.base import Exchange
from compliance.travel_rule.services.identity import redact
from core import pii

MAX_REDACTED_BYTES = 64 * 1024


def _redacted(body: bytes) -> dict:
    if not body:
        return {}
    if len(body) > MAX_REDACTED_BYTES:
        return {"_note": f"{len(body)} bytes, not shown"}
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {"_raw": body[:2000].decode("utf-8", "replace")}
    if isinstance(data, dict) and isinstance(data.get("IVMS101"), dict):
        data = {**data, "IVMS101": redact(data["IVMS101"])}
    return data if isinstance(data, dict) else {"_value": data}


def message_row(
    transfer: Transfer,
    exchange: Exchange,
    *,
    protocol: str,
    version: str,
    request_identifier: str,
    attempt: int = 1,
) -> Message:
    return Message(
        transfer=transfer,
        kind=exchange.kind,
        direction=exchange.direction,
        protocol=protocol,
        protocol_version=version,
        request_identifier=request_identifier,
        url=exchange.url[:500],
        http_status=exchange.http_status,
        body_encrypted=pii.encrypt(exchange.body.decode("utf-8", "replace"))
        if exchange.body
        else "",
        body_redacted=_redacted(exchange.body),
        body_sha256=hashlib.sha256(exchange.body).hexdigest(),
        signature=exchange.signature,
        signature_valid=exchange.signature_valid,
        attempt=attempt,
        error=exchange.error[:2000],
        duration_ms=exchange.duration_ms,
    )


def store(
    transfer: Transfer,
    exchanges: Iterable[Exchange],
    *,
    protocol: str,
    version: str,
    request_identifier: str,
    attempt: int = 1,
) -> list[Message]:
    rows = [
        message_row(
            transfer,
            e,
            protocol=protocol,
            version=version,
            request_identifier=request_identifier,
            attempt=attempt,
        )
        for e in exchanges
    ]
    return Message.objects.bulk_create(rows)


def decrypted_body(message: Message) -> str:
    return pii.decrypt(message.body_encrypted)
