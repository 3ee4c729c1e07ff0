"""Who the customer is: profile, identity documents, verification results, tiers and reviews.

ID numbers are never stored in clear: ``id_number_encrypted`` holds a Fernet token and
``id_number_hash`` a keyed HMAC for duplicate detection (see core.pii). Profile changes are kept
as ``CustomerVersion`` rows; status changes and decisions are in the audit trail.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core import pii
from core.models import PublicModel
from kyc.vocabularies import (
    Chain,
    CustomerType,
    DocumentKind,
    EntityType,
    Gender,
    IdType,
    Occupation,
    PurposeOfAccount,
    SourceOfFunds,
)

ZERO = Decimal("0.00")


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    PROHIBITED = "prohibited", "Prohibited"


class Tier(models.Model):
    """A limits tier (basic / standard / enhanced); rows come from a data migration."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=100)
    rank = models.PositiveSmallIntegerField(default=0, help_text="Higher rank, higher limits.")
    per_transaction_limit_pkr = models.DecimalField(max_digits=18, decimal_places=2)
    daily_limit_pkr = models.DecimalField(max_digits=18, decimal_places=2)
    monthly_limit_pkr = models.DecimalField(max_digits=18, decimal_places=2)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name

    @property
    def limits(self) -> dict[str, Decimal]:
        return {
            "per_transaction_pkr": self.per_transaction_limit_pkr,
            "daily_pkr": self.daily_limit_pkr,
            "monthly_pkr": self.monthly_limit_pkr,
        }


class ReviewPolicy(models.Model):
    """How often each risk level is reviewed, and how early an expiring ID opens a review."""

    risk_level = models.CharField(max_length=12, choices=RiskLevel.choices, unique=True)
    review_months = models.PositiveSmallIntegerField()
    id_expiry_notice_days = models.PositiveSmallIntegerField(default=30)

    class Meta:
        verbose_name_plural = "review policies"
        ordering = ["review_months"]

    def __str__(self) -> str:
        return f"{self.get_risk_level_display()}: every {self.review_months} months"


class EncryptedIdNumber(models.Model):
    """Two columns for one ID number: the ciphertext and a keyed hash for exact lookup."""

    id_type = models.CharField(max_length=12, choices=IdType.choices, blank=True)
    id_number_encrypted = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        abstract = True

    @property
    def id_number(self) -> str:
        return pii.decrypt(self.id_number_encrypted)

    @id_number.setter
    def id_number(self, value: str) -> None:
        self.id_number_encrypted = pii.encrypt(value or "")
        self.id_number_hash = pii.keyed_hash(value or "")

    @property
    def id_number_masked(self) -> str:
        return pii.mask(self.id_number) if self.id_number_encrypted else ""


