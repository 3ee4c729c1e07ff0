"""Delta rescreen: the entries a list version added or changed, against every customer.

The customers are indexed (in batches of ``ScreeningSettings.rescreen_batch_size`` customers,
which bounds a worker's memory) and each new or changed entry is the query, so a version adding
100 entries costs 100 searches per batch whatever the size of the list. Batches are independent:
the task fans them out over the screening workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import F
from django.utils import timezone

from compliance.screening.matcher import Party
from compliance.screening.matching import match_entries
from compliance.screening.models import ScreeningHit, ScreeningSettings, WatchlistVersion
from compliance.screening.selectors import active_matcher_config, entry_parties
from compliance.screening.services.hits import record_hits
from compliance.screening.subjects import customer_ranges, subjects_in_range
from core.actors import Actor

RESCREEN_ACTOR = Actor.automated("screening.rescreen")


@dataclass
class RescreenResult:
    entries: int = 0
    subjects: int = 0
    batches: int = 0
    hits: list[ScreeningHit] = field(default_factory=list)

    def add(self, other: RescreenResult) -> None:
        self.subjects += other.subjects
        self.batches += other.batches
        self.hits.extend(other.hits)


def delta_entries(version: WatchlistVersion) -> dict[int, Party]:
    """The entries this version added or changed that are still screened."""
    if not version.watchlist.is_active:
        return {}
    ids = version.entries_changed.filter(is_active=True).values_list("pk", flat=True)
    return entry_parties(list(ids))


def plan_rescreen(*, version: WatchlistVersion) -> list[tuple[Any, Any]]:
    """Customer ranges to rescreen ``version`` against; records the plan on the version."""
    entries = delta_entries(version)
    ranges = customer_ranges(ScreeningSettings.current().rescreen_batch_size) if entries else []
    WatchlistVersion.objects.filter(pk=version.pk).update(
        rescreen_started_at=timezone.now(),
        rescreen_finished_at=None if ranges else timezone.now(),
        rescreen_entries=len(entries),
        rescreen_batches=len(ranges),
        rescreen_batches_done=0,
        rescreen_subjects=0,
        rescreen_hits=0,
    )
    return ranges


def rescreen_range(
    *,
    version: WatchlistVersion,
    after: Any = None,
    upto: Any = None,
    entries: dict[int, Party] | None = None,
    actor: Actor = RESCREEN_ACTOR,
) -> RescreenResult:
    """One batch: the customers in ``(after, upto]`` against the version's delta."""
    entries = delta_entries(version) if entries is None else entries
    subjects = subjects_in_range(after, upto) if entries else []
    found = match_entries(entries, subjects, config=active_matcher_config())
    hits = record_hits(
        found, origin=ScreeningHit.Origin.LIST_UPDATE, actor=actor, version_id=version.pk
    )
    WatchlistVersion.objects.filter(pk=version.pk).update(
        rescreen_subjects=F("rescreen_subjects") + len(subjects),
        rescreen_hits=F("rescreen_hits") + len(hits),
        rescreen_batches_done=F("rescreen_batches_done") + 1,
    )
    WatchlistVersion.objects.filter(
        pk=version.pk, rescreen_batches_done__gte=F("rescreen_batches")
    ).update(rescreen_finished_at=timezone.now())
    return RescreenResult(entries=len(entries), subjects=len(subjects), batches=1, hits=hits)


def rescreen_version(*, version: WatchlistVersion, actor: Actor = RESCREEN_ACTOR) -> RescreenResult:
    """The whole delta rescreen in this process, batch after batch (commands, benchmarks)."""
    ranges = plan_rescreen(version=version)
    entries = delta_entries(version) if ranges else {}
    result = RescreenResult(entries=len(entries))
    for after, upto in ranges:
        result.add(
            rescreen_range(version=version, after=after, upto=upto, entries=entries, actor=actor)
        )
    return result
