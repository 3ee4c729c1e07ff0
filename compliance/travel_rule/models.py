"""Travel-rule records (FATF R.16): counterparty VASPs, policy rows, transfers, the messages
exchanged (kept as evidence) and customers' declarations of their own wallets.

Messages and declarations are append-only: a correction is a new row. Bodies that carry
identity data are stored encrypted (``core.pii``) beside a redacted copy for display.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import PublicModel


class Protocol(models.TextChoices):
    TRP = "trp", "TRP (OpenVASP Travel Rule Protocol)"
    SANDBOX = "sandbox", "Sandbox counterparty (demo and tests)"
    NONE = "none", "Cannot receive travel-rule data"


class Vasp(PublicModel):
    """A counterparty exchange (or our own record, ``is_self``) in the VASP directory."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    jurisdiction = models.CharField(max_length=2, help_text="ISO 3166 alpha-2")
    licence_number = models.CharField(max_length=100, blank=True)
    regulator = models.CharField(max_length=200, blank=True)
    lei = models.CharField(max_length=20, blank=True, help_text="ISO 17442 Legal Entity Identifier")
    protocol = models.CharField(max_length=10, choices=Protocol.choices, default=Protocol.TRP)
    endpoint = models.URLField(
        max_length=500, blank=True, help_text="TRP base URL; inquiries go to travel addresses."
    )
    public_key = models.TextField(
        blank=True, help_text="PEM Ed25519 public key that signs this VASP's messages."
    )
    certificate = models.TextField(blank=True, help_text="PEM client certificate (mutual TLS).")
    is_self = models.BooleanField(default=False, help_text="This record describes us.")
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "VASP"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_self"], condition=Q(is_self=True), name="tr_one_self"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.jurisdiction})"


class Action(models.TextChoices):
    PROCEED = "proceed", "Proceed and record"
    REVIEW = "review", "Hold for an officer's review"
    BLOCK = "block", "Block"


class TravelRulePolicy(models.Model):
    """One jurisdiction's travel-rule settings (``*`` is the default row); edited as a new
    version that a second person activates (four-eyes), like monitoring rules.

    The threshold of the counterparty's jurisdiction decides whether it expects data; ours
    (``PK``, else ``*``) decides what we must send and keep, and how we treat sunrise cases,
    unhosted wallets and incoming data.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed (awaiting a checker)"
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    jurisdiction = models.CharField(max_length=2, help_text="ISO 3166 alpha-2, or * for default")
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    rule_in_force = models.BooleanField(
        default=True, help_text="The jurisdiction has enacted the travel rule (else: sunrise)."
    )
    threshold_amount = models.DecimalField(max_digits=18, decimal_places=2)
    threshold_currency = models.CharField(max_length=3, default="PKR")
    sunrise_action = models.CharField(
        max_length=10,
        choices=Action.choices,
        default=Action.PROCEED,
        help_text="Counterparty in a jurisdiction without the rule, or unable to receive.",
    )
    unknown_vasp_action = models.CharField(
        max_length=10,
        choices=Action.choices,
        default=Action.REVIEW,
        help_text="Counterparty not in the VASP directory.",
    )
    unhosted_declaration_min_pkr = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        default=0,
        help_text="Unhosted wallet at or above this: the customer's ownership declaration.",
    )
    unhosted_proof_min_pkr = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        default=1000000,
        help_text="Unhosted wallet at or above this: a signed-message proof of control.",
    )
    incoming_mismatch_action = models.CharField(
        max_length=10,
        choices=Action.choices,
        default=Action.REVIEW,
        help_text="Received data does not match our customer (name, wallet).",
    )
    incoming_sanctions_action = models.CharField(
        max_length=10,
        choices=Action.choices,
        default=Action.BLOCK,
        help_text="Received originator or wallet is on a sanctions list.",
    )
    counterparty_sla_hours = models.PositiveIntegerField(
        default=4, help_text="How long a withdrawal may wait for the counterparty's answer."
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

    class Meta:
        verbose_name_plural = "travel-rule policies"
        ordering = ["jurisdiction", "-version"]
        permissions = [("activate_policy", "Can activate a travel-rule policy (checker)")]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "version"], name="tr_policy_version_unique"
            ),
            models.UniqueConstraint(
                fields=["jurisdiction"], condition=Q(status="active"), name="tr_policy_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} v{self.version} ({self.status})"


class TravelAddress(PublicModel):
    """A TRP Travel Address we gave a customer to receive into (the token is its URL path)."""

    customer = models.ForeignKey(
        "kyc.Customer", on_delete=models.PROTECT, related_name="travel_addresses"
    )
    token = models.CharField(max_length=64, unique=True)
    wallet_address = models.CharField(max_length=128, blank=True)

    def __str__(self) -> str:
        return self.token


class Transfer(PublicModel):
    """One crypto transfer under the travel rule, outgoing (we are the originating VASP) or
    incoming (we are the beneficiary VASP)."""

    class Direction(models.TextChoices):
        OUTGOING = "outgoing", "Outgoing"
        INCOMING = "incoming", "Incoming"

    class Status(models.TextChoices):
        NOT_REQUIRED = "not_required", "Not required"
        READY = "ready", "Ready: the withdrawal may proceed"
        AWAITING = "awaiting_counterparty", "Awaiting the counterparty"
        REVIEW = "review", "Held for an officer"
        REJECTED = "rejected", "Rejected"
        ACCEPTED = "accepted", "Accepted (incoming)"

    class WalletKind(models.TextChoices):
        HOSTED = "hosted", "Hosted by a VASP"
        UNHOSTED = "unhosted", "Self-hosted (unhosted)"

    direction = models.CharField(max_length=10, choices=Direction.choices)
    external_id = models.CharField(max_length=100)
    customer = models.ForeignKey(
        "kyc.Customer", on_delete=models.PROTECT, related_name="travel_rule_transfers"
    )
    transaction = models.ForeignKey(
        "monitoring.Transaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="travel_rule_transfers",
    )
    asset = models.CharField(max_length=20)
    chain = models.CharField(max_length=20, blank=True)
    amount = models.DecimalField(max_digits=50, decimal_places=18)
    amount_pkr = models.DecimalField(max_digits=20, decimal_places=2)
    originator_wallet = models.CharField(max_length=128, blank=True)
    beneficiary_wallet = models.CharField(max_length=128, blank=True)
    wallet_kind = models.CharField(
        max_length=10, choices=WalletKind.choices, default=WalletKind.HOSTED
    )
    counterparty_vasp = models.ForeignKey(
        Vasp, null=True, blank=True, on_delete=models.PROTECT, related_name="transfers"
    )
    counterparty_name = models.CharField(max_length=200, blank=True, help_text="As named to us.")
    travel_address = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=24, choices=Status.choices)
    reasons = models.JSONField(default=list, blank=True)
    policy = models.ForeignKey(
        TravelRulePolicy, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The identity data: encrypted (it carries ID numbers), with a redacted copy to show.
    ivms101_encrypted = models.TextField(blank=True, editable=False)
    ivms101_redacted = models.JSONField(default=dict, blank=True)
    originator_name = models.CharField(max_length=200, blank=True)
    beneficiary_name = models.CharField(max_length=200, blank=True)
    request_hash = models.CharField(max_length=64, editable=False)
    request_identifier = models.CharField(max_length=64, blank=True, db_index=True)
    # Delivery (outgoing TRP): attempts with backoff; SLA for the counterparty's answer.
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    confirm_url = models.CharField(max_length=500, blank=True, help_text="TRP approval callback.")
    approved_address = models.CharField(max_length=128, blank=True)
    txid = models.CharField(max_length=128, blank=True)
    screening = models.JSONField(default=dict, blank=True, help_text="Incoming: screening hits.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "external_id"], name="tr_transfer_external_id"
            )
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="tr_transfer_queue"),
            models.Index(fields=["customer", "created_at"], name="tr_transfer_customer"),
            models.Index(
                fields=["beneficiary_wallet"],
                condition=Q(direction="incoming", transaction__isnull=True),
                name="tr_transfer_unmatched_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.external_id} ({self.status})"


class AwaitingTransfer(Transfer):
    """The officers' queue: transfers waiting for a counterparty or held for review."""

    class Meta:
        proxy = True
        verbose_name = "transfer awaiting counterparty data"
        verbose_name_plural = "queue: transfers awaiting counterparty data"


