"""Transaction monitoring records: transactions, rules as versioned data, alerts, checks, backtests.

The rules themselves run in ``compliance.monitoring.typologies`` (plain Python); this module only
stores what they need and what they found.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.lookups import register_any
from core.models import PublicModel

SEVERITIES = ("low", "medium", "high", "critical")


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class Transaction(PublicModel):
    """One deposit, trade, transfer or withdrawal the exchange reported.

    Outbox: a row is written ``pending`` with ``enqueued_at`` set, in the same database
    transaction, so the row *is* the "evaluation due" mark. ``on_commit`` enqueues it; the beat
    sweeper re-enqueues anything still pending long after ``enqueued_at`` (lost enqueue, broker
    outage, killed worker). Evaluation locks the row, runs the rules and sets ``screened``.

    Indexes serve the rules' per-customer time windows (``customer, occurred_at``), the sweeper
    (a partial index over the few pending rows) and sanctions look-backs (wallets, partial).
    ``created_at`` carries no index here: nothing filters on it and every index costs inserts.

    Partitioning plan (PostgreSQL, when the table passes a few hundred million rows): declare
    the table ``PARTITION BY RANGE (occurred_at)`` with one partition per calendar month (UTC)
    and a default partition for stragglers; a beat task creates the next two months ahead.
    Every window query already filters on ``occurred_at``, so it touches one or two partitions,
    and old months detach to cheap storage after the 10-year retention without a DELETE. A
    partitioned table's unique constraints must contain the partition key, so the primary key
    becomes ``(id, occurred_at)`` and global ``external_id`` uniqueness (idempotency) moves to a
    small unpartitioned ``transaction_key (external_id PK, transaction_id, occurred_at,
    request_hash)`` table written in the same insert; foreign keys to a transaction
    (``AlertTransaction``) become ``(transaction_id, occurred_at)``. The migration builds the
    partitioned table beside this one, copies month by month, and swaps names in one short
    transaction.
    """

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", "Deposit"
        WITHDRAWAL = "withdrawal", "Withdrawal"
        TRADE_BUY = "trade_buy", "Trade (buy)"
        TRADE_SELL = "trade_sell", "Trade (sell)"
        TRANSFER_IN = "transfer_in", "Transfer in"
        TRANSFER_OUT = "transfer_out", "Transfer out"
        P2P = "p2p", "Peer to peer"

    class Channel(models.TextChoices):
        BANK = "bank", "Bank"
        CASH = "cash", "Cash"
        CARD = "card", "Card"
        CRYPTO = "crypto", "Crypto"
        INTERNAL = "internal", "Internal"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SCREENED = "screened", "Screened"

    created_at = models.DateTimeField(auto_now_add=True)  # no index: see the docstring
    external_id = models.CharField(max_length=100, unique=True)
    customer = models.ForeignKey(
        "kyc.Customer", on_delete=models.PROTECT, related_name="transactions", db_index=False
    )  # indexed with occurred_at below
    kind = models.CharField(max_length=12, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    asset = models.CharField(max_length=20)
    amount = models.DecimalField(max_digits=50, decimal_places=30)
    amount_pkr = models.DecimalField(max_digits=20, decimal_places=2)
    occurred_at = models.DateTimeField()

    counterparty = models.JSONField(default=dict, blank=True)
    originator = models.JSONField(default=dict, blank=True, help_text="ID numbers encrypted.")
    beneficiary = models.JSONField(default=dict, blank=True, help_text="ID numbers encrypted.")
    # Extracted from the JSON for the rules (and for SQL when a wallet is newly listed).
    counterparty_key = models.CharField(max_length=200, blank=True)
    counterparty_name = models.CharField(max_length=200, blank=True)
    counterparty_account = models.CharField(max_length=64, blank=True)
    counterparty_wallet = models.CharField(max_length=128, blank=True)
    counterparty_chain = models.CharField(max_length=20, blank=True)
    counterparty_country = models.CharField(max_length=2, blank=True)
    counterparty_vasp = models.CharField(max_length=100, blank=True)
    has_originator = models.BooleanField(default=False)
    has_beneficiary = models.BooleanField(default=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    device_id = models.CharField(max_length=200, blank=True)

    request_hash = models.CharField(
        max_length=64, editable=False, help_text="SHA-256 of the normalized request (idempotency)."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["customer", "occurred_at"], name="monitoring_tx_customer_time"),
            models.Index(
                fields=["enqueued_at"],
                condition=Q(status="pending"),
                name="monitoring_tx_pending",
            ),
            models.Index(
                fields=["counterparty_wallet"],
                condition=~Q(counterparty_wallet=""),
                name="monitoring_tx_wallet",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} {self.kind} PKR {self.amount_pkr}"


class Rule(PublicModel):
    """A monitoring rule: what it is called and whether it runs; *how* it runs is a version.

    ``active_version`` is the approved version that runs: it raises alerts while the rule is
    ``active`` and only records would-be alerts while it is ``shadow``. ``shadow_version`` is a
    candidate that runs next to the live version without raising anything, to compare before
    it is activated.
    """

    class Kind(models.TextChoices):
        TEMPLATE = "template", "Typology template"
        EXPRESSION = "expression", "CEL expression"
        NETWORK = "network", "Network typology (customer graph)"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SHADOW = "shadow", "Shadow (records, does not raise)"
        DISABLED = "disabled", "Disabled"

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    typology = models.CharField(max_length=40, db_index=True, help_text="Typology code alerted.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DISABLED, db_index=True
    )
    active_version = models.ForeignKey(
        "RuleVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shadow_version = models.ForeignKey(
        "RuleVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        permissions = [("activate_rule", "Can activate a rule version (four-eyes checker)")]

    def __str__(self) -> str:
        return self.code

    @property
    def latest_version(self) -> RuleVersion | None:
        return self.versions.order_by("-number").first()


class RuleVersion(models.Model):
    """One immutable version of a rule. Editing a rule adds a version; activating one needs a
    second person (the checker) with ``monitoring.activate_rule``."""

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    template = models.CharField(max_length=40, blank=True, help_text="Typology template code.")
    expression = models.TextField(blank=True, help_text="CEL expression (expression rules).")
    params = models.JSONField(default=dict, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    blocking = models.BooleanField(
        default=False, help_text="Runs in /transactions/check/ and blocks when it fires."
    )
    note = models.TextField(blank=True, help_text="Why this version was made.")
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

    # Only the approval stamp may be written after creation.
    MUTABLE_FIELDS = frozenset({"approved_by", "approved_by_label", "approved_at"})

    class Meta:
        ordering = ["rule", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "number"], name="monitoring_rule_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule.code} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= self.MUTABLE_FIELDS:
                raise ValueError("a rule version is immutable; edit the rule to add a version")
        super().save(*args, **kwargs)

    @property
    def definition(self) -> str:
        return self.expression if self.expression else f"{self.template} {self.params}"


class Superseded(models.TextChoices):
    MERGED = "merged", "Merged into the alert of the whole episode"
    WITHDRAWN = "withdrawn", "Withdrawn: with every transaction known the pattern does not hold"


class Alert(PublicModel):
    """A rule's finding about a customer: one pattern in one window, with its transactions.

    ``dedupe_key`` names the episode (scoped by rule); while an alert is not closed, later
    findings of the same episode attach to it instead of opening another.
    Shadow alerts (``is_shadow``) are what a shadow rule would have raised: kept for comparison,
    never shown in the queue or sent to the exchange.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_CASE = "in_case", "In a case"
        CLOSED = "closed", "Closed"

    customer = models.ForeignKey("kyc.Customer", on_delete=models.PROTECT, related_name="alerts")
    typology = models.CharField(max_length=40)
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="alerts")
    rule_version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="alerts")
    severity = models.CharField(max_length=10, choices=Severity.choices)
    score = models.DecimalField(max_digits=4, decimal_places=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    explanation = models.TextField()
    facts = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=300)
    is_shadow = models.BooleanField(default=False)
    finding_size = models.PositiveIntegerField(
        default=0, help_text="Transactions in the finding the explanation describes."
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    transactions = models.ManyToManyField(
        Transaction, through="AlertTransaction", related_name="alerts"
    )
    follows = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        help_text="The closed alert of the same episode that late transactions reopened.",
    )
    superseded = models.CharField(
        max_length=10,
        choices=Superseded.choices,
        blank=True,
        help_text="Closed by monitoring because late transactions changed the episode.",
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "is_shadow", "dedupe_key"],
                condition=~Q(status="closed"),
                name="monitoring_alert_one_open_per_episode",
            )
        ]
        indexes = [
            models.Index(fields=["customer", "status"], name="monitoring_alert_customer"),
            models.Index(fields=["status", "typology", "-created_at"], name="monitoring_alert_q"),
            models.Index(fields=["dedupe_key"], name="monitoring_alert_dedupe"),
        ]

    def __str__(self) -> str:
        return f"{self.typology} {self.severity} ({self.status})"


