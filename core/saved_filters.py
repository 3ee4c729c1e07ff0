"""An officer's saved views of list pages: save (or overwrite by name), list, delete.

Only admin list pages can be saved (a path under ``/admin/``), so a saved view can never send
an officer elsewhere.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from core.errors import ValidationFailed
from core.models import SavedFilter

MAX_PER_OFFICER = 30


def save_filter(*, user, name: str, url: str) -> SavedFilter:
    """Save ``url`` (path and query of an admin list page) under ``name`` for ``user``."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": ["a saved view needs a name"]})
    if len(name) > 80:
        raise ValidationFailed({"name": ["at most 80 characters"]})
    parts = urlsplit(url or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/admin/"):
        raise ValidationFailed({"url": ["only admin list pages can be saved"]})
    query = "&".join(p for p in parts.query.split("&") if p and not p.startswith("_changelist"))
    existing = SavedFilter.objects.filter(user=user)
    if not existing.filter(name=name).exists() and existing.count() >= MAX_PER_OFFICER:
        raise ValidationFailed({"name": [f"at most {MAX_PER_OFFICER} saved views; delete one"]})
    saved, _ = SavedFilter.objects.update_or_create(
        user=user, name=name, defaults={"path": parts.path[:300], "query": query[:1000]}
    )
    return saved


def saved_filters(user) -> list[SavedFilter]:
    if not user.is_authenticated:
        return []
    return list(SavedFilter.objects.filter(user=user))


def delete_filter(*, user, pk: int) -> None:
    SavedFilter.objects.filter(user=user, pk=pk).delete()