class Customer(EncryptedIdNumber, PublicModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        VERIFYING = "verifying", "Verifying"
        APPROVED = "approved", "Approved"
        IN_REVIEW = "in_review", "In review"
        REJECTED = "rejected", "Rejected"
        SUSPENDED = "suspended", "Suspended"
        FROZEN = "frozen", "Frozen"
        CLOSED = "closed", "Closed"

    Type = CustomerType
    RiskLevel = RiskLevel

    external_id = models.CharField(max_length=100, unique=True)
    customer_type = models.CharField(
        max_length=12, choices=CustomerType.choices, default=CustomerType.INDIVIDUAL
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    status_reason = models.TextField(blank=True, help_text="Reason given with the last decision.")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_before_freeze = models.CharField(max_length=12, choices=Status.choices, blank=True)
    risk_level = models.CharField(
        max_length=12, choices=RiskLevel.choices, null=True, blank=True, db_index=True
    )
    risk_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    risk_scored_at = models.DateTimeField(null=True, blank=True)
    tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="customers"
    )
    next_review_due = models.DateField(null=True, blank=True, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    information_requested_at = models.DateTimeField(null=True, blank=True)
    information_request = models.TextField(blank=True)

    # Individual
    full_name = models.CharField(max_length=200, blank=True)
    father_or_spouse_name = models.CharField(max_length=200, blank=True)
    mother_maiden_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    place_of_birth = models.CharField(max_length=100, blank=True)
    gender = models.CharField(max_length=1, choices=Gender.choices, blank=True)
    nationality = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2")
    country_of_residence = models.CharField(max_length=2, blank=True)
    id_issue_date = models.DateField(null=True, blank=True)
    id_expiry_date = models.DateField(null=True, blank=True, db_index=True)
    mobile = models.CharField(max_length=20, blank=True, help_text="E.164")
    email = models.EmailField(blank=True)
    permanent_address = models.JSONField(default=dict, blank=True)
    present_address = models.JSONField(default=dict, blank=True)
    occupation = models.CharField(max_length=40, choices=Occupation.choices, blank=True)
    source_of_funds = models.CharField(max_length=40, choices=SourceOfFunds.choices, blank=True)
    purpose_of_account = models.CharField(
        max_length=40, choices=PurposeOfAccount.choices, blank=True
    )
    expected_monthly_turnover_pkr = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True
    )
    is_pep_declared = models.BooleanField(default=False)
    pep_details = models.TextField(blank=True)
    # FATCA: a US person is reported to the FBR for the IRS; CRS: every tax residence.
    is_us_person = models.BooleanField(default=False)
    tax_residencies = models.JSONField(default=list, blank=True, help_text="ISO alpha-2 codes")

    # Legal entity
    legal_name = models.CharField(max_length=200, blank=True)
    entity_type = models.CharField(max_length=30, choices=EntityType.choices, blank=True)
    registration_number = models.CharField(max_length=50, blank=True)
    ntn = models.CharField(max_length=20, blank=True, help_text="FBR National Tax Number")
    incorporation_date = models.DateField(null=True, blank=True)
    country_of_incorporation = models.CharField(max_length=2, blank=True)
    registered_address = models.JSONField(default=dict, blank=True)
    business_activity = models.CharField(max_length=200, blank=True)

    # The onboarding session (API.md): link keys for the customer network, not profile data.
    onboarding_device_id = models.CharField(max_length=200, blank=True)
    onboarding_ip_address = models.GenericIPAddressField(null=True, blank=True)

    # Idempotency: SHA-256 of the normalized creation request (a retry must match it).
    request_hash = models.CharField(max_length=64, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The same ID document cannot open two live customers (closed ones free it).
            models.UniqueConstraint(
                fields=["id_type", "id_number_hash"],
                condition=~Q(status="closed") & ~Q(id_number_hash=""),
                name="kyc_customer_unique_live_id_number",
            )
        ]
        indexes = [models.Index(fields=["status", "risk_level"])]
        permissions = [
            ("approve_customer", "Can approve high-risk and PEP customers (MLRO)"),
            ("reveal_id_number", "Can reveal a customer's full ID number"),
            ("decide_freeze", "Can freeze and unfreeze customers"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.external_id})"

    @property
    def is_entity(self) -> bool:
        return self.customer_type == CustomerType.ENTITY

    @property
    def display_name(self) -> str:
        return (self.legal_name if self.is_entity else self.full_name) or self.external_id

    @property
    def limits(self) -> dict[str, Decimal | str | None]:
        """What the customer may transact now: the tier's limits while approved, else zero."""
        active = self.status == self.Status.APPROVED and self.tier_id is not None
        if active:
            return {"tier": self.tier.code, **self.tier.limits}
        return {"tier": None, "per_transaction_pkr": ZERO, "daily_pkr": ZERO, "monthly_pkr": ZERO}

    @property
    def current_beneficial_owners(self) -> models.QuerySet[BeneficialOwner]:
        return self.beneficial_owners.filter(removed_at__isnull=True)

    @property
    def age(self) -> int | None:
        if self.date_of_birth is None:
            return None
        today = timezone.localdate()
        dob = self.date_of_birth
        return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))

    @property
    def is_review_overdue(self) -> bool:
        return self.next_review_due is not None and self.next_review_due < timezone.localdate()