class AlertTransaction(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="links")
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "transaction"], name="monitoring_alert_tx_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} ← {self.transaction_id}"


class RuleFinding(models.Model):
    """What one rule version found at one transaction: the episode it belongs to and the
    transactions it covers. Alerts are the union of the findings of one episode, so when a late
    transaction changes the findings of the transactions after it, their alert is recomputed
    from these rows alone, whatever the order the transactions arrived in. Derived data, kept
    current by evaluation (a finding that no longer holds is removed); the alerts and their
    audit trail are the record."""

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="+")
    rule_version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="+")
    is_shadow = models.BooleanField(default=False)
    customer = models.ForeignKey("kyc.Customer", on_delete=models.PROTECT, related_name="+")
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(help_text="The transaction's, for event order.")
    external_id = models.CharField(max_length=100, help_text="The transaction's, for ties.")
    typology = models.CharField(max_length=40)
    dedupe_key = models.CharField(max_length=300)
    transaction_ids = models.JSONField(default=list)
    score = models.DecimalField(max_digits=4, decimal_places=3)
    explanation = models.TextField()
    facts = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rule_version", "is_shadow", "transaction"],
                name="monitoring_finding_one_per_tx",
            )
        ]
        indexes = [
            models.Index(fields=["dedupe_key"], name="monitoring_finding_episode"),
            models.Index(fields=["transaction"], name="monitoring_finding_tx"),
        ]

    def __str__(self) -> str:
        return f"{self.typology} at {self.transaction_id}"


