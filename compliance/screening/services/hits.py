"""Storing what screening found as hits, and closing hits whose entry left its list.

A found match becomes a hit unless the same subject already has an undecided or confirmed hit
on that entry, or an officer cleared the pair as a false positive and neither side changed
since (``FalsePositiveMemory``). Batch paths: a few queries per call, whatever its size.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from compliance.screening.matching import Found
from compliance.screening.models import (
    FalsePositiveMemory,
    ScreeningHit,
    WatchlistEntry,
    WatchlistVersion,
)
from compliance.screening.signals import hits_recorded
from core import audit
from core.actors import Actor

BULK = 2000


def latest_versions(watchlist_ids) -> dict[int, int]:
    rows = (
        WatchlistVersion.objects.filter(watchlist_id__in=set(watchlist_ids))
        .values("watchlist_id")
        .annotate(latest=Max("id"))
    )
    return {r["watchlist_id"]: r["latest"] for r in rows}


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


@transaction.atomic
def record_hits(
    found: Sequence[Found],
    *,
    origin: str,
    actor: Actor,
    version_id: int | None = None,
    transaction_ref: str = "",
) -> list[ScreeningHit]:
    """New hits for ``found`` (duplicates and remembered false positives left out).

    ``version_id`` is the list version screened against (a delta rescreen's import); by default
    the latest version of each entry's list.
    """
    if not found:
        return []
    entry_ids = {f.entry_pk for f in found}
    customer_ids = {f.subject.customer_id for f in found}
    entries = {
        pk: (watchlist_id, fingerprint)
        # Active entries only: a worker's index may lag an import by a few seconds.
        for pk, watchlist_id, fingerprint in WatchlistEntry.objects.filter(
            pk__in=entry_ids, is_active=True
        ).values_list("pk", "watchlist_id", "fingerprint")
    }
    versions = {} if version_id is not None else latest_versions(w for w, _ in entries.values())
    standing = set(
        ScreeningHit.objects.filter(
            customer_id__in=customer_ids,
            entry_id__in=entry_ids,
            status__in=[*ScreeningHit.UNDECIDED, ScreeningHit.Status.TRUE_MATCH],
        ).values_list("customer_id", "subject_key", "entry_id")
    )
    memory = {
        (m.customer_id, m.subject_key, m.entry_id): m
        for m in FalsePositiveMemory.objects.filter(
            customer_id__in=customer_ids, entry_id__in=entry_ids
        )
    }
    hits: list[ScreeningHit] = []
    seen: set[tuple] = set()
    for f in sorted(found, key=lambda f: -f.match.score):
        pair = (f.subject.customer_id, f.subject.key, f.entry_pk)
        if pair in seen or pair in standing or f.entry_pk not in entries:
            continue
        seen.add(pair)
        watchlist_id, entry_fingerprint = entries[f.entry_pk]
        subject_fingerprint = f.subject.fingerprint()
        remembered = memory.get(pair)
        if remembered is not None and remembered.still_applies(
            customer_fingerprint=subject_fingerprint, entry_fingerprint=entry_fingerprint
        ):
            continue
        hits.append(
            ScreeningHit(
                customer_id=f.subject.customer_id,
                subject_kind=f.subject.kind,
                subject_key=f.subject.key,
                subject_name=_clip(f.subject.label, 500),
                beneficial_owner_id=f.subject.beneficial_owner_id,
                wallet_id=f.subject.wallet_id,
                transaction_ref=transaction_ref,
                entry_id=f.entry_pk,
                list_version_id=version_id or versions[watchlist_id],
                origin=origin,
                score=Decimal(str(round(f.match.score, 4))),
                matched_name=_clip(f.match.matched_name, 500),
                reasons=list(f.match.reasons),
                subject_fingerprint=subject_fingerprint,
                entry_fingerprint=entry_fingerprint,
            )
        )
    if not hits:
        return []
    # A concurrent screening may have stored the same pair meanwhile: the partial unique
    # constraint keeps one, and only the rows really inserted are audited and returned.
    ScreeningHit.objects.bulk_create(hits, batch_size=BULK, ignore_conflicts=True)
    stored = set(
        ScreeningHit.objects.filter(pk__in=[h.pk for h in hits]).values_list("pk", flat=True)
    )
    hits = [h for h in hits if h.pk in stored]
    audit.record_many(
        audit.Entry(
            actor=actor,
            action="screening.hit_created",
            obj=h,
            after={
                "customer": str(h.customer_id),
                "subject": h.subject_key,
                "entry": h.entry_id,
                "list_version": h.list_version_id,
                "score": str(h.score),
                "origin": h.origin,
            },
        )
        for h in hits
    )
    hit_ids = [str(h.pk) for h in hits]
    transaction.on_commit(lambda: hits_recorded.send(sender=ScreeningHit, hit_ids=hit_ids))
    return hits


@transaction.atomic
def close_hits_of_removed_entries(
    *, entry_ids: Sequence[int], version: WatchlistVersion, actor: Actor
) -> int:
    """Undecided hits on entries the list no longer has are closed (the match is moot)."""
    if not entry_ids:
        return 0
    hits = list(
        ScreeningHit.objects.select_for_update().filter(
            entry_id__in=entry_ids, status__in=ScreeningHit.UNDECIDED
        )
    )
    if not hits:
        return 0
    now = timezone.now()
    reason = f"entry removed from {version.watchlist.code} in version {version.number}"
    before = {h.pk: h.status for h in hits}
    for hit in hits:
        hit.status = ScreeningHit.Status.CLOSED_ENTRY_REMOVED
        hit.closed_at = now
        hit.reason = reason
        hit.updated_at = now
    ScreeningHit.objects.bulk_update(
        hits, ["status", "closed_at", "reason", "updated_at"], batch_size=BULK
    )
    audit.record_many(
        audit.Entry(
            actor=actor,
            action="screening.hit_closed_entry_removed",
            obj=h,
            before={"status": before[h.pk]},
            after={"status": h.status, "list_version": version.pk},
            reason=reason,
        )
        for h in hits
    )
    return len(hits)
