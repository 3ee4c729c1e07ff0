"""Travel-rule settings from the environment (each with a working default for development)."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings


def _get(name: str, default: str) -> str:
    return str(getattr(settings, name, None) or os.environ.get(name) or default)


def base_url() -> str:
    """Where counterparties reach our TRP endpoints (callbacks, travel addresses)."""
    return _get("TRAVEL_RULE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def self_code() -> str:
    """Our code in counterparties' VASP directories (the signature's key id)."""
    return _get("TRAVEL_RULE_VASP_CODE", "nigraan")


def self_name() -> str:
    return _get("TRAVEL_RULE_VASP_NAME", "Nigraan Exchange")


def http_timeout() -> float:
    """Seconds a whole HTTP exchange with a counterparty may take, connect to last byte."""
    return float(_get("TRAVEL_RULE_HTTP_TIMEOUT", "5"))


def max_attempts() -> int:
    return int(_get("TRAVEL_RULE_MAX_ATTEMPTS", "6"))


def client_certificate() -> tuple[str, str] | None:
    """(certificate file, key file) for mutual TLS, when configured."""
    cert, key = _get("TRAVEL_RULE_TLS_CERT", ""), _get("TRAVEL_RULE_TLS_KEY", "")
    return (cert, key) if cert and key else None


def ca_file() -> str:
    return _get("TRAVEL_RULE_TLS_CA", "")


@lru_cache(maxsize=4)
def _key_from(pem: str, secret: str) -> Ed25519PrivateKey:
    if pem:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("TRAVEL_RULE_SIGNING_KEY must be an Ed25519 private key")
        return key
    # Development only: a key derived from SECRET_KEY, stable across restarts.
    seed = hashlib.sha256(b"nigraan-travel-rule-signing:" + secret.encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def signing_key_pem() -> str:
    """Our Ed25519 private key as configured (PEM), empty when the development key is used."""
    return _get("TRAVEL_RULE_SIGNING_KEY", "")


def signing_key() -> Ed25519PrivateKey:
    return _key_from(signing_key_pem(), settings.SECRET_KEY)


def public_key_pem() -> str:
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
