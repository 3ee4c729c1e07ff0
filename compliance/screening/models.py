"""Watchlists as imported (lists, versions, entries), screening hits and what officers decided.

A list is imported as a new ``WatchlistVersion``; an entry keeps one row across versions (its
``fingerprint`` tells whether an import changed it, ``first_version``/``last_version`` when it
appeared and last changed, ``removed_in_version`` when it left the list). A ``ScreeningHit`` keeps
its own copy of what matched (names, score, reasons, list version) so a later change of the entry
never rewrites the evidence an officer decided on.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from core.models import PublicModel, TimeStamped

SOURCE_KINDS = [
    ("un", "UN Security Council consolidated list (XML)"),
    ("ofac_sdn", "OFAC SDN list (XML)"),
    ("nacta", "NACTA proscribed persons / organizations (CSV)"),
    ("csv", "House format (CSV)"),
]


class Watchlist(TimeStamped):
    """One list the firm screens against: UN 1267, OFAC SDN, NACTA, or a house list."""

    class Category(models.TextChoices):
        SANCTIONS = "sanctions", "Sanctions (targeted financial sanctions)"
        PROSCRIBED = "proscribed", "Proscribed under the Anti-Terrorism Act"
        PEP = "pep", "Politically exposed persons"
        INTERNAL = "internal", "Firm's own list"

    code = models.CharField(
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9_-]+$", "Letters, digits, - and _ only.")],
    )
    name = models.CharField(max_length=200)
    source_kind = models.CharField(max_length=10, choices=SOURCE_KINDS)
    category = models.CharField(max_length=12, choices=Category.choices, default=Category.SANCTIONS)
    is_active = models.BooleanField(
        default=True, help_text="Inactive lists are kept but not screened against."
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    @property
    def is_pep(self) -> bool:
        return self.category == self.Category.PEP


class WatchlistVersion(models.Model):
    """One import of a list: the file it came from and what changed against the previous one."""

    watchlist = models.ForeignKey(Watchlist, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(help_text="1 for the first import of the list, then +1.")
    imported_at = models.DateTimeField(db_index=True)
    file_name = models.CharField(max_length=300, blank=True)
    file_sha256 = models.CharField(max_length=64)
    entries_total = models.PositiveIntegerField(default=0, help_text="Active entries after it.")
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    duplicates_skipped = models.PositiveIntegerField(default=0)
    imported_by = models.CharField(max_length=200)
    imported_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Delta rescreen of the customer base against what this version added or changed.
    rescreen_started_at = models.DateTimeField(null=True, blank=True)
    rescreen_finished_at = models.DateTimeField(null=True, blank=True)
    rescreen_entries = models.PositiveIntegerField(default=0)
    rescreen_batches = models.PositiveIntegerField(default=0)
    rescreen_batches_done = models.PositiveIntegerField(default=0)
    rescreen_subjects = models.PositiveIntegerField(default=0)
    rescreen_hits = models.PositiveIntegerField(default=0)
    hits_closed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["watchlist", "number"], name="screening_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.watchlist.code} v{self.number}"

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    @property
    def delta(self) -> dict[str, int]:
        return {"added": self.added, "changed": self.changed, "removed": self.removed}


class EntryKind(models.TextChoices):
    PERSON = "person", "Person"
    ENTITY = "entity", "Entity"


class WatchlistEntry(models.Model):
    """A listed person or entity, one row across versions of its list."""

    Kind = EntryKind

    watchlist = models.ForeignKey(Watchlist, on_delete=models.PROTECT, related_name="entries")
    entry_id = models.CharField(
        max_length=100, help_text="The list's own identifier (e.g. QDi.001), reported as is."
    )
    list_code = models.CharField(
        max_length=40, help_text="The list the entry names (UN, OFAC, NACTA...), reported as is."
    )
    kind = models.CharField(max_length=6, choices=EntryKind.choices)
    primary_name = models.CharField(max_length=500)
    father_name = models.CharField(max_length=300, blank=True)
    program = models.CharField(max_length=300, blank=True)
    remarks = models.TextField(blank=True)
    fingerprint = models.CharField(max_length=64, help_text="Hash of the screened content.")
    is_active = models.BooleanField(default=True, db_index=True)
    first_version = models.ForeignKey(
        WatchlistVersion, on_delete=models.PROTECT, related_name="entries_added"
    )
    last_version = models.ForeignKey(
        WatchlistVersion,
        on_delete=models.PROTECT,
        related_name="entries_changed",
        help_text="The version that last added or changed the entry.",
    )
    removed_in_version = models.ForeignKey(
        WatchlistVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries_removed",
    )

    class Meta:
        ordering = ["watchlist", "entry_id"]
        verbose_name_plural = "watchlist entries"
        constraints = [
            models.UniqueConstraint(
                fields=["watchlist", "entry_id"], name="screening_entry_unique_per_list"
            )
        ]

    def __str__(self) -> str:
        return f"{self.list_code} {self.entry_id}: {self.primary_name}"


class EntryName(models.Model):
    """The primary name (position 0) and each alias, with the list's quality mark."""

    entry = models.ForeignKey(WatchlistEntry, on_delete=models.CASCADE, related_name="names")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=500)
    quality = models.CharField(
        max_length=30, blank=True, help_text="The list's mark: good / low / original script."
    )

    class Meta:
        ordering = ["entry", "position"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_primary(self) -> bool:
        return self.position == 0


class EntryDOB(models.Model):
    """A listed date of birth: a full date, a year and month, or a year alone."""

    entry = models.ForeignKey(WatchlistEntry, on_delete=models.CASCADE, related_name="dobs")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    day = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["entry", "year", "month", "day"]
        verbose_name = "entry date of birth"

    def __str__(self) -> str:
        return self.as_text()

    def as_text(self) -> str:
        if self.month and self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"


class EntryNationality(models.Model):
    entry = models.ForeignKey(
        WatchlistEntry, on_delete=models.CASCADE, related_name="nationalities"
    )
    country = models.CharField(max_length=100, help_text="ISO alpha-2 when known, else as listed.")

    class Meta:
        ordering = ["entry", "country"]
        verbose_name_plural = "entry nationalities"

    def __str__(self) -> str:
        return self.country


class EntryIdNumber(models.Model):
    """A listed ID number; ``number`` is normalized (a CNIC as its 13 digits) and ``number_hash``
    is the same keyed hash kyc stores beside a customer's ID, so a CNIC is found without
    decrypting anyone's."""

    entry = models.ForeignKey(WatchlistEntry, on_delete=models.CASCADE, related_name="id_numbers")
    id_type = models.CharField(max_length=100, blank=True)
    number = models.CharField(max_length=100)
    number_as_listed = models.CharField(max_length=200, blank=True)
    number_hash = models.CharField(max_length=64, db_index=True, blank=True)

    class Meta:
        ordering = ["entry", "id_type"]

    def __str__(self) -> str:
        return f"{self.id_type}: {self.number_as_listed or self.number}"


class EntryWallet(models.Model):
    """A listed virtual-asset address; ``address_key`` is the exact-lookup form."""

    entry = models.ForeignKey(WatchlistEntry, on_delete=models.CASCADE, related_name="wallets")
    chain = models.CharField(max_length=20, blank=True)
    address = models.CharField(max_length=200)
    address_key = models.CharField(max_length=200, db_index=True)

    class Meta:
        ordering = ["entry", "chain"]

    def __str__(self) -> str:
        return f"{self.chain}:{self.address}"


class ScreeningSettings(models.Model):
    """The knobs compliance tunes, one row (pk=1) created by a data migration. The alert
    threshold is part of the matcher configuration (``MatcherConfiguration``)."""

    max_matches_per_subject = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1)]
    )
    rescreen_batch_size = models.PositiveIntegerField(
        default=20000,
        validators=[MinValueValidator(100)],
        help_text="Customers indexed at once in a delta rescreen (bounds a worker's memory).",
    )

    class Meta:
        verbose_name = "screening settings"
        verbose_name_plural = "screening settings"

    def __str__(self) -> str:
        return (
            f"{self.max_matches_per_subject} matches per subject, batch {self.rescreen_batch_size}"
        )

    @classmethod
    def current(cls) -> ScreeningSettings:
        found = cls.objects.filter(pk=1).first()
        return found if found is not None else cls(pk=1)


