"""Officer admin for monitoring: rules with their versions, parameters, shadow runs and backtests;
the alerts queue; transactions and check attempts as evidence.

Nothing here writes a rule directly: a new rule, a new version (every edit), activation (four
eyes), shadow runs, status switches and backtests all go through the services, which validate
with the engine and audit.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from compliance.monitoring import rulebook, services
from compliance.monitoring.models import (
    Alert,
    AlertTransaction,
    Backtest,
    CheckAttempt,
    Rule,
    RuleVersion,
    Severity,
    Transaction,
)
from compliance.monitoring.typologies import registry
from core.actors import Actor
from core.admin import NoDeleteAdmin, ReadOnlyAdmin
from core.admin_base import SEVERITY_BADGE, TabularInline, badge
from core.errors import DomainError, ValidationFailed

BACKTEST_DAYS = 30


def _pretty(value) -> str:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False))


def _report(request: HttpRequest, exc: DomainError) -> None:
    if isinstance(exc, ValidationFailed):
        text = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
    else:
        text = exc.detail or str(exc)
    messages.error(request, text)


class JSONText(forms.CharField):
    """A JSON object typed in a textarea (rule parameters)."""

    widget = forms.Textarea(attrs={"rows": 8, "cols": 80, "style": "font-family: monospace"})

    def prepare_value(self, value):
        if isinstance(value, dict):
            return json.dumps(value, indent=2, ensure_ascii=False)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if not value.strip():
            return {}
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"Not valid JSON: {exc}") from None
        if not isinstance(parsed, dict):
            raise forms.ValidationError('A JSON object, e.g. {"min_count": 3}.')
        return parsed


def _definition_errors(form: forms.Form, *, kind, typology, template, expression, params) -> None:
    """The engine's verdict on a definition, as form errors on the right fields."""
    try:
        rulebook.build_runnable(
            kind=kind, typology=typology, template=template, expression=expression, params=params
        )
    except rulebook.RuleDefinitionError as exc:
        for name, problems in exc.errors.items():
            field = name.split(".", 1)[0]
            prefix = f"{name.split('.', 1)[1]}: " if "." in name else ""
            form.add_error(field if field in form.fields else None, [prefix + p for p in problems])


class NewRuleForm(forms.ModelForm):
    template = forms.ChoiceField(
        required=False,
        choices=[("", "(expression rule)")] + [(c, c) for c in sorted(registry.TYPOLOGIES)],
        help_text="Typology template for a template rule.",
    )
    expression = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="CEL over tx, customer and window (see compliance/monitoring/expressions.py).",
    )
    params = JSONText(required=False, help_text="Template parameters (defaults when empty).")
    severity = forms.ChoiceField(choices=Severity.choices)
    blocking = forms.BooleanField(required=False, help_text="Blocks in /transactions/check/.")
    note = forms.CharField(required=False, help_text="Why this rule exists.")

    class Meta:
        model = Rule
        fields = ["code", "name", "kind", "typology", "description"]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        typology = cleaned.get("typology") or cleaned.get("template", "")
        if kind and not self.errors:
            _definition_errors(
                self,
                kind=kind,
                typology=typology,
                template=cleaned.get("template", ""),
                expression=cleaned.get("expression", ""),
                params=cleaned.get("params") or {},
            )
        return cleaned


