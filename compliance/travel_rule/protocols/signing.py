"""Message signatures between VASPs: Ed25519 over the request line, its id and body digest.

TRP authenticates VASPs with mutual TLS; we also sign every message (extension
``message-signature``, named in the ``api-extensions`` header) so the evidence we keep proves
who sent what, beyond the TLS session. The ``signature`` header reads
``keyId="<vasp code>",algorithm="ed25519",signature="<base64>"``.
"""

from __future__ import annotations

import base64
import hashlib
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

EXTENSION = "message-signature"
HEADER = "signature"
_PARTS = re.compile(r'(\w+)="([^"]*)"')


class SignatureError(ValueError):
    pass


def signing_string(method: str, path: str, request_identifier: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return f"{method.upper()}\n{path}\n{request_identifier}\n{digest}".encode()


def sign(
    key: Ed25519PrivateKey, key_id: str, method: str, path: str, request_id: str, body: bytes
) -> str:
    raw = key.sign(signing_string(method, path, request_id, body))
    return f'keyId="{key_id}",algorithm="ed25519",signature="{base64.b64encode(raw).decode()}"'


def key_id(header: str) -> str:
    return dict(_PARTS.findall(header or "")).get("keyId", "")


def load_public_key(pem: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError as exc:
        raise SignatureError(f"unusable public key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SignatureError("the counterparty's key is not Ed25519")
    return key


def verify(
    public_key_pem: str, header: str, method: str, path: str, request_id: str, body: bytes
) -> None:
    """Raises ``SignatureError`` unless ``header`` is a valid signature of this message."""
    parts = dict(_PARTS.findall(header or ""))
    if not parts.get("signature"):
        raise SignatureError("the message is not signed")
    if parts.get("algorithm") != "ed25519":
        raise SignatureError(f"unsupported algorithm {parts.get('algorithm')!r}")
    try:
        raw = base64.b64decode(parts["signature"], validate=True)
    except ValueError:
        raise SignatureError("the signature is not base64") from None
    key = load_public_key(public_key_pem)
    try:
        key.verify(raw, signing_string(method, path, request_id, body))
    except InvalidSignature:
        raise SignatureError("the signature does not match the message") from None