class MatcherConfiguration(models.Model):
    """One immutable version of the matcher's numbers (``matcher_config.MatcherConfig`` as JSON:
    token-similarity levels, evidence effects, alert threshold).

    Made by one person (or ``calibrate_matcher``), activated by a second with
    ``screening.activate_matcher`` (four eyes, audited); exactly one version is active. A
    candidate can first be compared in shadow on a rescreen of the customer base
    (``shadow_report``: the hits it would add and drop).
    """

    number = models.PositiveIntegerField(unique=True)
    values = models.JSONField(help_text="The matcher's numbers; missing ones take built-ins.")
    origin = models.CharField(
        max_length=40, help_text="shipped default, calibration, or edited by an officer"
    )
    note = models.TextField(blank=True, help_text="Why this version was made.")
    calibration = models.JSONField(
        default=dict,
        blank=True,
        help_text="Labelled pairs, curve and operating point it was fit on.",
    )
    shadow_report = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_label = models.CharField(max_length=200)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by_label = models.CharField(max_length=200, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    # Only the approval stamp, the active flag and the shadow report change after creation.
    MUTABLE_FIELDS = frozenset(
        {"approved_by", "approved_by_label", "approved_at", "is_active", "shadow_report"}
    )

    class Meta:
        ordering = ["-number"]
        permissions = [
            ("activate_matcher", "Can activate a matcher configuration (four-eyes checker)")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="screening_one_active_matcher_configuration",
            )
        ]

    def __str__(self) -> str:
        state = "active" if self.is_active else ("approved" if self.approved_at else "candidate")
        return f"matcher configuration v{self.number} ({state})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= self.MUTABLE_FIELDS:
                raise ValueError("a matcher configuration is immutable; make a new version")
        super().save(*args, **kwargs)


