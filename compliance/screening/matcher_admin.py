"""Admin for matcher configurations: propose a version (a JSON of named numbers), compare it in
shadow on a rescreen, activate it with four eyes. Every write goes through
``services.matcher_configs``; nothing here edits a stored version."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.html import format_html

from compliance.screening.models import MatcherConfiguration
from compliance.screening.selectors import active_matcher_config
from compliance.screening.services import matcher_configs
from core.actors import Actor
from core.errors import DomainError, ValidationFailed


def _pretty(value) -> str:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False))


class ProposeForm(forms.ModelForm):
    values = forms.JSONField(
        help_text="Named numbers (levels, evidence effects, threshold); missing ones take the "
        "built-in values. Prefilled with the active configuration."
    )

    class Meta:
        model = MatcherConfiguration
        fields = ("values", "note")


@admin.register(MatcherConfiguration)
class MatcherConfigurationAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "is_active",
        "threshold",
        "origin",
        "created_by_label",
        "approved_by_label",
        "created_at",
    )
    actions = ["activate", "compare_in_shadow"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ProposeForm
        return super().get_form(request, obj, change, **kwargs)

    def get_changeform_initial_data(self, request):
        return {"values": active_matcher_config().to_dict()}

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "number",
            "is_active",
            "origin",
            "note",
            "pretty_values",
            "pretty_calibration",
            "pretty_shadow_report",
            "created_by_label",
            "created_at",
            "approved_by_label",
            "approved_at",
        )

    def get_fields(self, request, obj=None):
        return ("values", "note") if obj is None else self.get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="threshold")
    def threshold(self, obj: MatcherConfiguration):
        return obj.values.get("threshold")

    @admin.display(description="values")
    def pretty_values(self, obj: MatcherConfiguration):
        return _pretty(obj.values)

    @admin.display(description="calibration")
    def pretty_calibration(self, obj: MatcherConfiguration):
        return _pretty(obj.calibration)

    @admin.display(description="shadow comparison")
    def pretty_shadow_report(self, obj: MatcherConfiguration):
        return _pretty(obj.shadow_report)

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return  # stored versions are immutable: the change page is read-only
        try:
            version = matcher_configs.propose_matcher_config(
                values=form.cleaned_data["values"],
                actor=Actor.for_user(request.user),
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationFailed as exc:
            messages.error(request, f"Not saved: {exc}")
            raise
        obj.pk = version.pk
        obj.number = version.number
        obj._state.adding = False
        messages.info(request, f"Version {version.number} proposed; a second person activates it.")

    def _each(self, request: HttpRequest, queryset, call, done: str) -> None:
        actor = Actor.for_user(request.user)
        for item in queryset:
            try:
                call(item, actor)
                messages.success(request, f"{done} v{item.number}.")
            except DomainError as exc:
                messages.error(request, f"v{item.number}: {exc}")

    @admin.action(description="Activate (four eyes: not the version's maker)")
    def activate(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda v, actor: matcher_configs.activate_matcher_config(version=v, actor=actor),
            "Activated",
        )

    @admin.action(description="Compare in shadow on a rescreen of every customer")
    def compare_in_shadow(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda v, actor: matcher_configs.compare_in_shadow(version=v, actor=actor),
            "Compared",
        )
