"""Poison isolation: an item that makes a batch fail is set aside; the rest of the batch runs.

``run_isolating`` runs a batch; when it raises, the batch is split in halves and each half run
again, down to single items. A single item that still raises is recorded in the dead-letter
table (``DeadLetter``) with its error, the owner's ``park`` hook takes it out of its pipeline
(so a sweeper does not put it back forever), and the officers see it in the admin with a retry
action. Errors that say nothing about the items (a database restart, a lost connection) are
raised as they are, for the task's own retry.

The owners of item kinds register their retry with ``register`` (in their ``AppConfig.ready``
or at import of their tasks module); core never imports them.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from core import audit
from core.actors import Actor
from core.models import DeadLetter

logger = logging.getLogger(__name__)
# Failures of the platform, not of an item: the task retries the whole batch later.
TRANSIENT: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)

_retry_handlers: dict[str, Callable[[list[str]], Any]] = {}


def register(kind: str, *, retry: Callable[[list[str]], Any]) -> None:
    """``retry(item_ids)`` puts the items back into their pipeline (enqueue, re-run)."""
    _retry_handlers[kind] = retry


@dataclass
class Isolated:
    """The results of the batch parts that ran, and the items set aside."""

    results: list[Any] = field(default_factory=list)
    poisoned: list[str] = field(default_factory=list)


def run_isolating(
    kind: str,
    items: Sequence,
    run: Callable[[list], Any],
    *,
    park: Callable[[list[str]], Any] | None = None,
    key: Callable[[Any], str] = str,
    transient: tuple[type[BaseException], ...] = TRANSIENT,
) -> Isolated:
    """Run ``run(items)``; if it raises, bisect until the failing items are alone, record them.

    ``run`` must be atomic (its writes roll back when it raises), so a part can run again.
    ``key(item)`` names an item in the dead-letter table (``str`` for ids).
    """
    outcome = Isolated()
    pending: list[list] = [list(items)] if items else []
    while pending:
        part = pending.pop()
        try:
            outcome.results.append(run(part))
        except transient:
            raise
        except Exception as exc:  # noqa: BLE001 - any item-made failure is isolated
            if len(part) > 1:
                middle = len(part) // 2
                pending += [part[middle:], part[:middle]]
                continue
            item_id = key(part[0])
            logger.warning("%s %s set aside: %r", kind, item_id, exc)
            record(kind, item_id, exc)
            outcome.poisoned.append(item_id)
    if outcome.poisoned and park is not None:
        park(outcome.poisoned)
    return outcome


def record(kind: str, item_id: str, exc: BaseException) -> DeadLetter:
    """Set one item aside with its error (reopens the row if the item failed before)."""
    now = timezone.now()
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    details = "".join(traceback.format_exception(exc))[-8000:]
    with transaction.atomic():
        letter, created = DeadLetter.objects.select_for_update().get_or_create(
            kind=kind,
            item_id=item_id,
            defaults={"error": error, "details": details, "last_failed_at": now},
        )
        if not created:
            letter.status = DeadLetter.Status.OPEN
            letter.error, letter.details, letter.last_failed_at = error, details, now
            letter.attempts += 1
            letter.save()
    return letter


def open_item_ids(kind: str) -> list[str]:
    """Items of ``kind`` set aside and not yet retried (a sweep leaves them out)."""
    return list(
        DeadLetter.objects.filter(kind=kind, status=DeadLetter.Status.OPEN).values_list(
            "item_id", flat=True
        )
    )


def retry(letters: Iterable[DeadLetter], *, actor: Actor) -> int:
    """An officer puts open items back into their pipeline; audited. Returns how many."""
    by_kind: dict[str, list[DeadLetter]] = {}
    for letter in letters:
        if letter.status == DeadLetter.Status.OPEN and letter.kind in _retry_handlers:
            by_kind.setdefault(letter.kind, []).append(letter)
    now = timezone.now()
    done = 0
    for kind, chosen in by_kind.items():
        with transaction.atomic():
            ids = [letter.pk for letter in chosen]
            DeadLetter.objects.filter(pk__in=ids, status=DeadLetter.Status.OPEN).update(
                status=DeadLetter.Status.RETRIED, retried_at=now, retried_by=actor.label
            )
            audit.record_many(
                audit.Entry(
                    actor=actor,
                    action="dead_letter.retried",
                    obj=letter,
                    before={"status": DeadLetter.Status.OPEN, "error": letter.error},
                    after={"status": DeadLetter.Status.RETRIED, "attempts": letter.attempts},
                )
                for letter in chosen
            )
            handler = _retry_handlers[kind]
            item_ids = [letter.item_id for letter in chosen]
            transaction.on_commit(lambda h=handler, i=item_ids: h(i))
        done += len(chosen)
    return done
