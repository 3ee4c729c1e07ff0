"""OpenVASP Travel Rule Protocol (TRP), core specification version 3.1.0, over HTTPS.

Flow (originating side): POST the transfer inquiry to the beneficiary's Travel Address URL with
headers ``api-version: 3.1.0``, ``request-identifier`` (a UUID per transfer, echoed back),
``api-extensions`` and ``content-type: application/json``. The body is
``{"asset", "amount", "callback", "IVMS101", "extensions"}``. The beneficiary VASP answers at once
(200 with ``{"version", "approved": {"address", "callback"}}`` or ``{"version", "rejected"}``)
or later: 202 now, then the same resolution POSTed to our ``callback``. After broadcasting we
POST ``{"txid"}`` (or ``{"canceled"}``) to the approval's ``callback``: the confirmation.

Transport security is mutual TLS (configured in ``conf``); each message is also signed with
our Ed25519 key (``signing``), and answers are checked against the counterparty's key.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from . import http, signing
from .base import (
    APPROVED,
    FAILED,
    PENDING,
    REJECTED,
    Counterparty,
    Exchange,
    Inquiry,
    Outcome,
)

API_VERSION = "3.1.0"
SUPPORTED_MAJOR = "3."
CONTENT_TYPE = "application/json; charset=utf-8"
RESPONSE_METHOD = "RESPONSE"  # what an answer's signature covers in place of the method

# SLIP-0044 coin types of the chains we know (an asset's chain names its network).
SLIP0044 = {
    "bitcoin": 0,
    "litecoin": 2,
    "ethereum": 60,
    "xrp": 144,
    "tron": 195,
    "solana": 501,
    "bsc": 9006,
    "polygon": 966,
}
_NUMBER = "\u0000amount\u0000"


def dumps(payload: dict[str, Any]) -> bytes:
    """Compact JSON in which a ``Decimal`` ``amount`` stays exact (a JSON number, no float)."""
    amount = payload.get("amount")
    if isinstance(amount, Decimal):
        text = json.dumps({**payload, "amount": _NUMBER}, separators=(",", ":"), sort_keys=True)
        return text.replace(json.dumps(_NUMBER), format(amount.normalize(), "f"), 1).encode()
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def loads(body: bytes) -> Any:
    return json.loads(body, parse_float=Decimal)


def inquiry_body(inquiry: Inquiry, chain: str = "") -> dict[str, Any]:
    asset: dict[str, Any] = {}
    if chain in SLIP0044:
        asset["slip0044"] = SLIP0044[chain]
    extensions = {
        "assetSymbol": inquiry.asset,
        "beneficiaryWallet": inquiry.beneficiary_wallet,
        **inquiry.extensions,
    }
    return {
        "asset": asset,
        "amount": inquiry.amount,
        "callback": inquiry.callback,
        "IVMS101": inquiry.ivms101,
        "extensions": {k: v for k, v in extensions.items() if v},
    }


def headers_for(request_identifier: str, signature: str) -> dict[str, str]:
    return {
        "api-version": API_VERSION,
        "request-identifier": request_identifier,
        "api-extensions": signing.EXTENSION,
        "content-type": CONTENT_TYPE,
        signing.HEADER: signature,
    }


def check_headers(headers: dict[str, str]) -> dict[str, list[str]]:
    """What is wrong with an incoming request's TRP headers (lower-case names)."""
    errors: dict[str, list[str]] = {}
    version = headers.get("api-version", "")
    if not version.startswith(SUPPORTED_MAJOR):
        errors["api-version"] = [f"This endpoint speaks TRP {API_VERSION}."]
    request_id = headers.get("request-identifier", "")
    if not request_id or len(request_id) > 64:
        errors["request-identifier"] = ["A request identifier (UUID) is required."]
    content_type = headers.get("content-type", "application/json").split(";")[0].strip()
    if content_type != "application/json":
        errors["content-type"] = ["application/json is required."]
    return errors


def read_resolution(body: bytes) -> tuple[str, str, str, str]:
    """(status, reason, address, confirm url) from a resolution body; ValueError if garbage."""
    try:
        data = loads(body) if body.strip() else None
    except (ValueError, UnicodeDecodeError):
        raise ValueError("the answer is not JSON") from None
    if not isinstance(data, dict):
        raise ValueError("the answer is not a JSON object")
    if isinstance(data.get("approved"), dict):
        approved = data["approved"]
        address, callback = approved.get("address"), approved.get("callback")
        if not isinstance(address, str) or not isinstance(callback, str):
            raise ValueError("an approval carries an address and a callback")
        return APPROVED, "", address, callback
    if isinstance(data.get("rejected"), str):
        return REJECTED, data["rejected"] or "rejected without a reason", "", ""
    raise ValueError("the answer neither approves nor rejects")


