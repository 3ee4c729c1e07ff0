"""API keys for systems: created once and printed, stored as a SHA-256 hash, revocable."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core import audit
from core.actors import Actor
from core.errors import Conflict, ValidationFailed
from core.models import ApiKey

KEY_PREFIX = "ngr"
LAST_USED_RESOLUTION = timedelta(minutes=1)  # avoid a write on every request


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_api_key(*, name: str, scopes: list[str], actor: Actor) -> tuple[ApiKey, str]:
    """Create a key; returns the stored record and the plaintext key, shown only this once."""
    unknown = [
        s
        for s in scopes
        if s != "*" and s not in ApiKey.SCOPES and s not in {x.split(":")[0] for x in ApiKey.SCOPES}
    ]
    if unknown:
        raise ValidationFailed({"scopes": [f"unknown scope {s!r}" for s in unknown]})
    if ApiKey.objects.filter(name=name).exists():
        raise Conflict(f"an API key named {name!r} already exists")
    prefix = secrets.token_hex(4)
    plaintext = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        name=name,
        prefix=prefix,
        key_hash=_digest(plaintext),
        scopes=scopes,
        created_by=actor.user,
    )
    audit.record(actor=actor, action="api_key.created", obj=api_key, after={"scopes": scopes})
    return api_key, plaintext


def authenticate_key(plaintext: str) -> ApiKey | None:
    """The active key matching ``plaintext``, or None."""
    parts = plaintext.split("_")
    if len(parts) < 3 or parts[0] != KEY_PREFIX:
        return None
    api_key = ApiKey.objects.filter(prefix=parts[1], revoked_at__isnull=True).first()
    if api_key is None or not hmac.compare_digest(api_key.key_hash, _digest(plaintext)):
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key


@transaction.atomic
def revoke_api_key(*, api_key: ApiKey, actor: Actor, reason: str = "") -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor=actor, action="api_key.revoked", obj=api_key, reason=reason)
    return api_key