class NewVersionForm(forms.ModelForm):
    """The rule page edits by adding a version; it runs once a checker activates it."""

    params = JSONText(required=False)
    expression = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 80})
    )
    severity = forms.ChoiceField(choices=Severity.choices)
    blocking = forms.BooleanField(required=False)
    note = forms.CharField(
        required=False, help_text="Why the change (kept on the version and in the audit trail)."
    )

    class Meta:
        model = Rule
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        latest = self.instance.latest_version if self.instance.pk else None
        if latest is not None:
            self.initial.update(
                params=latest.params,
                expression=latest.expression,
                severity=latest.severity,
                blocking=latest.blocking,
            )
        if self.instance.kind != Rule.Kind.EXPRESSION:
            del self.fields["expression"]
        else:
            del self.fields["params"]
        schema = rulebook.param_schema(latest.template) if latest and latest.template else {}
        if "params" in self.fields and schema:
            lines = [
                f"{name}: {prop.get('description', '')} (default {prop.get('default')})"
                for name, prop in schema.get("properties", {}).items()
            ]
            self.fields["params"].help_text = " | ".join(lines)

    def clean(self):
        cleaned = super().clean()
        latest = self.instance.latest_version
        if latest is not None and not self.errors:
            _definition_errors(
                self,
                kind=self.instance.kind,
                typology=self.instance.typology,
                template=latest.template,
                expression=cleaned.get("expression", latest.expression),
                params=cleaned.get("params", latest.params) or {},
            )
        return cleaned

    def changes(self) -> dict:
        latest = self.instance.latest_version
        out = {}
        for name in ("params", "expression", "severity", "blocking"):
            if name in self.cleaned_data and self.cleaned_data[name] != getattr(latest, name):
                out[name] = self.cleaned_data[name]
        return out


class RuleVersionInline(TabularInline):
    model = RuleVersion
    extra = 0
    can_delete = False
    show_change_link = True
    fields = (
        "number",
        "definition",
        "severity",
        "blocking",
        "created_by_label",
        "created_at",
        "approved_by_label",
        "approved_at",
        "note",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Rule)
class RuleAdmin(NoDeleteAdmin):
    list_display = (
        "code",
        "name",
        "typology",
        "kind",
        "status",
        "live_version",
        "shadow",
        "severity",
        "blocking",
    )
    list_filter = ("status", "kind", "typology")
    search_fields = ("code", "name", "typology")
    inlines = [RuleVersionInline]
    readonly_fields = (
        "code",
        "name",
        "typology",
        "kind",
        "status",
        "active_version",
        "shadow_version",
        "description",
        "parameter_schema",
        "backtests",
    )

    @admin.display(description="live")
    def live_version(self, rule: Rule):
        return f"v{rule.active_version.number}" if rule.active_version else "—"

    @admin.display(description="shadow candidate")
    def shadow(self, rule: Rule):
        return f"v{rule.shadow_version.number}" if rule.shadow_version else ""

    @admin.display(description="severity")
    def severity(self, rule: Rule):
        return rule.active_version.severity if rule.active_version else ""

    @admin.display(description="blocks", boolean=True)
    def blocking(self, rule: Rule):
        return bool(rule.active_version and rule.active_version.blocking)

    @admin.display(description="parameters")
    def parameter_schema(self, rule: Rule):
        version = rule.latest_version
        if version is None or not version.template:
            return "CEL expression rule" if version else ""
        return _pretty(rulebook.param_schema(version.template).get("properties", {}))

    @admin.display(description="backtests")
    def backtests(self, rule: Rule):
        rows = Backtest.objects.filter(rule_version__rule=rule).select_related("rule_version")[:10]
        return format_html_join(
            "",
            '<div><a href="{}">v{} {}..{}</a>: {} — {} hits, {} customers '
            "(live {} / {}, overlap {})</div>",
            (
                (
                    reverse("admin:monitoring_backtest_change", args=[b.pk]),
                    b.rule_version.number,
                    f"{b.date_from:%Y-%m-%d}",
                    f"{b.date_to:%Y-%m-%d}",
                    b.status,
                    b.hits,
                    b.customers,
                    b.live_hits,
                    b.live_customers,
                    b.overlap_customers,
                )
                for b in rows
            ),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("active_version", "shadow_version")

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = NewVersionForm if obj is not None else NewRuleForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": ["code", "name", "kind", "typology", "description"]}),
                ("Definition", {"fields": ["template", "expression", "params"]}),
                ("Version 1", {"fields": ["severity", "blocking", "note"]}),
            ]
        editable = ["params"] if obj.kind != Rule.Kind.EXPRESSION else ["expression"]
        return [
            (None, {"fields": list(self.readonly_fields[:8])}),
            (
                "New version (runs after a second person activates it)",
                {"fields": [*editable, "severity", "blocking", "note"]},
            ),
            ("Parameters and backtests", {"fields": ["parameter_schema", "backtests"]}),
        ]

    def save_model(self, request, obj, form, change):
        actor = Actor.for_user(request.user)
        data = form.cleaned_data
        try:
            if not change:
                rule = services.create_rule(
                    code=data["code"],
                    name=data["name"],
                    kind=data["kind"],
                    typology=data.get("typology") or data.get("template", ""),
                    template=data.get("template", ""),
                    expression=data.get("expression", ""),
                    params=data.get("params") or {},
                    severity=data["severity"],
                    blocking=data.get("blocking", False),
                    description=data.get("description", ""),
                    note=data.get("note", ""),
                    actor=actor,
                )
                obj.pk = rule.pk
                messages.info(request, "Rule created, disabled: a second person activates v1.")
                return
            changes = form.changes()
            if changes:
                version = services.add_rule_version(
                    rule=obj, actor=actor, note=data.get("note", ""), **changes
                )
                messages.info(request, f"Version {version.number} added; activate it to run it.")
        except DomainError as exc:
            _report(request, exc)


