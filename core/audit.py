"""The one writer of the audit trail, and the chain verifier.

Each event's hash covers its content and the previous event's hash, so any edit or deletion
breaks the chain from that point on. Writers serialize on a PostgreSQL advisory lock so the
chain stays linear under concurrency.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from core.actors import Actor
from core.middleware import current_request_id
from core.models import AuditEvent

GENESIS_HASH = "0" * 64
_ADVISORY_LOCK_KEY = 7_461_221  # arbitrary constant naming the audit chain lock


def to_json_safe(value: Any) -> Any:
    """Round-trip through JSON so what we hash is exactly what the JSONField stores."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def event_digest(*, prev_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    occurred = event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    return {
        "occurred_at": occurred,
        "actor_type": event.actor_type,
        "actor_user": event.actor_user_id,
        "actor_api_key": str(event.actor_api_key_id) if event.actor_api_key_id else None,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "request_id": event.request_id,
    }


@dataclass(frozen=True)
class Entry:
    """One event to record; see ``record``."""

    actor: Actor
    action: str
    obj: models.Model | None = None
    before: dict | None = None
    after: dict | None = None
    reason: str = ""


def _lock_chain() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])


def _build(entry: Entry, prev_hash: str, now: datetime, request_id: str) -> AuditEvent:
    obj = entry.obj
    actor = entry.actor
    event = AuditEvent(
        occurred_at=now,
        actor_type=actor.kind,
        actor_user=actor.user,
        actor_api_key=actor.api_key,
        actor_label=actor.label[:200],
        action=entry.action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        before=to_json_safe(entry.before),
        after=to_json_safe(entry.after),
        reason=entry.reason or "",
        request_id=request_id,
        prev_hash=prev_hash,
    )
    event.hash = event_digest(prev_hash=prev_hash, fields=_hashed_fields(event))
    return event


@transaction.atomic
def record_many(entries: Iterable[Entry]) -> list[AuditEvent]:
    """Record several events in one locked append (batch paths: monitoring, rescreens)."""
    entries = list(entries)
    if not entries:
        return []
    _lock_chain()
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    prev_hash = last or GENESIS_HASH
    now = timezone.now()
    request_id = current_request_id()
    events = []
    for entry in entries:
        event = _build(entry, prev_hash, now, request_id)
        prev_hash = event.hash
        events.append(event)
    return AuditEvent.objects.bulk_create(events)


def record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event: who (actor) did what (action) to which object, and why."""
    entry = Entry(actor=actor, action=action, obj=obj, before=before, after=after, reason=reason)
    return record_many([entry])[0]


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    problem: str

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def verify_chain(events: Iterator[AuditEvent] | None = None) -> ChainReport:
    """Recompute every hash in order; report the first event whose link does not hold."""
    if events is None:
        events = AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
    prev_hash = GENESIS_HASH
    checked = 0
    for event in events:
        if event.prev_hash != prev_hash:
            return ChainReport(checked, event.pk, "previous-hash link does not match")
        expected = event_digest(prev_hash=prev_hash, fields=_hashed_fields(event))
        if expected != event.hash:
            return ChainReport(checked, event.pk, "content does not match its hash")
        prev_hash = event.hash
        checked += 1
    return ChainReport(checked, None, "")


def events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
