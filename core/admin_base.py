"""The one place every admin page imports its base classes from (django-unfold underneath).

New admin pages use these and get the workspace's look and habits for free:

    from core.admin_base import ModelAdmin, NoDeleteAdmin, ReadOnlyAdmin, TabularInline, display

- ``ModelAdmin``: unfold's, with filters turned into dropdowns (choice and relation fields,
  and any ``SimpleListFilter``) applied by one "Apply" button, compact forms, and
  ``list_select_related`` left to each admin (queries stay batched).
- ``ReadOnlyAdmin`` (evidence: nobody changes it here) and ``NoDeleteAdmin`` (regulated records
  are never hard-deleted).
- ``TabularInline`` / ``StackedInline``: unfold's inlines.
- ``display``: unfold's ``@display``; ``label=`` turns a value into a coloured badge. The badge
  colours for the words officers scan for (SLA state, severity, priority, status) are below, so
  every page colours "breached" or "critical" the same way.
"""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import admin as django_admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.html import format_html
from unfold.admin import ModelAdmin as UnfoldModelAdmin
from unfold.admin import StackedInline as UnfoldStackedInline
from unfold.admin import TabularInline as UnfoldTabularInline
from unfold.contrib.filters.admin import (
    BooleanRadioFilter,
    ChoicesDropdownFilter,
    DropdownFilter,
    RelatedDropdownFilter,
)
from unfold.decorators import action, display
from unfold.widgets import (
    CHECKBOX_CLASSES,
    FILE_CLASSES,
    INPUT_CLASSES,
    SELECT_CLASSES,
    TEXTAREA_CLASSES,
)

__all__ = [
    "BADGES",
    "SEVERITY_BADGE",
    "SLA_BADGE",
    "STATUS_BADGE",
    "ModelAdmin",
    "NoDeleteAdmin",
    "ReadOnlyAdmin",
    "StackedInline",
    "TabularInline",
    "action",
    "badge",
    "badge_html",
    "display",
    "issue_once",
    "spend_once",
    "stale_objects",
    "unfold_widgets",
    "versions_of",
]

# Badge colours (unfold label types): success, info, warning, danger; anything else is grey.
SLA_BADGE = {
    "on_track": "success",
    "at_risk": "warning",
    "breached": "danger",
    "met": "success",
    "missed": "danger",
}
SEVERITY_BADGE = {
    "low": "info",
    "medium": "warning",
    "high": "danger",
    "critical": "danger",
}
STATUS_BADGE = {
    # work to do
    "open": "info",
    "new": "info",
    "pending": "warning",
    "pending_review": "warning",
    "pending_approval": "warning",
    "awaiting_mlro": "warning",
    "investigating": "info",
    "escalated": "warning",
    "proposed": "warning",
    "draft": "info",
    # outcomes
    "approved": "success",
    "acknowledged": "success",
    "submitted": "info",
    "closed": "success",
    "cleared": "success",
    "false_positive": "success",
    "true_match": "danger",
    "confirmed": "danger",
    "rejected": "danger",
    "refused": "danger",
    "frozen": "danger",
    "failed": "danger",
}
BADGES = {**STATUS_BADGE, **SEVERITY_BADGE, **SLA_BADGE}


def dropdown_filter(spec, model: type[models.Model]):
    """``list_filter`` entry as a dropdown where unfold has one; otherwise unchanged."""
    if isinstance(spec, str):
        try:
            field = get_fields_from_path(model, spec)[-1]
        except (FieldDoesNotExist, django_admin.utils.NotRelationField):
            return spec
        if field.is_relation:
            return (spec, RelatedDropdownFilter)
        if getattr(field, "choices", None):
            return (spec, ChoicesDropdownFilter)
        if isinstance(field, models.BooleanField):
            return (spec, BooleanRadioFilter)
        return spec
    if (
        isinstance(spec, type)
        and issubclass(spec, django_admin.SimpleListFilter)
        and not issubclass(spec, DropdownFilter)
    ):
        return _as_dropdown(spec)
    return spec


_BADGE_CLASSES = {
    "info": "bg-blue-100 text-blue-700 dark:bg-blue-500/20 dark:text-blue-400",
    "danger": "bg-red-100 text-red-700 dark:bg-red-500/20 dark:text-red-400",
    "warning": "bg-orange-100 text-orange-700 dark:bg-orange-500/20 dark:text-orange-400",
    "success": "bg-green-100 text-green-700 dark:bg-green-500/20 dark:text-green-400",
}
_BADGE_DEFAULT = "bg-base-500/8 text-base-700 dark:bg-base-500/20 dark:text-base-200"