class TrpAdapter:
    """Sends TRP messages over HTTP(S); every call ends within ``timeout`` seconds."""

    protocol = "trp"
    version = API_VERSION

    def __init__(
        self,
        *,
        key,
        key_id: str,
        timeout: float,
        client_cert: tuple[str, str] | None = None,
        ca_file: str = "",
    ) -> None:
        self.key, self.key_id, self.timeout = key, key_id, timeout
        self.client_cert, self.ca_file = client_cert, ca_file

    def _post(
        self, counterparty: Counterparty, kind: str, url: str, request_id: str, body: bytes
    ) -> tuple[list[Exchange], http.HttpAnswer | None, str]:
        path = urlsplit(url).path or "/"
        signature = signing.sign(self.key, self.key_id, "POST", path, request_id, body)
        sent = Exchange(kind=kind, direction="sent", url=url, body=body, signature=signature)
        try:
            answer = http.post(
                url,
                body,
                headers_for(request_id, signature),
                timeout=self.timeout,
                client_cert=self.client_cert,
                ca_file=self.ca_file,
            )
        except http.TransportError as exc:
            return [Exchange(**{**sent.__dict__, "error": str(exc)})], None, str(exc)
        valid, error = None, ""
        if counterparty.public_key:
            try:
                signing.verify(
                    counterparty.public_key,
                    answer.headers.get(signing.HEADER, ""),
                    RESPONSE_METHOD,
                    path,
                    request_id,
                    answer.body,
                )
                valid = True
            except signing.SignatureError as exc:
                valid, error = False, f"answer signature: {exc}"
        received = Exchange(
            kind="resolution" if kind == "inquiry" else kind,
            direction="received",
            url=url,
            body=answer.body,
            http_status=answer.status,
            signature=answer.headers.get(signing.HEADER, ""),
            signature_valid=valid,
            error=error,
            duration_ms=answer.duration_ms,
        )
        return [sent, received], answer, error

    def send_inquiry(self, counterparty: Counterparty, inquiry: Inquiry) -> Outcome:
        chain = inquiry.extensions.get("chain", "")
        body = dumps(inquiry_body(inquiry, chain))
        exchanges, answer, error = self._post(
            counterparty, "inquiry", inquiry.url, inquiry.request_identifier, body
        )
        if answer is None:
            return Outcome(FAILED, reason=error, retryable=True, exchanges=tuple(exchanges))
        if error:  # a forged or altered answer is never acted on, nor retried blindly
            return Outcome(FAILED, reason=error, retryable=False, exchanges=tuple(exchanges))
        return _outcome(answer, tuple(exchanges))

    def send_confirmation(
        self, counterparty: Counterparty, url: str, request_identifier: str, body: dict[str, Any]
    ) -> Outcome:
        return self.post_message(counterparty, "confirmation", url, request_identifier, body)

    def post_message(
        self,
        counterparty: Counterparty,
        kind: str,
        url: str,
        request_identifier: str,
        body: dict[str, Any],
    ) -> Outcome:
        """A resolution or confirmation: delivered when the counterparty answers 2xx."""
        exchanges, answer, error = self._post(
            counterparty, kind, url, request_identifier, dumps(body)
        )
        if answer is None or error or answer.status >= 300:
            reason = error or f"HTTP {answer.status}" if answer else error
            return Outcome(FAILED, reason=reason, retryable=True, exchanges=tuple(exchanges))
        return Outcome(APPROVED, exchanges=tuple(exchanges))


def _outcome(answer: http.HttpAnswer, exchanges: tuple[Exchange, ...]) -> Outcome:
    status = answer.status
    if status in (202, 204):
        return Outcome(PENDING, exchanges=exchanges)
    if status == 200:
        try:
            result, reason, address, confirm_url = read_resolution(answer.body)
        except ValueError as exc:
            return Outcome(
                FAILED, reason=f"garbage answer: {exc}", retryable=True, exchanges=exchanges
            )
        return Outcome(
            result, reason=reason, address=address, confirm_url=confirm_url, exchanges=exchanges
        )
    retryable = status >= 500 or status in (408, 425, 429)
    detail = answer.body[:200].decode("utf-8", "replace")
    return Outcome(
        FAILED, reason=f"HTTP {status}: {detail}", retryable=retryable, exchanges=exchanges
    )


def new_request_identifier() -> str:
    return str(uuid.uuid4())
