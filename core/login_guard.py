"""Staff login lockout (django-axes): by user name *from an address*, and by address.

- A user name is locked after ``LOGIN_FAILURE_LIMIT`` failures from one address: somebody
  elsewhere cannot lock the MLRO out by failing with the MLRO's name.
- An address is locked after ``LOGIN_IP_FAILURE_LIMIT`` failures across all user names
  (password spraying); higher than the per-name limit, since officers share an office NAT.
Both last ``LOGIN_LOCKOUT_MINUTES``. Every lockout is audited and mailed to the ADMINS; staff
with the right lift one early with the "Unlock" action of the login lockouts admin.
"""

from __future__ import annotations

import logging

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.core.mail import mail_admins
from django.db.models import Sum

from core import audit
from core.actors import Actor

logger = logging.getLogger(__name__)
ACTOR = Actor.automated("login")


class LoginGuard(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for the address-wide count."""

    def get_failures(self, request, credentials=None) -> int:
        per_name, per_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if per_address >= settings.LOGIN_IP_FAILURE_LIMIT:
            return max(per_name, settings.AXES_FAILURE_LIMIT)
        return per_name


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """An alert for every lockout: the audit trail and the ADMINS' mailbox."""
    audit.record(
        actor=ACTOR,
        action="login.locked_out",
        after={"username": username or "", "ip_address": ip_address or ""},
    )
    logger.warning("staff login locked out: %r from %s", username, ip_address)
    mail_admins(
        "Staff login locked out",
        f"User name {username!r} from {ip_address} was locked out after repeated failures.",
        fail_silently=True,
    )


def unlock(attempts, *, actor: Actor) -> int:
    """Lift lockouts early (the admin's Unlock action); audited."""
    from axes.utils import reset

    done = 0
    for attempt in attempts:
        done += reset(ip=attempt.ip_address, username=attempt.username)
        audit.record(
            actor=actor,
            action="login.unlocked",
            after={"username": attempt.username, "ip_address": attempt.ip_address},
        )
    return done


def connect() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(on_locked_out, dispatch_uid="nigraan-login-locked-out")