class Message(models.Model):
    """One protocol message sent or received, kept as evidence (append-only)."""

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", "Transfer inquiry"
        RESOLUTION = "resolution", "Inquiry resolution (approve/reject)"
        CONFIRMATION = "confirmation", "Transfer confirmation (txid/canceled)"
        SUNRISE = "sunrise", "Sunrise record (no counterparty channel)"

    class Direction(models.TextChoices):
        SENT = "sent", "Sent"
        RECEIVED = "received", "Received"

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    protocol = models.CharField(max_length=10, choices=Protocol.choices)
    protocol_version = models.CharField(max_length=20, blank=True)
    request_identifier = models.CharField(max_length=64, blank=True)
    url = models.CharField(max_length=500, blank=True)
    http_status = models.PositiveIntegerField(null=True, blank=True)
    body_encrypted = models.TextField(blank=True, editable=False)
    body_redacted = models.JSONField(default=dict, blank=True)
    body_sha256 = models.CharField(max_length=64, blank=True)
    signature = models.TextField(blank=True)
    signature_valid = models.BooleanField(null=True, blank=True)
    attempt = models.PositiveIntegerField(default=1)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["transfer", "created_at"], name="tr_message_transfer")]

    def __str__(self) -> str:
        return f"{self.direction} {self.kind} ({self.http_status or self.error or 'ok'})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("a travel-rule message is evidence: it is never changed")
        super().save(*args, **kwargs)


class OwnershipDeclaration(PublicModel):
    """A customer's statement that an unhosted wallet is theirs (or whose it is), with an
    optional signed-message proof of control (append-only)."""

    class ProofMethod(models.TextChoices):
        NONE = "", "No proof"
        EIP191 = "eip191", "Ethereum personal_sign (EIP-191)"
        TRON = "tron", "TRON signMessageV2"

    customer = models.ForeignKey(
        "kyc.Customer", on_delete=models.PROTECT, related_name="wallet_declarations"
    )
    transfer = models.ForeignKey(
        Transfer, null=True, blank=True, on_delete=models.PROTECT, related_name="declarations"
    )
    chain = models.CharField(max_length=20)
    address = models.CharField(max_length=128)
    is_own_wallet = models.BooleanField(default=True)
    owner_name = models.CharField(max_length=200, blank=True, help_text="If not the customer.")
    proof_method = models.CharField(
        max_length=10, choices=ProofMethod.choices, default="", blank=True
    )
    proof_message = models.TextField(blank=True)
    proof_signature = models.CharField(max_length=200, blank=True)
    proof_verified = models.BooleanField(default=False)
    proof_error = models.CharField(max_length=200, blank=True)
    declared_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["customer", "chain", "address"], name="tr_declaration")]

    def __str__(self) -> str:
        return f"{self.chain}:{self.address} ({'proved' if self.proof_verified else 'declared'})"
