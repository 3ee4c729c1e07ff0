"""The risk model as data (factors, country lists, bands) and the onboarding assessment record.

Compliance edits factors, country ratings and bands in the admin; every edit goes through
``compliance.onboarding.config`` so it is audited. An ``OnboardingAssessment`` is the evidence
an inspector asks for: what was checked (verification, screening), how risk was scored (each
factor's contribution), what was decided, by whom, and why.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from compliance.onboarding import risk
from core.models import PublicModel, TimeStamped

LEVEL_CHOICES = [(level, level.title()) for level in risk.LEVELS]


class RiskFactor(TimeStamped):
    """One scoring factor: its weight and the settings (value -> points maps, bands) it reads."""

    code = models.CharField(max_length=40, unique=True, choices=[(c, c) for c in risk.FACTORS])
    description = models.TextField(blank=True)
    weight = models.DecimalField(
        max_digits=6, decimal_places=2, validators=[MinValueValidator(0)],
        help_text="Multiplies the factor's points; 0 switches its effect off.",
    )  # fmt: skip
    settings = models.JSONField(
        default=dict, blank=True, help_text="Points maps and bands the factor reads (JSON)."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.code} (x{self.weight})"

    def as_config(self) -> risk.FactorConfig:
        return risk.FactorConfig(
            code=self.code, weight=self.weight, settings=self.settings,
            description=self.description,
        )  # fmt: skip


class CountryRisk(TimeStamped):
    """A country on a list: FATF call-for-action (black), increased monitoring (grey), or ours."""

    class ListName(models.TextChoices):
        FATF_BLACK = "fatf_black", "FATF call for action (black list)"
        FATF_GREY = "fatf_grey", "FATF increased monitoring (grey list)"
        OTHER = "other", "Firm's own high-risk list"

    code = models.CharField(max_length=2, unique=True, help_text="ISO 3166 alpha-2")
    name = models.CharField(max_length=100)
    list_name = models.CharField(max_length=20, choices=ListName.choices)
    points = models.DecimalField(max_digits=6, decimal_places=2)
    prohibits_onboarding = models.BooleanField(
        default=False, help_text="Countermeasures apply: no business relationship (prohibited)."
    )
    listed_since = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["list_name", "code"]
        verbose_name_plural = "country risks"

    def __str__(self) -> str:
        return f"{self.code} {self.name} ({self.get_list_name_display()})"

    def as_rating(self) -> risk.CountryRating:
        return risk.CountryRating(
            code=self.code, list_name=self.list_name, points=self.points,
            prohibits_onboarding=self.prohibits_onboarding,
        )  # fmt: skip


class RiskBand(TimeStamped):
    """The lowest score of a risk level."""

    level = models.CharField(max_length=12, choices=LEVEL_CHOICES, unique=True)
    min_score = models.DecimalField(max_digits=7, decimal_places=2)

    class Meta:
        ordering = ["min_score"]

    def __str__(self) -> str:
        return f"{self.level} from {self.min_score}"


class OnboardingAssessment(PublicModel):
    """One run of verification -> screening -> risk scoring -> decision for a customer."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        APPROVED = "approved", "Approved"
        IN_REVIEW = "in_review", "In review"
        REJECTED = "rejected", "Rejected"
        # A later assessment replaced this one (resubmission after an information request).
        SUPERSEDED = "superseded", "Superseded"

    class DecidedBy(models.TextChoices):
        SYSTEM = "system", "Automatic"
        OFFICER = "officer", "Officer"
        MLRO = "mlro", "MLRO (after EDD)"

    customer = models.ForeignKey(
        "kyc.Customer", on_delete=models.PROTECT, related_name="onboarding_assessments"
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    # Step 1: identity verification
    verification = models.ForeignKey(
        "kyc.IdentityVerification", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    verification_outcome = models.CharField(max_length=20, blank=True)
    # Step 2: screening
    screening_result = models.JSONField(default=dict, blank=True)
    # Step 3: risk
    is_pep = models.BooleanField(default=False)
    risk_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    risk_level = models.CharField(max_length=12, choices=LEVEL_CHOICES, blank=True)
    contributions = models.JSONField(
        default=list, blank=True, help_text="Each factor's weight, points, score and reason."
    )
    # Step 4: decision
    decision_reason = models.TextField(blank=True)
    decided_by = models.CharField(max_length=10, choices=DecidedBy.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    tier_code = models.CharField(max_length=30, blank=True)
    next_review_due = models.DateField(null=True, blank=True)

    # Enhanced due diligence (high risk, PEP): prepared by one officer, approved by the MLRO.
    edd_required = models.BooleanField(default=False, db_index=True)
    source_of_wealth = models.TextField(blank=True, help_text="Source of wealth evidence (EDD).")
    source_of_wealth_document = models.ForeignKey(
        "kyc.CustomerDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["customer", "-started_at"])]
        permissions = [("approve_customer", "Approve a high-risk or PEP customer (MLRO)")]

    def __str__(self) -> str:
        return f"Assessment of {self.customer_id}: {self.status}"

    @property
    def edd_recorded(self) -> bool:
        return bool(self.source_of_wealth.strip()) and self.prepared_by_id is not None

    @property
    def awaiting_mlro(self) -> bool:
        return self.status == self.Status.IN_REVIEW and self.edd_required and self.edd_recorded


__all__ = ["CountryRisk", "OnboardingAssessment", "RiskBand", "RiskFactor"]
