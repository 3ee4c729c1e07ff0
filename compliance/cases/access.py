"""Who may do what with cases. The services call these; the admin only mirrors them.

- Working a case (assign, investigate, note, attach, escalate, close, propose a decision) needs
  ``cases.change_case``: Analysts and the MLRO. Regulators and Auditors only view.
- Approving or refusing a four-eyes decision needs ``cases.decide_case`` (the MLRO) and a
  different person from the one who proposed it.
- Automated components (``Actor.automated``) group alerts and may assign; an API key (the
  exchange's system) never works cases.
"""

from __future__ import annotations

from typing import Any

from core.actors import Actor
from core.errors import FourEyesViolation, NotPermitted

WORK_CASES = "cases.change_case"
DECIDE = "cases.decide_case"


def can_work_cases(user: Any) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(WORK_CASES))


def can_decide(user: Any) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(DECIDE))


def require_case_worker(actor: Actor, *, person: bool = False) -> None:
    """An officer who works cases, or (unless ``person``) an automated component."""
    if actor.api_key is not None:
        raise NotPermitted("an API key cannot work cases")
    if actor.user is None:
        if person:
            raise NotPermitted("this action needs an officer, not an automated component")
        return
    if not can_work_cases(actor.user):
        raise NotPermitted("your role cannot change cases (read-only access)")


def require_decider(actor: Actor, *, what: str) -> None:
    """The MLRO's authority (``cases.decide_case``) for ``what``."""
    if actor.user is None or not can_decide(actor.user):
        raise NotPermitted(f"{what} is the MLRO's decision (needs cases.decide_case)")


def require_checker(actor: Actor, *, maker_id: int | None) -> None:
    """Four eyes: the checker holds ``cases.decide_case`` and is not the maker."""
    if actor.user is None:
        raise FourEyesViolation("a four-eyes decision is approved by an officer")
    if not can_decide(actor.user):
        raise FourEyesViolation("approving needs the MLRO's permission (cases.decide_case)")
    if maker_id is not None and actor.user.pk == maker_id:
        raise FourEyesViolation("the officer who proposed a decision cannot also approve it")
