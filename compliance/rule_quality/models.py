"""What monitoring rules earned: outcome labels per alert, quality figures per rule and version,
the precision floor, suppressions, challenger rollouts and threshold-tuning runs.

Labels are derived (from case decisions and filing outcomes), never typed by an officer; each
carries the rule version that fired, so a version's quality is measured on its own alerts.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.models import PublicModel, TimeStamped


class Label(models.TextChoices):
    FALSE_POSITIVE = "false_positive", "Dismissed as false positive"
    CLOSED_NO_ACTION = "closed_no_action", "Closed without action (kept under monitoring)"
    ESCALATED_NO_STR = "escalated_no_str", "Escalated to the MLRO, closed without an STR"
    EXIT_RELATIONSHIP = "exit_relationship", "Relationship exited"
    STR_FILED = "str_filed", "STR filed"


class AlertLabel(models.Model):
    """The fate of one (not shadow) alert, written when its case closes and updated when the
    STR filed for the case is acknowledged or rejected by the FMU."""

    class Filing(models.TextChoices):
        NONE = "", "No filing"
        ACKNOWLEDGED = "acknowledged", "Acknowledged by the FMU"
        REJECTED = "rejected", "Rejected by the FMU"

    alert = models.OneToOneField(
        "monitoring.Alert", on_delete=models.PROTECT, primary_key=True, related_name="label"
    )
    rule = models.ForeignKey("monitoring.Rule", on_delete=models.PROTECT, related_name="+")
    rule_version = models.ForeignKey(
        "monitoring.RuleVersion", on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey("kyc.Customer", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=20, choices=Label.choices)
    true_positive = models.BooleanField()
    alert_created_at = models.DateTimeField()
    dispositioned_at = models.DateTimeField()
    filing = models.CharField(max_length=12, choices=Filing.choices, blank=True)
    filing_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["rule_version", "label"], name="rq_label_version"),
            models.Index(fields=["case"], name="rq_label_case"),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id}: {self.label}"


class QualityPeriod(models.Model):
    """Pre-aggregated quality figures: per rule (``rule_version`` null: all its versions) or per
    version, per week or month (``period_start`` the Monday / the 1st, Asia/Karachi) or over
    all time (``period`` ``all``). Rebuilt from alerts and labels by ``refresh_quality``."""

    class Period(models.TextChoices):
        WEEK = "week", "Week"
        MONTH = "month", "Month"
        ALL = "all", "All time"

    rule = models.ForeignKey("monitoring.Rule", on_delete=models.CASCADE, related_name="+")
    rule_version = models.ForeignKey(
        "monitoring.RuleVersion", null=True, on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(max_length=5, choices=Period.choices)
    period_start = models.DateField()
    alerts = models.PositiveIntegerField()
    customers = models.PositiveIntegerField()
    in_case = models.PositiveIntegerField()
    dispositioned = models.PositiveIntegerField()
    true_positives = models.PositiveIntegerField()
    str_filed = models.PositiveIntegerField()
    fmu_acknowledged = models.PositiveIntegerField()
    open_backlog = models.PositiveIntegerField()
    median_hours_to_disposition = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = "rule quality figure"
        verbose_name_plural = "rule quality"
        indexes = [
            models.Index(fields=["period", "rule", "period_start"], name="rq_period_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.period} {self.period_start}"


class PrecisionFloor(TimeStamped):
    """Below this precision (over at least ``min_dispositioned`` labelled alerts) a rule is
    flagged on the quality dashboard. The row without a rule is the default for every rule."""

    rule = models.OneToOneField(
        "monitoring.Rule", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    floor = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text="True positives over dispositioned alerts, 0 to 1.",
    )
    min_dispositioned = models.PositiveIntegerField(
        default=20, help_text="Fewer labelled alerts than this are too few to judge."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["floor"], condition=Q(rule__isnull=True), name="rq_one_default_floor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule or 'default'}: {self.floor}"


class Suppression(PublicModel):
    """A rule silenced for one customer, or one customer and counterparty, until ``ends_at``.
    Findings it covers are still recorded (as suppressed alerts, never routed to analysts)."""

    rule = models.ForeignKey("monitoring.Rule", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("kyc.Customer", on_delete=models.PROTECT, related_name="+")
    counterparty_key = models.CharField(
        max_length=200, blank=True, help_text="Account, wallet or name; empty: any counterparty."
    )
    reason = models.TextField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_label = models.CharField(max_length=200)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by_label = models.CharField(max_length=200, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["customer", "ends_at"], name="rq_suppression_customer")]

    def __str__(self) -> str:
        scope = f" / {self.counterparty_key}" if self.counterparty_key else ""
        return f"{self.rule_id} for {self.customer_id}{scope} until {self.ends_at:%Y-%m-%d}"


class SuppressedFinding(models.Model):
    """An alert stored as suppressed (shadow), and the suppression that held it back."""

    alert = models.OneToOneField(
        "monitoring.Alert", on_delete=models.PROTECT, primary_key=True, related_name="suppressed"
    )
    suppression = models.ForeignKey(Suppression, on_delete=models.PROTECT, related_name="findings")
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.alert_id} (suppressed)"


class ChallengerRollout(TimeStamped):
    """How much of the traffic a rule's challenger (its shadow version) sees: ``percent`` of
    customers, chosen by a hash of the customer id (the same customers every time); 100 is
    everyone. Its would-be alerts are shadow alerts: stored, never routed."""

    rule = models.OneToOneField("monitoring.Rule", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        "monitoring.RuleVersion", on_delete=models.PROTECT, related_name="+"
    )
    percent = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    started_at = models.DateTimeField()
    set_by_label = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.rule_id} challenger v{self.version_id} on {self.percent}%"


class TuningRun(PublicModel):
    """A sweep of one or two template parameters of a rule version over stored history."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    rule_version = models.ForeignKey(
        "monitoring.RuleVersion", on_delete=models.PROTECT, related_name="+"
    )
    grid = models.JSONField(help_text='{"param": [values...]} for one or two parameters.')
    date_from = models.DateTimeField()
    date_to = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_total = models.PositiveIntegerField(default=0, help_text="Customers to replay.")
    progress_done = models.PositiveIntegerField(default=0)
    results = models.JSONField(default=list, blank=True)
    suggested = models.JSONField(default=dict, blank=True)
    requested_by_label = models.CharField(max_length=200)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"tuning {self.rule_version} {', '.join(self.grid)}"
