"""Officer admin for the travel rule: the queue of transfers awaiting a counterparty (with
their SLA), every transfer with its messages as evidence, the VASP directory, and policy
versions (proposed by one officer, activated by another)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from compliance.monitoring.admin import TransactionAdmin
from compliance.travel_rule import selectors
from compliance.travel_rule.models import (
    AwaitingTransfer,
    Message,
    OwnershipDeclaration,
    Transfer,
    TravelRulePolicy,
    Vasp,
)
from compliance.travel_rule.services import incoming, outgoing, policies
from core import audit
from core.actors import Actor
from core.admin import NoDeleteAdmin, ReadOnlyAdmin
from core.errors import DomainError


def sla(transfer: Transfer) -> str:
    text = selectors.sla_text(transfer, timezone.now())
    if text.startswith("overdue"):
        return format_html('<span style="color:#ba2121">{}</span>', text)
    return text


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = (
        "created_at",
        "direction",
        "kind",
        "protocol_version",
        "http_status",
        "signature_valid",
        "attempt",
        "duration_ms",
        "error",
        "body",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="body (identifiers masked)")
    def body(self, message: Message):
        return format_html(
            "<pre style='max-width:60em;white-space:pre-wrap'>{}</pre>",
            json.dumps(message.body_redacted, indent=1)[:4000],
        )


class DeclarationInline(admin.TabularInline):
    model = OwnershipDeclaration
    extra = 0
    can_delete = False
    fields = (
        "created_at",
        "chain",
        "address",
        "is_own_wallet",
        "owner_name",
        "proof_method",
        "proof_verified",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "direction",
        "external_id",
        "customer",
        "status",
        "asset",
        "amount",
        "amount_pkr",
        "counterparty_name",
        "sla_left",
    )
    list_filter = ("direction", "status", "wallet_kind")
    search_fields = (
        "=external_id",
        "=request_identifier",
        "=customer__external_id",
        "=beneficiary_wallet",
        "=originator_wallet",
        "=txid",
    )
    list_select_related = ("customer",)
    exclude = ("ivms101_encrypted",)
    readonly_fields = ("ivms101",)
    inlines = [MessageInline, DeclarationInline]

    @admin.display(description="SLA")
    def sla_left(self, transfer: Transfer):
        return sla(transfer)

    @admin.display(description="IVMS101 (identifiers masked)")
    def ivms101(self, transfer: Transfer):
        return format_html("<pre>{}</pre>", json.dumps(transfer.ivms101_redacted, indent=2))


class DecisionForm(ActionForm):
    reason = forms.CharField(required=False, max_length=500, help_text="Why (required).")


@admin.register(AwaitingTransfer)
class AwaitingTransferAdmin(TransferAdmin):
    """The work queue: held or waiting transfers, the most overdue first. Held transfers are
    decided here with a reason: outgoing ones released or blocked, incoming ones accepted or
    rejected (the resolution then goes to the originating VASP)."""

    list_filter = ("direction", "status")
    action_form = DecisionForm
    actions = ["allow_selected", "refuse_selected"]

    def _decide(self, request: HttpRequest, queryset: QuerySet, allow: bool) -> None:
        actor, reason = Actor.for_user(request.user), request.POST.get("reason", "")
        for transfer in queryset:
            try:
                if transfer.direction == Transfer.Direction.OUTGOING:
                    outgoing.decide_held_outgoing(
                        transfer=transfer, allow=allow, reason=reason, actor=actor
                    )
                else:
                    incoming.decide_held_transfer(
                        transfer=transfer, accept=allow, reason=reason, actor=actor
                    )
                messages.success(request, f"{transfer.external_id}: decided.")
            except DomainError as exc:
                messages.error(request, f"{transfer.external_id}: {exc}")

    @admin.action(description="Allow: release the withdrawal / accept the incoming transfer")
    def allow_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, allow=True)

    @admin.action(description="Refuse: block the withdrawal / reject the incoming transfer")
    def refuse_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, allow=False)

    def has_change_permission(self, request, obj=None) -> bool:
        # Actions need it; the form itself stays read-only (every field is read-only).
        return obj is None and request.user.has_perm("travel_rule.change_transfer")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Transfer]:
        return (
            super()
            .get_queryset(request)
            .filter(status__in=[Transfer.Status.AWAITING, Transfer.Status.REVIEW])
            .order_by("due_at", "created_at")
        )


@admin.register(Vasp)
class VaspAdmin(NoDeleteAdmin):
    list_display = ("name", "code", "jurisdiction", "protocol", "licence_number", "is_active")
    list_filter = ("protocol", "jurisdiction", "is_active")
    search_fields = ("name", "code", "lei")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            actor=Actor.for_user(request.user),
            action="travel_rule.vasp_changed" if change else "travel_rule.vasp_added",
            obj=obj,
            after={f: str(form.cleaned_data.get(f)) for f in form.changed_data},
        )


class PolicyForm(forms.ModelForm):
    class Meta:
        model = TravelRulePolicy
        fields = ["jurisdiction", *policies.EDITABLE, "note"]


@admin.register(TravelRulePolicy)
class TravelRulePolicyAdmin(NoDeleteAdmin):
    """Adding a row proposes a new version of that jurisdiction's policy; a second officer
    activates it (action below)."""

    form = PolicyForm
    list_display = (
        "jurisdiction",
        "version",
        "status",
        "threshold_amount",
        "threshold_currency",
        "rule_in_force",
        "sunrise_action",
        "created_by_label",
        "approved_by_label",
    )
    list_filter = ("status", "threshold_currency")
    actions = ["activate_selected"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        try:
            row = policies.propose_policy(
                jurisdiction=data["jurisdiction"],
                values={f: data[f] for f in policies.EDITABLE if f in data},
                note=data.get("note", ""),
                actor=Actor.for_user(request.user),
            )
        except DomainError as exc:
            messages.error(request, str(exc))
            return
        obj.pk = row.pk

    @admin.action(description="Activate the selected proposed versions (checker)")
    def activate_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for row in queryset:
            try:
                policies.activate_policy(policy=row, actor=Actor.for_user(request.user))
                messages.success(request, f"{row} activated.")
            except DomainError as exc:
                messages.error(request, f"{row}: {exc.detail or exc}")


class TransactionTransfersInline(admin.TabularInline):
    """Travel-rule transfers (and their messages) on the transaction's admin page."""

    model = Transfer
    fk_name = "transaction"
    extra = 0
    can_delete = False
    fields = (
        "link",
        "direction",
        "status",
        "counterparty_name",
        "originator_name",
        "beneficiary_name",
        "message_count",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="transfer")
    def link(self, transfer: Transfer):
        url = reverse("admin:travel_rule_transfer_change", args=[transfer.pk])
        return format_html('<a href="{}">{}</a>', url, transfer.external_id)

    @admin.display(description="messages")
    def message_count(self, transfer: Transfer) -> int:
        return transfer.messages.count()


# The transaction page belongs to monitoring; the travel rule adds its section to it here so
# monitoring does not depend on this app.
TransactionAdmin.inlines = [*TransactionAdmin.inlines, TransactionTransfersInline]
