"""Investigation cases: what an analyst works on, and the decisions taken on it.

A customer has at most one live (not closed) case; its alerts and screening hits attach to it.
Everything that happens to a case is a ``CaseEvent`` (the timeline) and an audit event. Notes,
attachments and events are append-only; nothing here is ever hard-deleted. State changes go
through ``compliance.cases.services``, never through ``save()`` from a view.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from compliance.cases import priorities, sla
from core.models import PublicModel, TimeStamped


class Priority(models.TextChoices):
    LOW = priorities.LOW, "Low"
    MEDIUM = priorities.MEDIUM, "Medium"
    HIGH = priorities.HIGH, "High"
    CRITICAL = priorities.CRITICAL, "Critical"


class AppendOnly(models.Model):
    """A record that is written once: a second save would rewrite evidence."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} is append-only")


class Case(PublicModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        INVESTIGATING = "investigating", "Investigating"
        ESCALATED = "escalated", "Escalated to the MLRO"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        NO_ACTION = "no_action", "No action"
        MONITOR = "monitor", "Keep under monitoring"
        EXIT_RELATIONSHIP = "exit_relationship", "Exit the relationship"
        STR_FILED = "str_filed", "STR filed"

    Priority = Priority
    LIVE_STATUSES = (Status.OPEN, Status.INVESTIGATING, Status.ESCALATED)

    reference = models.CharField(max_length=20, unique=True, editable=False)
    customer = models.ForeignKey("kyc.Customer", on_delete=models.PROTECT, related_name="cases")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, db_index=True)
    priority_rank = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text="0 low .. 3 critical, for sorting."
    )
    status = models.CharField(
        max_length=14, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    opened_at = models.DateTimeField(db_index=True)
    sla_due_at = models.DateTimeField("SLA due", db_index=True)
    sla_at_risk_at = models.DateTimeField("SLA at risk from")
    sla_terms = models.CharField(
        "SLA terms",
        max_length=60,
        blank=True,
        help_text="The SLA as it applied (e.g. '4 working hours').",
    )
    investigation_started_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # AMLA 2010 s.7 / FMU: an STR is due 7 working days after suspicion is formed; for a case,
    # suspicion is formed when the analyst escalates it to the MLRO.
    suspicion_formed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closing_reason = models.TextField(blank=True)

    summary = models.CharField(max_length=300, blank=True, help_text="One line for the queue.")
    summary_edited = models.BooleanField(
        default=False, editable=False, help_text="An officer wrote the summary; keep it."
    )
    narrative = models.TextField(
        blank=True, help_text="The investigator's account; the STR's grounds for suspicion."
    )

    class Meta:
        ordering = ["-priority_rank", "sla_due_at"]
        constraints = [
            # One live case per customer: new alerts join it instead of opening another.
            models.UniqueConstraint(
                fields=["customer"],
                condition=~Q(status="closed"),
                name="cases_one_live_case_per_customer",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="closed", closed_at__isnull=False) & ~Q(outcome="")
                    | ~Q(status="closed") & Q(closed_at__isnull=True, outcome="")
                ),
                name="cases_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(status="escalated") | Q(suspicion_formed_at__isnull=False),
                name="cases_escalated_has_suspicion_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "assignee"], name="cases_case_queue"),
            models.Index(fields=["status", "sla_due_at"], name="cases_case_sla"),
        ]

    def __str__(self) -> str:
        return self.reference or str(self.pk)

    def save(self, *args, **kwargs) -> None:
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def fill_derived_fields(self) -> None:
        """Reference and sort rank; called by ``save`` and before a ``bulk_create``."""
        if not self.reference:
            self.reference = f"CASE-{uuid.uuid4().hex[:8].upper()}"
        self.priority_rank = priorities.RANK.get(self.priority, 0)

    @property
    def is_live(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def sla_clock(self) -> sla.SlaClock:
        return sla.SlaClock(due_at=self.sla_due_at, at_risk_at=self.sla_at_risk_at)

    def sla_status(self, now) -> sla.SlaStatus:
        return sla.status_at(self.sla_clock, now, closed_at=self.closed_at)


class CaseAlert(models.Model):
    """A monitoring alert in a case. An alert belongs to one case at most."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="alert_links")
    alert = models.OneToOneField(
        "monitoring.Alert", on_delete=models.PROTECT, related_name="case_link"
    )
    linked_at = models.DateTimeField()

    class Meta:
        ordering = ["linked_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} ← alert {self.alert_id}"


class CaseScreeningHit(models.Model):
    """A screening hit in a case. A hit belongs to one case at most."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="hit_links")
    hit = models.OneToOneField(
        "screening.ScreeningHit", on_delete=models.PROTECT, related_name="case_link"
    )
    linked_at = models.DateTimeField()

    class Meta:
        ordering = ["linked_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} ← hit {self.hit_id}"


class CaseNote(AppendOnly):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_label = models.CharField(max_length=200)
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author_label}, {self.created_at:%Y-%m-%d %H:%M}"


def attachment_path(instance: CaseAttachment, filename: str) -> str:
    # Stored under the content hash: the name an uploader chose never reaches the filesystem.
    extension = filename.rsplit(".", 1)[-1].lower()[:10] if "." in filename else "bin"
    return f"cases/{instance.case_id}/{instance.sha256}.{extension}"


class CaseAttachment(AppendOnly, PublicModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    description = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name


class CaseEvent(AppendOnly):
    """One line of a case's timeline: who did what, when, with the details."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Case opened"
        ALERT_LINKED = "alert_linked", "Alert added"
        HIT_LINKED = "hit_linked", "Screening hit added"
        PRIORITY_RAISED = "priority_raised", "Priority raised"
        ASSIGNED = "assigned", "Assigned"
        INVESTIGATION_STARTED = "investigation_started", "Investigation started"
        NOTE_ADDED = "note_added", "Note added"
        ATTACHMENT_ADDED = "attachment_added", "Attachment added"
        DETAILS_CHANGED = "details_changed", "Summary or narrative changed"
        ESCALATED = "escalated", "Escalated to the MLRO"
        DECISION_PROPOSED = "decision_proposed", "Decision proposed"
        DECISION_APPROVED = "decision_approved", "Decision approved"
        DECISION_REFUSED = "decision_refused", "Decision refused"
        CUSTOMER_FROZEN = "customer_frozen", "Customer frozen"
        CUSTOMER_UNFROZEN = "customer_unfrozen", "Customer unfrozen"
        CLOSED = "closed", "Case closed"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    message = models.CharField(max_length=500)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["case", "occurred_at"], name="cases_event_timeline")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.message}"


class SlaPolicy(TimeStamped):
    """How long a case of one priority may stay open. Rows come from a data migration; the
    MLRO edits them in the admin (audited). A change applies to cases opened after it."""

    priority = models.CharField(max_length=10, choices=Priority.choices, unique=True)
    unit = models.CharField(
        max_length=14,
        choices=[(sla.WORKING_HOURS, "Working hours"), (sla.WORKING_DAYS, "Working days")],
    )
    amount = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    at_risk_after = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default="0.75",
        validators=[MinValueValidator(0.05), MaxValueValidator(1)],
        help_text="Share of the allowed working time after which the case shows 'at risk'.",
    )
    description = models.TextField(blank=True)

    class Meta:
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_priority_display()}: {self.as_terms().describe()}"

    def as_terms(self) -> sla.SlaTerms:
        return sla.SlaTerms(unit=self.unit, amount=self.amount, at_risk_after=self.at_risk_after)


class Decision(PublicModel):
    """A decision taken on a case, with its reason. Four-eyes kinds (STR, freeze, unfreeze)
    are proposed by one officer and approved or refused by another holding
    ``cases.decide_case``; the others are taken by one officer and recorded as approved."""

    class Kind(models.TextChoices):
        STR_DECISION = "str_decision", "File an STR"
        FREEZE = "freeze", "Freeze the customer"
        UNFREEZE = "unfreeze", "Lift the freeze"
        CLOSE = "close", "Close the case"
        ESCALATE = "escalate", "Escalate to the MLRO"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed, awaiting a second officer"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    FOUR_EYES_KINDS = (Kind.STR_DECISION, Kind.FREEZE, Kind.UNFREEZE)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    four_eyes = models.BooleanField(default=True, help_text="Needs a second officer.")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_by_label = models.CharField(max_length=200)
    proposed_at = models.DateTimeField()
    reason = models.TextField()
    details = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by_label = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at"]
        permissions = [("decide_case", "Approve STR and freeze decisions (MLRO)")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(status="proposed"),
                name="cases_one_pending_decision_per_kind",
            ),
            # The service enforces four eyes; the database refuses a slip past it.
            models.CheckConstraint(
                condition=(
                    Q(four_eyes=False)
                    | Q(decided_by__isnull=True)
                    | ~Q(decided_by=F("proposed_by"))
                ),
                name="cases_decision_checker_is_not_maker",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="proposed", decided_at__isnull=True)
                    | ~Q(status="proposed") & Q(decided_at__isnull=False)
                ),
                name="cases_decision_decided_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="cases_decision_queue")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PROPOSED