def badge_html(value: str, text: str, colours: dict | None = None) -> str:
    """unfold's label markup, built without a template: a list page shows one per row and
    column, and rendering a template for each costs more than the rest of the page."""
    kind = (colours or BADGES).get(value)
    return format_html(
        '<span class="inline-block font-semibold rounded-default text-[11px] uppercase '
        'whitespace-nowrap h-6 leading-6 px-2 {}">{}</span>',
        _BADGE_CLASSES.get(kind, _BADGE_DEFAULT),
        text,
    )


def badge(field: str, *, description: str | None = None, colours: dict | None = None):
    """A list column showing a choice field as a coloured badge: ``status_badge = badge("status")``
    in the class body, then ``"status_badge"`` in ``list_display``."""

    @display(description=description or field.replace("_", " "), ordering=field)
    def column(self, obj):
        value = getattr(obj, field)
        shown = getattr(obj, f"get_{field}_display", None)
        return badge_html(value, shown() if shown else value, colours)

    column.__name__ = f"{field}_badge"
    return column


_DROPDOWNS: dict[type, type] = {}


def _as_dropdown(filter_class: type) -> type:
    if filter_class not in _DROPDOWNS:
        _DROPDOWNS[filter_class] = type(
            filter_class.__name__, (DropdownFilter, filter_class), {"__module__": __name__}
        )
    return _DROPDOWNS[filter_class]


class ModelAdmin(UnfoldModelAdmin):
    """Unfold's ModelAdmin with dropdown filters and an "Apply" button for them."""

    list_filter_submit = True
    compressed_fields = True
    warn_unsaved_form = True
    # Fifty rows render fast and fill a screen or two; the full count is one query less.
    list_per_page = 50
    show_full_result_count = False

    def __init__(self, model, admin_site) -> None:
        super().__init__(model, admin_site)
        self.list_filter = tuple(dropdown_filter(spec, model) for spec in self.list_filter)


class ReadOnlyAdmin(ModelAdmin):
    """Evidence: viewable by those allowed, changeable by nobody through the admin."""

    warn_unsaved_form = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class NoDeleteAdmin(ModelAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class TabularInline(UnfoldTabularInline):
    pass


class StackedInline(UnfoldStackedInline):
    pass


# ------------------------------------------------------------------ forms officers submit

_ONCE_KEY = "nigraan_once"
_ONCE_KEEP = 50  # tokens kept per session: a few tabs' worth of open forms


def issue_once(request) -> str:
    """A token for one submission of a form (double-click protection, with ``spend_once``)."""
    token = secrets.token_urlsafe(16)
    tokens = [*request.session.get(_ONCE_KEY, []), token][-_ONCE_KEEP:]
    request.session[_ONCE_KEY] = tokens
    return token


def spend_once(request, token: str) -> bool:
    """True the first time ``token`` comes back; False for a repeat (the second click)."""
    tokens = request.session.get(_ONCE_KEY, [])
    if not token or token not in tokens:
        return False
    tokens.remove(token)
    request.session[_ONCE_KEY] = tokens
    return True


def versions_of(objects) -> str:
    """What the page showed: ``pk@updated_at`` per object, for ``stale_objects`` on submit."""
    return ",".join(
        f"{obj.pk}@{obj.updated_at.isoformat()}"
        for obj in objects
        if getattr(obj, "updated_at", None) is not None
    )


def stale_objects(objects, seen: str) -> list:
    """The objects changed since the page showing them was built (optimistic check)."""
    shown = dict(part.split("@", 1) for part in (seen or "").split(",") if "@" in part)
    return [
        obj
        for obj in objects
        if str(obj.pk) in shown
        and getattr(obj, "updated_at", None) is not None
        and obj.updated_at.isoformat() != shown[str(obj.pk)]
    ]


def unfold_widgets(form):
    """Give a plain Django form unfold's inputs (forms built outside a ModelAdmin)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = CHECKBOX_CLASSES
        elif isinstance(widget, forms.Textarea):
            css = TEXTAREA_CLASSES
        elif isinstance(widget, forms.Select):
            css = SELECT_CLASSES
        elif isinstance(widget, forms.ClearableFileInput | forms.FileInput):
            css = FILE_CLASSES
        else:
            css = INPUT_CLASSES
        widget.attrs["class"] = " ".join(css)
    return form
