"""The customer network, stored in PostgreSQL: link keys, who holds them, and money flows.

The graph is bipartite: a customer is linked to a key (a device, a phone, a wallet ...) for a
reason (``Link.reason``), since ``first_seen``; two customers are neighbours when they hold the
same key. External counterparties (wallets, IBANs, bank accounts) are keys too, reached by
money: ``MoneyFlow`` keeps one row per transaction that moved value to or from one, and to or
from another customer (a key of kind ``customer``), so the typologies can count payers within a
window.

Every write is an upsert that commutes: ``first_seen`` only moves earlier, ``last_seen`` only
later, a flow row is keyed by its transaction. Whatever order the onboarding and monitoring
events arrive in, and however often they are replayed, the rows end up the same.

Super-nodes: ``LinkKey.holders`` counts the customers linked to a key. A key held by
``NETWORK_SUPER_NODE_HOLDERS`` customers or more (a carrier NAT IP, an exchange's hot wallet)
keeps being recorded but is never expanded by the neighbourhood queries nor evaluated by the
typologies.
"""

from __future__ import annotations

from django.db import models

from compliance.network.identifiers import Kind
from core.lookups import register_any


class LinkKey(models.Model):
    """A normalized identifier: the hash of its value, a label safe to show, its holders."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=12, choices=Kind.CHOICES)
    digest = models.CharField(max_length=64, help_text="Keyed hash of the normalized value.")
    label = models.CharField(max_length=120, help_text="Masked for personal data.")
    holders = models.PositiveIntegerField(default=0, help_text="Customers linked to this key.")
    customer = models.ForeignKey(
        "kyc.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For keys of kind customer: the customer paid or paying.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "digest"], name="network_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}"


class Link(models.Model):
    """A customer holds a key, for a reason, since ``first_seen`` (event time)."""

    class Reason(models.TextChoices):
        ONBOARDING_DEVICE = "onboarding_device", "same onboarding device"
        ONBOARDING_IP = "onboarding_ip", "same onboarding IP"
        DEVICE = "device", "same device"
        IP = "ip", "same IP address"
        MOBILE = "mobile", "same mobile number"
        EMAIL = "email", "same e-mail"
        ADDRESS = "address", "same address"
        ID_NUMBER = "id_number", "same ID number"
        OWNER_ID = "owner_id", "same beneficial owner"
        OWN_WALLET = "own_wallet", "declared wallet"
        PAID_TO = "paid_to", "paid"
        RECEIVED_FROM = "received_from", "received from"

    id = models.BigAutoField(primary_key=True)
    customer = models.ForeignKey("kyc.Customer", on_delete=models.PROTECT, related_name="+")
    key = models.ForeignKey(LinkKey, on_delete=models.PROTECT, related_name="links")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    first_seen = models.DateTimeField(help_text="Since when (the earliest event).")
    last_seen = models.DateTimeField()
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="A profile value since replaced (kept as history)."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "key", "reason"], name="network_link_unique"
            )
        ]
        indexes = [models.Index(fields=["key", "customer"], name="network_link_key")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.reason} {self.key_id}"


class MoneyFlow(models.Model):
    """One transaction's value to or from a counterparty key, for the windowed typologies."""

    class Direction(models.TextChoices):
        OUT = "out", "customer pays the counterparty"
        IN = "in", "counterparty pays the customer"

    id = models.BigAutoField(primary_key=True)
    transaction = models.OneToOneField(
        "monitoring.Transaction", on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey("kyc.Customer", on_delete=models.PROTECT, related_name="+")
    key = models.ForeignKey(LinkKey, on_delete=models.PROTECT, related_name="flows")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    occurred_at = models.DateTimeField()
    amount_pkr = models.DecimalField(max_digits=20, decimal_places=2)

    class Meta:
        indexes = [
            models.Index(fields=["key", "direction", "occurred_at"], name="network_flow_key"),
            models.Index(fields=["customer", "occurred_at"], name="network_flow_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.direction} {self.key_id} PKR {self.amount_pkr}"


class RingMember(models.Model):
    """Every customer a network alert names (the alert itself sits on one of them)."""

    alert = models.ForeignKey(
        "monitoring.Alert", on_delete=models.PROTECT, related_name="ring_members"
    )
    customer = models.ForeignKey("kyc.Customer", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "customer"], name="network_ring_member")
        ]
        indexes = [models.Index(fields=["customer"], name="network_ring_customer")]

    def __str__(self) -> str:
        return f"{self.customer_id} in {self.alert_id}"


for _model, _names in (
    (LinkKey, ("id", "digest", "customer")),
    (Link, ("customer", "key")),
    (MoneyFlow, ("customer", "key", "transaction")),
    (RingMember, ("alert", "customer")),
):
    register_any(_model, *_names)