def _for_each(request: HttpRequest, queryset: QuerySet, call, done: str) -> None:
    actor = Actor.for_user(request.user)
    count = 0
    for item in queryset:
        try:
            call(item, actor)
            count += 1
        except DomainError as exc:
            _report(request, exc)
    if count:
        messages.success(request, f"{done}: {count}.")


class BacktestInline(TabularInline):
    model = Backtest
    fk_name = "rule_version"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = (
        "date_from",
        "date_to",
        "status",
        "transactions_evaluated",
        "hits",
        "customers",
        "live_hits",
        "live_customers",
        "overlap_customers",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RuleVersion)
class RuleVersionAdmin(ReadOnlyAdmin):
    list_display = (
        "rule",
        "number",
        "severity",
        "blocking",
        "created_by_label",
        "created_at",
        "approved_by_label",
        "approved_at",
    )
    list_filter = ("severity", "blocking", "rule__typology")
    search_fields = ("rule__code", "rule__name", "note")
    readonly_fields = (
        "rule",
        "number",
        "template",
        "expression",
        "pretty_params",
        "severity",
        "blocking",
        "note",
        "created_by_label",
        "created_at",
        "approved_by_label",
        "approved_at",
    )
    exclude = ("params", "created_by", "approved_by")
    inlines = [BacktestInline]
    actions = ["activate", "activate_in_shadow", "run_beside_live", "backtest_last_days"]

    @admin.display(description="params")
    def pretty_params(self, version: RuleVersion):
        return _pretty(version.params)

    @admin.action(description="Activate (four eyes: not the version's maker)")
    def activate(self, request, queryset):
        _for_each(
            request,
            queryset,
            lambda v, actor: services.activate_rule_version(version=v, actor=actor),
            "Activated",
        )

    @admin.action(description="Activate in shadow mode (records, raises nothing)")
    def activate_in_shadow(self, request, queryset):
        _for_each(
            request,
            queryset,
            lambda v, actor: services.activate_rule_version(
                version=v, actor=actor, mode=Rule.Status.SHADOW
            ),
            "Activated in shadow",
        )

    @admin.action(description="Run beside the live version in shadow")
    def run_beside_live(self, request, queryset):
        _for_each(
            request,
            queryset,
            lambda v, actor: services.run_version_in_shadow(version=v, actor=actor),
            "Running in shadow",
        )

    @admin.action(description=f"Backtest over the last {BACKTEST_DAYS} days")
    def backtest_last_days(self, request, queryset):
        now = timezone.now()
        _for_each(
            request,
            queryset,
            lambda v, actor: services.request_backtest(
                version=v, date_from=now - timedelta(days=BACKTEST_DAYS), date_to=now, actor=actor
            ),
            "Backtests queued",
        )