class SubjectKind(models.TextChoices):
    CUSTOMER = "customer", "Customer (individual)"
    UBO = "ubo", "Beneficial owner"
    ENTITY_NAME = "entity_name", "Entity customer's name"
    WALLET = "wallet", "Customer's wallet"
    COUNTERPARTY = "counterparty", "Transaction counterparty"


class ScreeningHit(PublicModel):
    """A potential match of a customer (or its owner, wallet, counterparty) to a listed entry."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PENDING_CONFIRMATION = (
            "pending_confirmation",
            "True match proposed, awaiting second officer",
        )
        TRUE_MATCH = "true_match", "True match (confirmed)"
        FALSE_POSITIVE = "false_positive", "False positive"
        CLOSED_ENTRY_REMOVED = "closed_entry_removed", "Closed: entry removed from the list"

    class Origin(models.TextChoices):
        ONBOARDING = "onboarding", "Onboarding"
        PROFILE_CHANGE = "profile_change", "Profile change"
        LIST_UPDATE = "list_update", "List update (delta rescreen)"
        WALLET = "wallet", "Wallet registered"
        TRANSACTION = "transaction", "Transaction counterparty"
        MANUAL = "manual", "Manual rescreen"

    SubjectKind = SubjectKind
    UNDECIDED = (Status.OPEN, Status.PENDING_CONFIRMATION)

    customer = models.ForeignKey(
        "kyc.Customer", on_delete=models.PROTECT, related_name="screening_hits"
    )
    subject_kind = models.CharField(max_length=12, choices=SubjectKind.choices)
    subject_key = models.CharField(
        max_length=120, help_text="Which of the customer's names or addresses matched."
    )
    subject_name = models.CharField(max_length=500, help_text="The name or address screened.")
    beneficial_owner = models.ForeignKey(
        "kyc.BeneficialOwner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    wallet = models.ForeignKey(
        "kyc.CustomerWallet", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transaction_ref = models.CharField(max_length=100, blank=True)
    entry = models.ForeignKey(WatchlistEntry, on_delete=models.PROTECT, related_name="hits")
    list_version = models.ForeignKey(WatchlistVersion, on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(max_length=16, choices=Origin.choices)
    score = models.DecimalField(max_digits=5, decimal_places=4)
    matched_name = models.CharField(max_length=500)
    reasons = models.JSONField(default=list)
    # What was screened, as hashed when the hit was raised: a false-positive decision is
    # remembered against exactly this pair of contents.
    subject_fingerprint = models.CharField(max_length=64)
    entry_fingerprint = models.CharField(max_length=64)
    status = models.CharField(
        max_length=22, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Reason given with the (first) decision.")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["customer", "status"])]
        constraints = [
            # One undecided hit per subject and entry: rescreens never pile up duplicates.
            models.UniqueConstraint(
                fields=["customer", "subject_key", "entry"],
                condition=Q(status__in=["open", "pending_confirmation"]),
                name="screening_hit_one_undecided_per_pair",
            )
        ]
        permissions = [("confirm_match", "Confirm a true match (second officer)")]

    def __str__(self) -> str:
        return f"{self.subject_name} ~ {self.entry.list_code} {self.entry.entry_id} ({self.score})"

    @property
    def is_undecided(self) -> bool:
        return self.status in self.UNDECIDED


class FalsePositiveMemory(TimeStamped):
    """A customer-entry pair an officer cleared: it does not alert again while neither the
    customer's screened data nor the entry changes (both fingerprints are kept)."""

    customer = models.ForeignKey("kyc.Customer", on_delete=models.PROTECT, related_name="+")
    subject_key = models.CharField(max_length=120)
    entry = models.ForeignKey(WatchlistEntry, on_delete=models.PROTECT, related_name="+")
    customer_fingerprint = models.CharField(max_length=64)
    entry_fingerprint = models.CharField(max_length=64)
    hit = models.ForeignKey(ScreeningHit, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "false positive memory"
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "subject_key", "entry"], name="screening_fp_memory_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_key} is not {self.entry_id}"

    def still_applies(self, *, customer_fingerprint: str, entry_fingerprint: str) -> bool:
        return (
            self.customer_fingerprint == customer_fingerprint
            and self.entry_fingerprint == entry_fingerprint
        )