class BeneficialOwner(EncryptedIdNumber, PublicModel):
    """A natural person owning or controlling 25 % or more of an entity customer."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="beneficial_owners"
    )
    full_name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    nationality = models.CharField(max_length=2, blank=True)
    ownership_pct = models.DecimalField(max_digits=5, decimal_places=2)
    is_pep_declared = models.BooleanField(default=False)
    # Owners are never deleted: a profile change that drops one stamps it instead.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-ownership_pct", "full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.ownership_pct}%)"


class CustomerVersion(models.Model):
    """One profile version: who changed what and when. Never updated, never deleted.

    ``changes`` maps a field to ``[before, after]``; ID numbers appear masked only.
    """

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    changed_at = models.DateTimeField(default=timezone.now)
    actor_label = models.CharField(max_length=200)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changes = models.JSONField(default=dict)
    snapshot = models.JSONField(default=dict, help_text="The whole profile after this version.")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["customer", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "version"], name="kyc_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} v{self.version}"

    @property
    def changed_fields(self) -> list[str]:
        return sorted(self.changes)


def document_upload_path(instance: CustomerDocument, filename: str) -> str:
    # The name carries no client input: the content hash and the sniffed extension.
    return f"kyc/{instance.customer_id}/{instance.sha256}.{instance.extension}"


class CustomerDocument(PublicModel):
    Kind = DocumentKind

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    file = models.FileField(upload_to=document_upload_path, max_length=300)
    content_type = models.CharField(max_length=50, help_text="Sniffed from the content.")
    extension = models.CharField(max_length=5)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    original_name = models.CharField(max_length=255, blank=True)
    uploaded_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.content_type}, {self.size_bytes} bytes)"


class CustomerWallet(PublicModel):
    """A self-hosted wallet the customer declared as theirs (travel-rule counterparty)."""

    Chain = Chain

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="wallets")
    chain = models.CharField(max_length=20, choices=Chain.choices)
    address = models.CharField(max_length=128)
    label = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "chain", "address"], name="kyc_wallet_unique_per_customer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.chain}:{self.address}"


class IdentityVerification(PublicModel):
    """One identity-provider check (NADRA Verisys or the sandbox), with its raw response."""

    class Result(models.TextChoices):
        MATCH = "match", "All fields match"
        PARTIAL_MATCH = "partial_match", "Some fields do not match"
        NAME_MISMATCH = "name_mismatch", "Name does not match"
        NO_RECORD = "no_record", "No record for this ID number"
        ID_EXPIRED = "id_expired", "ID card expired or cancelled"
        DECEASED = "deceased", "Record marked deceased"
        BLOCKED = "blocked", "ID blocked by the issuer"
        ERROR = "error", "Provider error"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="verifications")
    provider = models.CharField(max_length=100)
    result_code = models.CharField(max_length=20, choices=Result.choices, db_index=True)
    matched_fields = models.JSONField(
        default=dict, help_text="{name, father_name, date_of_birth, address, photo}: true/false"
    )
    reference = models.CharField(max_length=100, blank=True)
    raw_response = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.provider}: {self.result_code}"

    @property
    def is_clean(self) -> bool:
        return self.result_code == self.Result.MATCH


class PeriodicReview(PublicModel):
    """A review of a customer's profile and risk, opened on schedule or by a trigger."""

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled (next review due)"
        ID_EXPIRY = "id_expiry", "ID document expiring"
        RISK_CHANGE = "risk_change", "Risk level changed"
        MANUAL = "manual", "Opened by an officer"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="reviews")
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    due_date = models.DateField(db_index=True)
    detail = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["due_date"]
        constraints = [
            # One open review per customer and trigger: the beat task can run any number of times.
            models.UniqueConstraint(
                fields=["customer", "trigger"],
                condition=Q(status="open"),
                name="kyc_review_one_open_per_trigger",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} review of {self.customer_id}, due {self.due_date}"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_date < timezone.localdate()


__all__ = [
    "BeneficialOwner",
    "Customer",
    "CustomerDocument",
    "CustomerVersion",
    "CustomerWallet",
    "IdentityVerification",
    "PeriodicReview",
    "ReviewPolicy",
    "RiskLevel",
    "Tier",
]