class CheckAttempt(PublicModel):
    """A ``POST /transactions/check/``: the attempted transaction and the answer given."""

    class Decision(models.TextChoices):
        ALLOW = "allow", "Allow"
        REVIEW = "review", "Review"
        BLOCK = "block", "Block"

    external_id = models.CharField(max_length=100, blank=True, db_index=True)
    customer = models.ForeignKey(
        "kyc.Customer", on_delete=models.PROTECT, related_name="check_attempts"
    )
    kind = models.CharField(max_length=12, choices=Transaction.Kind.choices)
    channel = models.CharField(max_length=10, choices=Transaction.Channel.choices)
    asset = models.CharField(max_length=20)
    amount = models.DecimalField(max_digits=50, decimal_places=30)
    amount_pkr = models.DecimalField(max_digits=20, decimal_places=2)
    occurred_at = models.DateTimeField()
    counterparty = models.JSONField(default=dict, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reasons = models.JSONField(default=list, blank=True)
    duration_ms = models.DecimalField(max_digits=10, decimal_places=3, default=0)
    requested_by = models.CharField(max_length=200, blank=True)
    # Budget use and what the decision saw (rule versions, limits, totals), so it can be
    # reproduced; ``timed_out`` answers were given by the fail mode, not by the rules.
    budget_ms = models.DecimalField(max_digits=10, decimal_places=3, default=0)
    timed_out = models.BooleanField(default=False)
    request_hash = models.CharField(max_length=64, blank=True)
    seen = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # A replay (same external_id) finds the decided attempt it repeats.
            models.Index(
                fields=["customer", "external_id"],
                condition=Q(timed_out=False),
                name="monitoring_check_replay_idx",
            )
        ]

    def __str__(self) -> str:
        return f"check {self.external_id or self.pk}: {self.decision}"


class Hold(PublicModel):
    """What an allowed outgoing check reserves against the customer's daily and monthly limits.

    Live (``held`` and not yet past ``expires_at``) it counts like a posted transaction; its fate
    is one of: ``posted`` (the transaction with the same external_id arrived, and counts
    instead), ``released`` by the exchange, or ``expired`` (found by the sweeper; it stopped
    counting at ``expires_at`` whether or not the sweeper has run).
    """

    class Status(models.TextChoices):
        HELD = "held", "Held"
        POSTED = "posted", "Posted"
        RELEASED = "released", "Released"
        EXPIRED = "expired", "Expired"

    check_attempt = models.OneToOneField(
        CheckAttempt, on_delete=models.PROTECT, related_name="hold"
    )
    customer = models.ForeignKey("kyc.Customer", on_delete=models.PROTECT, related_name="holds")
    external_id = models.CharField(max_length=100)
    amount_pkr = models.DecimalField(max_digits=20, decimal_places=2)
    occurred_at = models.DateTimeField(help_text="The day and month whose limits it counts in.")
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=200, blank=True)
    posted_transaction = models.ForeignKey(
        Transaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posted_amount_pkr = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The check sums a customer's live holds by occurred_at (partial: few rows held).
            models.Index(
                fields=["customer", "occurred_at"],
                condition=Q(status="held"),
                name="monitoring_hold_live_idx",
            ),
            models.Index(
                fields=["external_id"], condition=Q(status="held"), name="monitoring_hold_ext_idx"
            ),
            models.Index(
                fields=["expires_at"], condition=Q(status="held"), name="monitoring_hold_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"hold {self.external_id}: {self.amount_pkr} ({self.status})"


class Backtest(PublicModel):
    """A rule version run over stored history, compared with the live version of its rule."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    rule_version = models.ForeignKey(
        RuleVersion, on_delete=models.PROTECT, related_name="backtests"
    )
    live_version = models.ForeignKey(
        RuleVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    date_from = models.DateTimeField()
    date_to = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by_label = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    transactions_evaluated = models.PositiveIntegerField(default=0)
    hits = models.PositiveIntegerField(default=0, help_text="Episodes (would-be alerts).")
    customers = models.PositiveIntegerField(default=0, help_text="Customers with a hit.")
    live_hits = models.PositiveIntegerField(default=0)
    live_customers = models.PositiveIntegerField(default=0)
    overlap_customers = models.PositiveIntegerField(
        default=0, help_text="Customers hit by both this version and the live one."
    )
    results = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"backtest {self.rule_version} {self.date_from:%Y-%m-%d}..{self.date_to:%Y-%m-%d}"


# Evaluation batches filter these on thousands of values at once (``field__any=[...]``).
register_any(Transaction, "customer")
register_any(RuleFinding, "transaction", "dedupe_key")
register_any(Alert, "dedupe_key")
