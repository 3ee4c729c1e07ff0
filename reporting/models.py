"""What we tell the regulator: goAML filings (STR, CTR, STR-F) and the settings behind them.

Everything a compliance team or the FMU may change is a row, not a constant: the exchange's
goAML registration (``ReportingEntityProfile``), deadlines and the CTR threshold
(``FilingSettings``) and the FMU's lookup lists (``LookupCode``); closure days are core's
``ClosureDate``, shared with case SLAs. Defaults come from data migrations.

A ``Report`` keeps the XML exactly as filed with its SHA-256; a rejected report is never
edited, it is corrected as a new version (``previous_version``). Reports are never deleted.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import PublicModel


class ReportingEntityProfile(models.Model):
    """The exchange's registration on the FMU's goAML portal; one active row."""

    rentity_id = models.PositiveIntegerField(help_text="goAML reporting entity id (from the FMU).")
    branch = models.CharField(max_length=255, help_text="rentity_branch as registered.")
    name = models.CharField(max_length=255)
    institution_code = models.CharField(max_length=50, blank=True)
    swift = models.CharField(max_length=11, blank=True)
    # location (t_address of the reporting office)
    address = models.CharField(max_length=100)
    district = models.CharField(max_length=100, blank=True, help_text="As on the FMU's list.")
    city = models.CharField(max_length=100)
    province = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    country_code = models.CharField(max_length=2, default="PK")
    # reporting person (the MLRO registered with the FMU)
    person_title = models.CharField(max_length=30, blank=True)
    person_first_name = models.CharField(max_length=100)
    person_last_name = models.CharField(max_length=100)
    person_email = models.EmailField(blank=True)
    person_phone_prefix = models.CharField(max_length=4, default="92")
    person_phone_number = models.CharField(max_length=50, blank=True)
    person_occupation = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "reporting entity (goAML registration)"
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="reporting_one_active_entity_profile",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (rentity {self.rentity_id}, {self.branch})"


class FilingSettings(models.Model):
    """Deadlines and thresholds; one row (pk 1), edited by the compliance team."""

    # AMLA 2010 s.7(1): STR "promptly", not later than seven working days after suspicion.
    str_working_days = models.PositiveSmallIntegerField(default=7)
    # FMU: CTRs within the configured number of working days of the cash transaction.
    ctr_schedule_days = models.PositiveSmallIntegerField(default=7)
    # AML/CFT regulations: cash transactions of PKR 2,000,000 or more are reported (CTR).
    ctr_threshold_pkr = models.DecimalField(
        max_digits=18, decimal_places=2, default=Decimal("2000000.00")
    )
    # How far back the CTR sweep looks for cash transactions without a CTR.
    ctr_lookback_days = models.PositiveSmallIntegerField(default=45)

    class Meta:
        verbose_name = "filing settings"
        verbose_name_plural = "filing settings"

    def __str__(self) -> str:
        return (
            f"STR {self.str_working_days} working days; CTR {self.ctr_schedule_days} working "
            f"days from PKR {self.ctr_threshold_pkr:,}"
        )


class LookupCode(models.Model):
    """One code of one FMU lookup list (see ``reporting.goaml.lookups``)."""

    class Table(models.TextChoices):
        REPORT_CODES = "report_codes", "Report codes"
        TRANSMODES = "transmodes", "Transmission modes"
        FUNDS_TYPES = "funds_types", "Funds types"
        IDENTIFIER_TYPES = "identifier_types", "Identity document types"
        ACCOUNT_TYPES = "account_types", "Account types"
        ACCOUNT_STATUSES = "account_statuses", "Account statuses"
        ACCOUNT_PERSON_ROLES = "account_person_roles", "Account person roles"
        ENTITY_PERSON_ROLES = "entity_person_roles", "Entity person roles"
        LEGAL_FORMS = "legal_forms", "Legal forms"
        CONTACT_TYPES = "contact_types", "Contact types"
        COMMUNICATION_TYPES = "communication_types", "Communication types"
        GENDERS = "genders", "Genders"
        ITEM_TYPES = "item_types", "Item types"
        INDICATORS = "indicators", "Report indicators"
        TYPOLOGY_INDICATORS = "typology_indicators", "Typology -> indicators"
        REPORT_DEFAULT_INDICATORS = "report_default_indicators", "Default indicators per report"
        COUNTRIES = "countries", "Countries (ISO 3166)"
        CURRENCIES = "currencies", "Currencies (ISO 4217)"
        DISTRICTS = "districts", "Districts (FMU list)"

    table = models.CharField(max_length=40, choices=Table.choices, db_index=True)
    code = models.CharField(max_length=100)
    description = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    data = models.JSONField(
        default=dict,
        blank=True,
        help_text='Extra rules: report codes {"reason_required", "conductor_required"}; '
        'identifier types {"nadra_number"}; item types {"virtual_asset"}; '
        'typology / default indicators {"indicators": [...]}.',
    )

    class Meta:
        ordering = ["table", "code"]
        constraints = [
            models.UniqueConstraint(fields=["table", "code"], name="reporting_lookup_unique")
        ]

    def __str__(self) -> str:
        return f"{self.table}: {self.code}"


class Report(PublicModel):
    """One filing to the FMU, from draft to the FMU's acknowledgement or rejection."""

    class Kind(models.TextChoices):
        STR = "STR", "Suspicious transaction report"
        CTR = "CTR", "Currency transaction report"
        STR_F = "STR-F", "Suspicious transaction report (terrorism financing)"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING_APPROVAL = "pending_approval", "Pending approval"
        APPROVED = "approved", "Approved"
        SUBMITTED = "submitted", "Submitted"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        REJECTED = "rejected", "Rejected"

    OPEN_STATUSES = (Status.DRAFT, Status.PENDING_APPROVAL, Status.APPROVED)
    FILED_STATUSES = (Status.SUBMITTED, Status.ACKNOWLEDGED, Status.REJECTED)

    kind = models.CharField(max_length=5, choices=Kind.choices, db_index=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    reference = models.CharField(
        max_length=60, unique=True, help_text="entity_reference: our reference for the FMU."
    )
    version = models.PositiveIntegerField(default=1)
    previous_version = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )
    # What the report was drafted from: "case:<id>", "transaction:<id>", "screening_hit:<id>".
    # With the version it makes drafting idempotent.
    origin = models.CharField(max_length=100, blank=True, db_index=True)

    customer = models.ForeignKey(
        "kyc.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    screening_hit = models.ForeignKey(
        "screening.ScreeningHit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # related_name "+": monitoring and kyc must not be able to reach a report (tipping-off).
    transactions = models.ManyToManyField("monitoring.Transaction", blank=True, related_name="+")
    # Makers: who drafted or last edited the content, and who asked for approval. Neither may
    # approve (four-eyes).
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approval_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    submitted_by_label = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True, help_text="The FMU's reason.")
    fiu_ref_number = models.CharField(max_length=255, blank=True)
    transport_ref = models.CharField(
        max_length=255, blank=True, help_text="Where the submission adapter put the report."
    )

    suspicion_formed_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)

    narrative = models.TextField(blank=True, help_text="goAML reason: the grounds for suspicion.")
    action_taken = models.TextField(blank=True, help_text="goAML action: what the exchange did.")
    indicators = models.JSONField(
        default=list, blank=True, help_text="Typology or goAML indicator codes."
    )

    xml = models.TextField(blank=True, help_text="The goAML XML exactly as built and filed.")
    xml_sha256 = models.CharField(max_length=64, blank=True)
    validation_problems = models.JSONField(default=list, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("approve_report", "Approve a filing (MLRO)")]
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "version"],
                condition=~Q(origin=""),
                name="reporting_one_report_per_origin_version",
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_filed(self) -> bool:
        return self.status in self.FILED_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < timezone.now()

    @property
    def filed_on_time(self) -> bool | None:
        if self.submitted_at is None or self.due_at is None:
            return None
        return self.submitted_at <= self.due_at


class OverdueNotice(models.Model):
    """The MLRO was told that a report is overdue (at most once per report per Karachi day)."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="overdue_notices")
    notified_on = models.DateField()
    recipients = models.JSONField(default=list)
    message = models.TextField()
    email_sent = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "notified_on"], name="reporting_one_overdue_notice_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report.reference} overdue, notified {self.notified_on}"
