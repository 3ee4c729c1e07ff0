"""Checks every rule-quality action shares."""

from __future__ import annotations

from core.actors import Actor
from core.errors import NotPermitted, ValidationFailed


def require(actor: Actor, permission: str, doing: str) -> None:
    """Staff need the permission; system actors (the demo, migrations) are trusted."""
    user = actor.user
    if user is not None and not user.has_perm(permission):
        raise NotPermitted(f"{doing} needs the {permission} permission")


def require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [f"say why: {what} needs a reason"]})
    return reason
