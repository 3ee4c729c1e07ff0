from __future__ import annotations

import uuid

from axes.models import AccessAttempt
from django.conf import settings
from django.db import models

from core import pii


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PublicModel(TimeStamped):
    """Objects the API exposes carry a UUID id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """Append-only, hash-chained record of every decision and change that matters.

    PostgreSQL refuses UPDATE and DELETE on this table (trigger, migration 0003);
    ``verify_audit_chain`` recomputes the chain and names the first broken link.
    """

    class ActorType(models.TextChoices):
        USER = "user"
        API_KEY = "api_key"
        SYSTEM = "system"

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor_type = models.CharField(max_length=10, choices=ActorType.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_api_key = models.ForeignKey(
        "core.ApiKey", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id", "id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_repr} by {self.actor_label}"


class ApiKey(PublicModel):
    """A key for a system (the exchange's backend, an inspection tool). Only a hash is stored."""

    SCOPES = (
        "customers:read",
        "customers:write",
        "transactions:read",
        "transactions:write",
        "screening",
        "alerts:read",
        "reports:read",
        "travel_rule:read",
        "travel_rule:write",
    )

    name = models.CharField(max_length=100, unique=True)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "API key"

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    # Tipping-off (AMLA 2010 s.34): filings are never readable with a key that was not issued
    # for them by name, so an exchange's all-scopes key cannot learn that an STR exists.
    EXPLICIT_ONLY = frozenset({"reports:read"})

    def has_scope(self, scope: str) -> bool:
        """``customers`` grants ``customers:read`` and ``customers:write``; ``*`` grants all
        but the explicit-only scopes (``reports:read``), which must be named."""
        granted = set(self.scopes)
        if scope in granted or (scope not in self.EXPLICIT_ONLY and "*" in granted):
            return True
        return scope not in self.EXPLICIT_ONLY and scope.split(":", 1)[0] in granted


class WebhookEndpoint(PublicModel):
    """Where the exchange wants to hear about events; configured by an Admin."""

    EVENT_TYPES = (
        "customer.status_changed",
        "customer.frozen",
        "alert.created",
        "transaction.screened",
    )

    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    # The signing secret, encrypted at rest (core.pii keys); shown once, when it is made.
    secret_encrypted = models.TextField(editable=False)
    # After a rotation the previous secret also signs until ``previous_secret_until``.
    previous_secret_encrypted = models.TextField(blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    secret_rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    event_types = models.JSONField(default=list, blank=True, help_text="Empty means every event.")
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.name} → {self.url}"

    @property
    def secret(self) -> str:
        return pii.decrypt(self.secret_encrypted) if self.secret_encrypted else ""

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = pii.encrypt(value)

    @property
    def previous_secret(self) -> str:
        return pii.decrypt(self.previous_secret_encrypted) if self.previous_secret_encrypted else ""

    def wants(self, event_type: str) -> bool:
        return self.is_active and (not self.event_types or event_type in self.event_types)


class WebhookDelivery(PublicModel):
    """One event for one endpoint: queued in the database, delivered by a task, retried."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"  # gave up after WEBHOOK_MAX_ATTEMPTS
        CANCELLED = "cancelled"  # the endpoint was deactivated before it went out

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries"
    )
    event_type = models.CharField(max_length=50, db_index=True)
    body = models.TextField(help_text="The exact JSON sent and signed.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint.name} ({self.status})"


class WebhookAttempt(models.Model):
    """The delivery log: every attempt with its outcome."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.PROTECT, related_name="log")
    attempted_at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["attempted_at"]

    def __str__(self) -> str:
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"


class ServiceHeartbeat(models.Model):
    """The last sign of life of a background process (a worker by host name, or beat)."""

    name = models.CharField(max_length=200, primary_key=True)
    kind = models.CharField(max_length=20)  # "worker" or "beat"
    seen_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["kind", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class DeadLetter(PublicModel):
    """An item that made a batch task fail, set aside so the rest of the batch proceeds.

    One row per (kind, item): a retry that fails again reopens it with the new error and one
    more attempt. Kept after it is resolved: the record of what failed and who retried it.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RETRIED = "retried", "Retried"

    kind = models.CharField(max_length=60, help_text="What failed, e.g. monitoring.transaction.")
    item_id = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    error = models.TextField(help_text="The exception the item raised, last time.")
    details = models.TextField(blank=True, help_text="Where it was raised (traceback).")
    attempts = models.PositiveIntegerField(default=1)
    last_failed_at = models.DateTimeField()
    retried_at = models.DateTimeField(null=True, blank=True)
    retried_by = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "item_id"], name="dead_letter_one_per_item")
        ]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.item_id} ({self.status})"


class LoginLockout(AccessAttempt):
    """Failed staff logins as django-axes counts them; the admin's Unlock lifts a lockout."""

    class Meta:
        proxy = True
        verbose_name = "login lockout"


class ClosureDate(models.Model):
    """A closure the holiday calendar does not know (announced Eid days, ad-hoc closures).

    Held in core so that every clock on the business calendar (case SLAs, filing deadlines)
    counts the same days; see ``core.business_calendar`` and ``core.selectors.closure_dates``.
    """

    date = models.DateField(unique=True)
    description = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.description}"


class SavedFilter(models.Model):
    """An officer's own saved view of a list page (its path and filter query), in the sidebar."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    name = models.CharField(max_length=80)
    path = models.CharField(max_length=300)
    query = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="core_saved_filter_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path
