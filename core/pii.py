"""Personal data at rest: encryption with key rotation, keyed hashes for lookup, masking.

ID numbers are stored twice: as a Fernet token (``encrypt``) that only the application can read,
and as an HMAC (``keyed_hash``) that finds duplicates and exact matches without decrypting.
``settings.PII_KEYS`` lists Fernet keys: the first encrypts, all decrypt, so a new key can be put
in front and old rows re-encrypted later (``manage.py rotate_pii_key``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt", "keyed_hash", "mask", "normalize", "rotate"]

_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ValueError("settings.PII_KEYS is empty")
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def _current() -> MultiFernet:
    # Keyed by the tuple of keys so a changed setting (rotation, tests) takes effect at once.
    return _fernet(tuple(settings.PII_KEYS))


def encrypt(value: str) -> str:
    """A Fernet token for ``value`` under the first key (empty stays empty)."""
    if not value:
        return ""
    return _current().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The plaintext of ``token``, trying every configured key; raises ``InvalidToken``."""
    if not token:
        return ""
    return _current().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """Re-encrypt ``token`` under the first key (decrypting with whichever key made it)."""
    if not token:
        return ""
    return _current().rotate(token.encode()).decode()


def normalize(value: str) -> str:
    """Upper case, letters and digits only: ``12345-1234567-1`` and ``1234512345671`` are equal."""
    return _NOT_ALNUM.sub("", (value or "").upper())


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 (hex) of the normalized value under ``settings.PII_HASH_KEY``."""
    normalized = normalize(value)
    if not normalized:
        return ""
    key = settings.PII_HASH_KEY
    return hmac.new(key.encode(), normalized.encode(), hashlib.sha256).hexdigest()


def mask(value: str, visible: int = 4) -> str:
    """Hide every letter and digit except the last ``visible``; separators stay for shape.

    ``mask("35202-1234567-1")`` is ``"*****-****567-1"``.
    """
    if not value:
        return ""
    total = sum(ch.isalnum() for ch in value)
    keep_from = total - visible
    out, seen = [], 0
    for ch in value:
        if ch.isalnum():
            out.append(ch if seen >= keep_from else "*")
            seen += 1
        else:
            out.append(ch)
    return "".join(out)
