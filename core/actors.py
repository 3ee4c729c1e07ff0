"""Who did something: a staff user, an API key (the exchange's system) or Nigraan itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = None  # django.contrib.auth user
    api_key: Any = None  # core.models.ApiKey
    system: str = ""  # e.g. "monitoring" for automated decisions

    @classmethod
    def for_user(cls, user: Any) -> Actor:
        return cls(user=user)

    @classmethod
    def for_api_key(cls, api_key: Any) -> Actor:
        return cls(api_key=api_key)

    @classmethod
    def automated(cls, component: str = "nigraan") -> Actor:
        return cls(system=component)

    @property
    def kind(self) -> str:
        if self.user is not None:
            return "user"
        if self.api_key is not None:
            return "api_key"
        return "system"

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.get_username()
        if self.api_key is not None:
            return f"api-key:{self.api_key.name}"
        return f"system:{self.system or 'nigraan'}"

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)

    def __str__(self) -> str:
        return self.label