@admin.register(Backtest)
class BacktestAdmin(ReadOnlyAdmin):
    list_display = (
        "rule_version",
        "date_from",
        "date_to",
        "status",
        "transactions_evaluated",
        "hits",
        "customers",
        "live_hits",
        "live_customers",
        "overlap_customers",
        "finished_at",
    )
    list_filter = ("status",)
    exclude = ("results",)
    readonly_fields = ("pretty_results",)

    @admin.display(description="results")
    def pretty_results(self, backtest: Backtest):
        return _pretty(backtest.results)


class AlertTransactionInline(TabularInline):
    model = AlertTransaction
    extra = 0
    can_delete = False
    fields = ("transaction", "occurred_at", "kind", "channel", "amount_pkr", "added_at")
    readonly_fields = fields

    @admin.display(description="occurred at")
    def occurred_at(self, link):
        return link.transaction.occurred_at

    @admin.display(description="kind")
    def kind(self, link):
        return link.transaction.kind

    @admin.display(description="channel")
    def channel(self, link):
        return link.transaction.channel

    @admin.display(description="PKR")
    def amount_pkr(self, link):
        return link.transaction.amount_pkr

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("transaction")


class AlertQueueFilter(admin.SimpleListFilter):
    """The alert queue: alerts still to be dealt with (not yet grouped, or in a live case)."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("live", "To deal with (open or in a case)")]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.filter(status__in=(Alert.Status.OPEN, Alert.Status.IN_CASE))
        return queryset


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    """The alerts queue. Status moves with cases (compliance.cases), not here."""

    list_display = (
        "created_at",
        "customer",
        "typology",
        "severity_badge",
        "score",
        "status_badge",
        "rule",
        "rule_version",
        "is_shadow",
    )
    severity_badge = badge("severity", colours=SEVERITY_BADGE)
    status_badge = badge("status")
    list_filter = (AlertQueueFilter, "status", "severity", "typology", "is_shadow", "superseded")
    search_fields = ("customer__external_id", "customer__full_name", "customer__legal_name")
    list_select_related = ("customer", "rule", "rule_version__rule")
    date_hierarchy = "created_at"
    exclude = ("facts",)
    readonly_fields = ("pretty_facts",)
    inlines = [AlertTransactionInline]
    show_full_result_count = False

    @admin.display(description="facts")
    def pretty_facts(self, alert: Alert):
        return _pretty(alert.facts)


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = (
        "occurred_at",
        "external_id",
        "customer",
        "kind",
        "channel",
        "asset",
        "amount",
        "amount_pkr",
        "status",
    )
    list_filter = ("status", "kind", "channel")
    search_fields = ("=external_id", "=customer__external_id", "=counterparty_wallet")
    list_select_related = ("customer",)
    show_full_result_count = False  # the table is large: no COUNT(*) on every page
    readonly_fields = ("alerts_raised",)

    @admin.display(description="alerts")
    def alerts_raised(self, tx: Transaction):
        return format_html_join(
            "",
            '<div><a href="{}">{} ({}, {})</a></div>',
            (
                (
                    reverse("admin:monitoring_alert_change", args=[a.pk]),
                    a.typology,
                    a.severity,
                    a.status,
                )
                for a in tx.alerts.all()
            ),
        )


@admin.register(CheckAttempt)
class CheckAttemptAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "external_id",
        "customer",
        "kind",
        "amount_pkr",
        "decision",
        "duration_ms",
    )
    list_filter = ("decision", "kind")
    search_fields = ("=external_id", "=customer__external_id")
    list_select_related = ("customer",)
    show_full_result_count = False
