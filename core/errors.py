"""Domain errors. Services raise these; core.api.errors maps them to HTTP in one place."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action."""

    code = "invalid"
    status = 400

    def __init__(self, detail: str = "", **extra: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class ValidationFailed(DomainError):
    """Input broke a rule; ``errors`` maps a field to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class Conflict(DomainError):
    code = "conflict"
    status = 409


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409


class FourEyesViolation(DomainError):
    """The same person tried to be maker and checker, or lacks the checker's role."""

    code = "four_eyes"
    status = 403


class NotPermitted(DomainError):
    code = "permission_denied"
    status = 403
