"""Screening in the officers' admin: lists and their versions (read-only evidence), the hit
queue with its decisions (each asks for a reason, then calls the service, which audits), the
false-positive memory, and the settings compliance tunes."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from compliance.screening import services
from compliance.screening.models import (
    EntryDOB,
    EntryIdNumber,
    EntryName,
    EntryNationality,
    EntryWallet,
    FalsePositiveMemory,
    ScreeningHit,
    ScreeningSettings,
    Watchlist,
    WatchlistEntry,
    WatchlistVersion,
)
from core import audit
from core.actors import Actor
from core.admin import NoDeleteAdmin, ReadOnlyAdmin
from core.admin_base import TabularInline, badge, unfold_widgets
from core.errors import DomainError

# decision -> (label, service, permission the officer needs)
DECISIONS = {
    "true_match": (
        "Propose true match",
        services.mark_true_match,
        "screening.change_screeninghit",
    ),
    "confirm": (
        "Confirm true match (second officer)",
        services.confirm_true_match,
        "screening.confirm_match",
    ),
    "return": (
        "Return proposal to review",
        services.return_true_match,
        "screening.change_screeninghit",
    ),
    "false_positive": (
        "Mark false positive",
        services.mark_false_positive,
        "screening.change_screeninghit",
    ),
}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Recorded in the audit trail with the decision (what you checked and why).",
    )


@admin.register(Watchlist)
class WatchlistAdmin(NoDeleteAdmin):
    list_display = ("code", "name", "source_kind", "category", "is_active", "updated_at")
    list_filter = ("source_kind", "category", "is_active")
    readonly_fields = ("code", "source_kind", "created_at", "updated_at")
    fields = ("code", "name", "source_kind", "category", "is_active", "created_at", "updated_at")

    def has_add_permission(self, request) -> bool:
        return False  # a list comes into being with its first import

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            actor=Actor.for_user(request.user),
            action="watchlist.changed",
            obj=obj,
            after={f: form.cleaned_data.get(f) for f in form.changed_data},
        )


@admin.register(WatchlistVersion)
class WatchlistVersionAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "imported_at",
        "added",
        "changed",
        "removed",
        "entries_total",
        "rescreen_entries",
        "rescreen_subjects",
        "rescreen_hits",
        "hits_closed",
        "imported_by",
    )
    list_filter = ("watchlist",)
    date_hierarchy = "imported_at"


class _ReadOnlyInline(TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class NameInline(_ReadOnlyInline):
    model = EntryName
    fields = ("position", "name", "quality")


class DOBInline(_ReadOnlyInline):
    model = EntryDOB
    fields = ("year", "month", "day")


class NationalityInline(_ReadOnlyInline):
    model = EntryNationality
    fields = ("country",)


class IdNumberInline(_ReadOnlyInline):
    model = EntryIdNumber
    fields = ("id_type", "number_as_listed", "number")


class WalletInline(_ReadOnlyInline):
    model = EntryWallet
    fields = ("chain", "address")


@admin.register(WatchlistEntry)
class WatchlistEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "entry_id",
        "list_code",
        "primary_name",
        "kind",
        "program",
        "is_active",
        "last_version",
    )
    list_filter = ("watchlist", "kind", "is_active", "list_code")
    search_fields = ("entry_id", "primary_name", "names__name", "wallets__address_key")
    inlines = [NameInline, DOBInline, NationalityInline, IdNumberInline, WalletInline]
    list_select_related = ("last_version__watchlist",)


class HitStatusFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("undecided", "To decide (open or awaiting confirmation)"),
            *ScreeningHit.Status.choices,
        ]

    def queryset(self, request, queryset):
        if self.value() == "undecided":
            return queryset.filter(status__in=ScreeningHit.UNDECIDED)
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


@admin.register(ScreeningHit)
class ScreeningHitAdmin(NoDeleteAdmin):
    status_badge = badge("status")
    list_display = (
        "created_at",
        "customer",
        "subject_kind",
        "subject_name",
        "listed",
        "matched_name",
        "score",
        "status_badge",
        "origin",
    )
    list_filter = (HitStatusFilter, "origin", "subject_kind", "entry__watchlist")
    search_fields = (
        "customer__external_id",
        "subject_name",
        "matched_name",
        "entry__entry_id",
        "transaction_ref",
    )
    list_select_related = ("customer", "entry")
    ordering = ("-created_at",)
    actions = ["propose_true_match", "confirm_true_match", "return_proposal", "false_positive"]
    readonly_fields = (
        "customer",
        "subject_kind",
        "subject_name",
        "beneficial_owner",
        "wallet",
        "transaction_ref",
        "entry",
        "list_version",
        "origin",
        "score",
        "matched_name",
        "reasons_list",
        "status",
        "decided_by",
        "decided_at",
        "reason",
        "confirmed_by",
        "confirmed_at",
        "confirmation_reason",
        "closed_at",
        "created_at",
    )
    exclude = ("reasons", "subject_key", "subject_fingerprint", "entry_fingerprint")

    def has_add_permission(self, request) -> bool:
        return False

    def has_confirm_permission(self, request) -> bool:
        return request.user.has_perm("screening.confirm_match")

    @admin.display(description="Listed entry")
    def listed(self, obj: ScreeningHit) -> str:
        return f"{obj.entry.list_code} {obj.entry.entry_id}"

    @admin.display(description="Reasons")
    def reasons_list(self, obj: ScreeningHit):
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((r,) for r in obj.reasons))
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Every field is evidence; decisions go through the actions (with a reason).
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        extra = [
            path(
                "decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="screening_screeninghit_decide",
            )
        ]
        return extra + super().get_urls()

    def _redirect(self, decision: str, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        url = reverse("admin:screening_screeninghit_decide", args=[decision])
        return HttpResponseRedirect(f"{url}?ids={ids}")

    @admin.action(description="Propose true match (a second officer confirms)…",
                  permissions=["change"])  # fmt: skip
    def propose_true_match(self, request, queryset):
        return self._redirect("true_match", queryset)

    @admin.action(description="Confirm true match (second officer): freeze and report…",
                  permissions=["confirm"])  # fmt: skip
    def confirm_true_match(self, request, queryset):
        return self._redirect("confirm", queryset)

    @admin.action(description="Return a proposed true match to review…", permissions=["change"])
    def return_proposal(self, request, queryset):
        return self._redirect("return", queryset)

    @admin.action(description="Mark false positive (remembered for the pair)…",
                  permissions=["change"])  # fmt: skip
    def false_positive(self, request, queryset):
        return self._redirect("false_positive", queryset)

    def decide_view(self, request: HttpRequest, decision: str):
        if decision not in DECISIONS:
            raise PermissionDenied
        label, service, permission = DECISIONS[decision]
        if not request.user.has_perm(permission):
            raise PermissionDenied
        ids = [i for i in (request.POST.get("ids") or request.GET.get("ids", "")).split(",") if i]
        hits = list(ScreeningHit.objects.filter(pk__in=ids).select_related("customer", "entry"))
        form = unfold_widgets(ReasonForm(request.POST or None))
        if request.method == "POST" and form.is_valid():
            actor = Actor.for_user(request.user)
            done = 0
            for hit in hits:
                try:
                    service(hit=hit, actor=actor, reason=form.cleaned_data["reason"])
                    done += 1
                except DomainError as exc:
                    messages.error(
                        request, f"{hit.subject_name} / {self.listed(hit)}: {exc.detail}"
                    )
            if done:
                messages.success(request, f"{label}: {done} hit(s), reason recorded.")
            if len(hits) == 1:
                return HttpResponseRedirect(
                    reverse("admin:screening_screeninghit_change", args=[hits[0].pk])
                )
            return HttpResponseRedirect(reverse("admin:screening_screeninghit_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{label}: give the reason",
            "opts": self.model._meta,
            "form": form,
            "hits": hits,
            "decision_label": label,
            "ids": ",".join(ids),
        }
        return TemplateResponse(request, "admin/screening/screeninghit/decide.html", context)


@admin.register(FalsePositiveMemory)
class FalsePositiveMemoryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "customer", "subject_key", "entry", "decided_by", "reason")
    search_fields = ("customer__external_id", "entry__entry_id")
    list_select_related = ("customer", "entry", "decided_by")


@admin.register(ScreeningSettings)
class ScreeningSettingsAdmin(NoDeleteAdmin):
    list_display = (
        "__str__",
        "max_matches_per_subject",
        "rescreen_batch_size",
    )

    def has_add_permission(self, request) -> bool:
        return False  # one row, created by the data migration

    def save_model(self, request, obj, form, change) -> None:
        before = {f: str(form.initial.get(f)) for f in form.changed_data}
        super().save_model(request, obj, form, change)
        audit.record(
            actor=Actor.for_user(request.user),
            action="screening.settings_changed",
            obj=obj,
            before=before,
            after={f: str(form.cleaned_data.get(f)) for f in form.changed_data},
        )


# Matcher configurations (versioned, four eyes) have their own admin module.
from compliance.screening import matcher_admin  # noqa: E402, F401
