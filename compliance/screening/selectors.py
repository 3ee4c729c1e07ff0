"""Reads: list entries as the matcher's records, hits by customer. Batch loads, no loop queries."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from compliance.screening.matcher import Party
from compliance.screening.matcher_config import MatcherConfig, default_config
from compliance.screening.models import (
    EntryDOB,
    EntryIdNumber,
    EntryName,
    EntryNationality,
    EntryWallet,
    MatcherConfiguration,
    ScreeningHit,
    WatchlistEntry,
)
from compliance.screening.parsers import ListedEntry
from compliance.screening.renderings import LabelledPair
from compliance.screening.subjects import subjects_for_customers

ENTRY_CHUNK = 5000


def screened_entries() -> QuerySet[WatchlistEntry]:
    """Entries screened against: active, on an active list."""
    return WatchlistEntry.objects.filter(is_active=True, watchlist__is_active=True)


def listed_entries(entry_ids: Iterable[int] | None = None) -> dict[int, ListedEntry]:
    """Entries (all screened ones, or these ids) rebuilt as parsed records, keyed by row id.

    One query per table for the whole set: the in-memory index is loaded in six queries.
    """
    if entry_ids is None:
        rows = screened_entries()
        child_filter = Q(entry__is_active=True, entry__watchlist__is_active=True)
    else:
        ids = list(entry_ids)
        rows = WatchlistEntry.objects.filter(pk__in=ids)
        child_filter = Q(entry_id__in=ids)
    fields = ("pk", "entry_id", "list_code", "kind", "primary_name", "father_name", "program")
    entries: dict[int, ListedEntry] = {}
    for pk, entry_id, list_code, kind, name, father, program in rows.values_list(*fields).iterator(
        chunk_size=ENTRY_CHUNK
    ):
        entries[pk] = ListedEntry(
            entry_id=entry_id,
            list_code=list_code,
            kind=kind,
            name=name,
            program=program,
            father_name=father,
        )
    if not entries:
        return entries

    def children(model, *columns, order=()):
        query = model.objects.filter(child_filter).order_by("entry_id", *order)
        return query.values_list("entry_id", *columns).iterator(chunk_size=ENTRY_CHUNK)

    names = children(EntryName, "position", "name", "quality", order=("position",))
    for entry_pk, position, name, quality in names:
        if entry_pk in entries and position > 0:  # position 0 is the primary name
            entries[entry_pk].aliases.append((name, quality or None))
    for entry_pk, year, month, day in children(EntryDOB, "year", "month", "day"):
        if entry_pk in entries:
            entries[entry_pk].dobs.append(_dob_text(year, month, day))
    for entry_pk, country in children(EntryNationality, "country"):
        if entry_pk in entries:
            entries[entry_pk].nationalities.append(country)
    for entry_pk, id_type, number in children(EntryIdNumber, "id_type", "number"):
        if entry_pk in entries:
            entries[entry_pk].id_numbers.append((id_type, number))
    for entry_pk, chain, address in children(EntryWallet, "chain", "address"):
        if entry_pk in entries:
            entries[entry_pk].wallets.append((chain, address))
    return entries


def entry_parties(entry_ids: Iterable[int] | None = None) -> dict[int, Party]:
    """The matcher's records for entries, keyed (and ``Party.key``-ed) by the entry row id."""
    return {pk: entry.to_party(pk) for pk, entry in listed_entries(entry_ids).items()}


def _dob_text(year: int, month: int | None, day: int | None) -> str:
    if month and day:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if month:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}"


def undecided_hits(customer_id) -> QuerySet[ScreeningHit]:
    return (
        ScreeningHit.objects.filter(customer_id=customer_id, status__in=ScreeningHit.UNDECIDED)
        .select_related("entry__watchlist", "list_version")
        .order_by("-score")
    )


def confirmed_hits(customer_id) -> QuerySet[ScreeningHit]:
    return ScreeningHit.objects.filter(
        customer_id=customer_id, status=ScreeningHit.Status.TRUE_MATCH
    ).select_related("entry__watchlist")


def entries_by_pk(entry_ids: Iterable[int]) -> dict[int, WatchlistEntry]:
    return {
        e.pk: e
        for e in WatchlistEntry.objects.filter(pk__in=list(entry_ids)).select_related(
            "watchlist", "last_version"
        )
    }


def active_matcher_row() -> MatcherConfiguration | None:
    return MatcherConfiguration.objects.filter(is_active=True).first()


def active_matcher_config() -> MatcherConfig:
    """The activated configuration's numbers (the shipped default until one is activated)."""
    row = active_matcher_row()
    return MatcherConfig.from_dict(row.values) if row is not None else default_config()


def decided_pairs() -> list[LabelledPair]:
    """Officers' decided hits as labelled pairs: the screened subject as it is now beside the
    listed entry (true match = same party, false positive = another). Wallet hits are left out."""
    hits = list(
        ScreeningHit.objects.filter(
            status__in=(ScreeningHit.Status.TRUE_MATCH, ScreeningHit.Status.FALSE_POSITIVE)
        )
        .exclude(subject_kind="wallet")
        .values("customer_id", "subject_key", "entry_id", "status")
    )
    if not hits:
        return []
    subjects = {s.key: s for s in subjects_for_customers({h["customer_id"] for h in hits})}
    parties = entry_parties({h["entry_id"] for h in hits})
    pairs = []
    for hit in hits:
        subject, party = subjects.get(hit["subject_key"]), parties.get(hit["entry_id"])
        if subject is None or party is None or not subject.name:
            continue
        match = hit["status"] == ScreeningHit.Status.TRUE_MATCH
        pairs.append(LabelledPair(subject.query(), party, match, "officer decision"))
    return pairs
