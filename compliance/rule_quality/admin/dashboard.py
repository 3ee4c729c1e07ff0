"""The quality dashboard (the changelist of the pre-aggregated figures) and the rule tools
mounted beside it: dry run, versions side by side with restore, challenger, tuning request."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone

from compliance.monitoring import selectors as monitoring_selectors
from compliance.monitoring.models import Rule, RuleVersion
from compliance.monitoring.rulebook import param_schema
from compliance.rule_quality import reports, selectors
from compliance.rule_quality.admin.common import page, report
from compliance.rule_quality.models import ChallengerRollout, QualityPeriod
from compliance.rule_quality.services import challengers, dry_run, revisions, stats, tuning
from core.actors import Actor
from core.errors import DomainError, ValidationFailed

PERIODS = ("all", "week", "month")


def _filters(request: HttpRequest) -> dict:
    period = request.GET.get("period", "all")
    if period not in PERIODS:
        period = "all"
    start = None
    if period != "all":
        try:
            start = date.fromisoformat(request.GET.get("start", ""))
        except ValueError:
            latest = (
                QualityPeriod.objects.filter(period=period)
                .order_by("-period_start")
                .values_list("period_start", flat=True)
                .first()
            )
            start = latest
    return {"period": period, "start": start, "rule_code": request.GET.get("rule", "")}


def _day(value: str, field: str) -> datetime:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed({field: ["a date, YYYY-MM-DD"]}) from None
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


@admin.register(QualityPeriod)
class QualityDashboardAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("monitoring.view_rule")

    def has_module_permission(self, request) -> bool:
        return request.user.has_perm("monitoring.view_rule")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("export.csv", wrap(self.export_csv), name="rule_quality_export"),
            path("refresh/", wrap(self.refresh), name="rule_quality_refresh"),
            path("dry-run/<int:version_id>/", wrap(self.dry_run), name="rule_quality_dry_run"),
            path(
                "rules/<uuid:rule_id>/versions/",
                wrap(self.versions),
                name="rule_quality_versions",
            ),
            path(
                "versions/<int:version_id>/restore/",
                wrap(self.restore),
                name="rule_quality_restore",
            ),
            path(
                "rules/<uuid:rule_id>/challenger/",
                wrap(self.challenger),
                name="rule_quality_challenger",
            ),
            path("versions/<int:version_id>/tune/", wrap(self.tune), name="rule_quality_tune"),
            *super().get_urls(),
        ]

    # -- the dashboard -------------------------------------------------------------------

    def changelist_view(self, request: HttpRequest, extra_context=None):
        wanted = _filters(request)
        rows = selectors.quality_rows(**wanted)
        trend = selectors.trend(period="week", rule_code=wanted["rule_code"])
        query = request.GET.urlencode()
        return page(
            request,
            "rule_quality/dashboard.html",
            "Rule quality",
            rows=rows,
            filters=wanted,
            periods=PERIODS,
            computed_at=selectors.computed_at(),
            flagged=[r for r in rows if r.version is None and r.figures.below_floor],
            trend_chart=reports.trend_chart(trend, title="Alerts and true positives per week"),
            precision_chart=reports.precision_chart(rows, href=lambda r: f"?rule={r.rule_code}"),
            export_url=reverse("admin:rule_quality_export") + (f"?{query}" if query else ""),
            rules=Rule.objects.order_by("code").only("id", "code", "name", "status"),
        )

    def export_csv(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        rows = selectors.quality_rows(**_filters(request))
        response = HttpResponse(reports.as_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="rule-quality.csv"'
        return response

    def refresh(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and self.has_view_permission(request):
            written = stats.refresh_quality()
            messages.success(request, f"Quality figures recomputed ({written} rows).")
        return HttpResponseRedirect(reverse("admin:rule_quality_qualityperiod_changelist"))

    # -- dry run -------------------------------------------------------------------------

    def dry_run(self, request: HttpRequest, version_id: int) -> HttpResponse:
        version = get_object_or_404(RuleVersion.objects.select_related("rule"), pk=version_id)
        rule = version.rule
        form = {
            "mode": "transaction",
            "payload": "",
            "expression": version.expression,
            "params": json.dumps(version.params, indent=2),
            "customer": "",
            "date_from": (timezone.localdate() - timedelta(days=30)).isoformat(),
            "date_to": timezone.localdate().isoformat(),
        }
        result = problem = None
        if request.method == "POST":
            form.update({k: request.POST.get(k, v) for k, v in form.items()})
            try:
                result = self._dry_run(version, form)
            except dry_run.DefinitionProblem as exc:
                problem = exc
            except DomainError as exc:
                report(request, exc)
        return page(
            request,
            "rule_quality/dry_run.html",
            f"Dry run: {rule.code} v{version.number}",
            rule=rule,
            version=version,
            form=form,
            result=result,
            problem=problem,
        )

    def _dry_run(self, version: RuleVersion, form: dict) -> dry_run.DryRunResult:
        try:
            params = json.loads(form["params"] or "{}")
        except json.JSONDecodeError as exc:
            raise ValidationFailed({"params": [f"not valid JSON: {exc}"]}) from None
        expression = form["expression"] if version.rule.kind == Rule.Kind.EXPRESSION else None
        runnable = dry_run.definition(version, expression=expression, params=params)
        if form["mode"] == "customer":
            customer = monitoring_selectors.customer_profile(form["customer"].strip())
            if customer is None:
                raise ValidationFailed({"customer": ["no customer with this id or external_id"]})
            return dry_run.on_customer(
                runnable,
                customer_id=customer.id,
                date_from=_day(form["date_from"], "date_from"),
                date_to=_day(form["date_to"], "date_to") + timedelta(days=1),
            )
        try:
            payload = json.loads(form["payload"])
        except json.JSONDecodeError as exc:
            raise ValidationFailed({"payload": [f"not valid JSON: {exc}"]}) from None
        return dry_run.on_transaction(runnable, payload)

    # -- versions side by side -----------------------------------------------------------

    def versions(self, request: HttpRequest, rule_id) -> HttpResponse:
        rule = get_object_or_404(Rule, pk=rule_id)
        versions = list(rule.versions.order_by("-number"))
        by_number = {v.number: v for v in versions}

        def pick(name: str, default: int) -> RuleVersion:
            try:
                return by_number[int(request.GET.get(name, default))]
            except (KeyError, ValueError):
                return by_number[default]

        newest = versions[0].number
        left = pick("left", versions[1].number if len(versions) > 1 else newest)
        right = pick("right", newest)
        return page(
            request,
            "rule_quality/versions.html",
            f"Versions of {rule.code}",
            rule=rule,
            versions=versions,
            left=left,
            right=right,
            rows=revisions.diff(left, right),
        )

    def restore(self, request: HttpRequest, version_id: int) -> HttpResponse:
        version = get_object_or_404(RuleVersion.objects.select_related("rule"), pk=version_id)
        url = reverse("admin:rule_quality_versions", args=[version.rule_id])
        if request.method != "POST":
            return HttpResponseRedirect(url)
        try:
            new = revisions.restore_as_draft(
                version=version,
                actor=Actor.for_user(request.user),
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            report(request, exc)
            return HttpResponseRedirect(url)
        messages.success(
            request,
            f"v{version.number} restored as draft v{new.number}; a checker activates it.",
        )
        return HttpResponseRedirect(f"{url}?left={version.number}&right={new.number}")

    # -- challenger ----------------------------------------------------------------------

    def challenger(self, request: HttpRequest, rule_id) -> HttpResponse:
        rule = get_object_or_404(
            Rule.objects.select_related("active_version", "shadow_version"), pk=rule_id
        )
        actor = Actor.for_user(request.user)
        if request.method == "POST":
            try:
                if request.POST.get("action") == "promote":
                    challengers.promote(
                        rule=rule, actor=actor, reason=request.POST.get("reason", "")
                    )
                    messages.success(request, "The challenger is now the live version.")
                else:
                    version = get_object_or_404(
                        RuleVersion, rule=rule, number=request.POST.get("version") or 0
                    )
                    percent = request.POST.get("percent", "")
                    if not percent.isdigit():
                        raise ValidationFailed({"percent": ["a whole number from 1 to 100"]})
                    challengers.start_challenger(
                        version=version, percent=int(percent), actor=actor,
                        reason=request.POST.get("reason", ""),
                    )  # fmt: skip
                    messages.success(request, f"v{version.number} runs as challenger.")
            except DomainError as exc:
                report(request, exc)
            return HttpResponseRedirect(request.path)
        days = int(request.GET.get("days", "30")) if request.GET.get("days", "30").isdigit() else 30
        comparison = None
        if rule.shadow_version_id and rule.active_version_id:
            now = timezone.now()
            comparison = challengers.compare(
                rule=rule, date_from=now - timedelta(days=days), date_to=now + timedelta(seconds=1)
            )
        return page(
            request,
            "rule_quality/challenger.html",
            f"Challenger for {rule.code}",
            rule=rule,
            rollout=ChallengerRollout.objects.filter(rule=rule).first(),
            comparison=comparison,
            days=days,
            versions=list(rule.versions.order_by("-number")),
        )

    # -- tuning --------------------------------------------------------------------------

    def tune(self, request: HttpRequest, version_id: int) -> HttpResponse:
        version = get_object_or_404(RuleVersion.objects.select_related("rule"), pk=version_id)
        schema = version.rule.kind == Rule.Kind.TEMPLATE and param_schema(version.template)
        form = {"grid": request.POST.get("grid", ""), "days": request.POST.get("days", "90")}
        if request.method == "POST":
            try:
                try:
                    grid = json.loads(form["grid"])
                except json.JSONDecodeError as exc:
                    raise ValidationFailed({"grid": [f"not valid JSON: {exc}"]}) from None
                days = int(form["days"]) if form["days"].isdigit() else 0
                if not 1 <= days <= 3660:
                    raise ValidationFailed({"days": ["1 to 3660 days of history"]})
                now = timezone.now()
                run = tuning.request_tuning(
                    version=version, grid=grid, date_from=now - timedelta(days=days),
                    date_to=now, actor=Actor.for_user(request.user),
                )  # fmt: skip
            except DomainError as exc:
                report(request, exc)
            else:
                return HttpResponseRedirect(
                    reverse("admin:rule_quality_tuningrun_change", args=[run.pk])
                )
        return page(
            request,
            "rule_quality/tune.html",
            f"Tune {version.rule.code} v{version.number}",
            version=version,
            schema=schema or {},
            form=form,
        )
