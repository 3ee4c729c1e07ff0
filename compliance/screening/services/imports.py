"""Importing a list file as a new version: stream the parser, apply the delta, rescreen.

The delta is computed against the list's stored entries by fingerprint (added, changed,
removed; an entry that comes back after a removal counts as added) and written with bulk
operations. Undecided hits on removed entries are closed at once; the added and changed entries
are then rescreened against the whole customer base (``rescreen``), after the commit.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from compliance.screening import index
from compliance.screening.identifiers import (
    country_code,
    normalize_address,
    normalize_id_number,
    parse_birth_date,
)
from compliance.screening.models import (
    EntryDOB,
    EntryIdNumber,
    EntryName,
    EntryNationality,
    EntryWallet,
    Watchlist,
    WatchlistEntry,
    WatchlistVersion,
)
from compliance.screening.parsers import PARSERS, ListedEntry, WatchlistFormatError
from compliance.screening.services.hits import close_hits_of_removed_entries
from core import audit, pii
from core.actors import Actor
from core.errors import ValidationFailed

BULK = 2000
# A file that would remove more than this share of a list is more likely truncated than a
# real delisting: refused unless the caller says the removal is intended.
MASS_REMOVAL_SHARE = 0.5
MASS_REMOVAL_MIN_ENTRIES = 20

DEFAULT_LISTS: dict[str, tuple[str, str, str]] = {
    "un": ("UN", "UN Security Council consolidated list", Watchlist.Category.SANCTIONS),
    "ofac_sdn": ("OFAC", "OFAC Specially Designated Nationals", Watchlist.Category.SANCTIONS),
    "csv": ("HOUSE", "House watchlist", Watchlist.Category.INTERNAL),
}
# NACTA publishes two files (Fourth Schedule persons, proscribed organizations): each is its
# own list, named by the programme its entries carry, so importing one never removes the other.
NACTA_LISTS = {
    "NACTA-4TH-SCHEDULE": "NACTA Fourth Schedule (ATA 1997 s.11EE)",
    "NACTA-PROSCRIBED": "NACTA proscribed organizations (ATA 1997 First Schedule)",
}


@dataclass
class ImportResult:
    version: WatchlistVersion
    added_ids: list[int] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)
    removed_ids: list[int] = field(default_factory=list)
    hits_closed: int = 0

    @property
    def delta(self) -> dict[str, int]:
        return self.version.delta

    @property
    def rescreen_ids(self) -> list[int]:
        return [*self.added_ids, *self.changed_ids]


def _clip(text: str, size: int) -> str:
    text = text or ""
    return text if len(text) <= size else text[: size - 1] + "…"


def _sha256(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def _open_binary(file) -> tuple[IO[bytes], bool]:
    """A seekable binary handle on a path or file object; True when we opened it."""
    if isinstance(file, str | Path):
        return open(file, "rb"), True
    if isinstance(file, io.TextIOBase):
        return io.BytesIO(file.read().encode("utf-8")), True
    if getattr(file, "seekable", lambda: False)():
        return file, False
    spooled = tempfile.SpooledTemporaryFile(max_size=64 << 20)  # noqa: SIM115
    shutil.copyfileobj(file, spooled)
    spooled.seek(0)
    return spooled, True


def _watchlist_for(source: str, list_code: str | None, first: ListedEntry | None) -> Watchlist:
    if list_code:
        code = list_code
        name = NACTA_LISTS.get(code) or DEFAULT_LISTS.get(source, (code, code, ""))[1]
    elif source == "nacta":
        code = first.program if first is not None and first.program in NACTA_LISTS else "NACTA"
        name = NACTA_LISTS.get(code, "NACTA list")
    else:
        code, name, _ = DEFAULT_LISTS[source]
    category = (
        Watchlist.Category.PROSCRIBED
        if source == "nacta"
        else DEFAULT_LISTS.get(source, ("", "", Watchlist.Category.SANCTIONS))[2]
    )
    watchlist, _ = Watchlist.objects.get_or_create(
        code=code, defaults={"name": name, "source_kind": source, "category": category}
    )
    if watchlist.source_kind != source:
        raise ValidationFailed(
            {"source": [f"list {code} is imported as '{watchlist.source_kind}', not '{source}'"]}
        )
    return Watchlist.objects.select_for_update().get(pk=watchlist.pk)


def _children(entry_pk: int, entry: ListedEntry) -> dict[type, list]:
    rows: dict[type, list] = {
        EntryName: [EntryName(entry_id=entry_pk, position=0, name=_clip(entry.name, 500))],
        EntryDOB: [],
        EntryNationality: [],
        EntryIdNumber: [],
        EntryWallet: [],
    }
    for position, (alias, quality) in enumerate(entry.aliases, start=1):
        rows[EntryName].append(
            EntryName(
                entry_id=entry_pk,
                position=position,
                name=_clip(alias, 500),
                quality=_clip(quality or "", 30),
            )
        )
    for text in entry.dobs:
        parsed = parse_birth_date(text)
        if parsed is not None:
            rows[EntryDOB].append(
                EntryDOB(entry_id=entry_pk, year=parsed.year, month=parsed.month, day=parsed.day)
            )
    for country in entry.nationalities:
        rows[EntryNationality].append(
            EntryNationality(entry_id=entry_pk, country=_clip(country_code(country), 100))
        )
    for id_type, number in entry.id_numbers:
        normalized = normalize_id_number(number)
        if normalized:
            rows[EntryIdNumber].append(
                EntryIdNumber(
                    entry_id=entry_pk,
                    id_type=_clip(id_type, 100),
                    number=_clip(normalized, 100),
                    number_as_listed=_clip(number, 200),
                    number_hash=pii.keyed_hash(normalized),
                )
            )
    for chain, address in entry.wallets:
        if address:
            rows[EntryWallet].append(
                EntryWallet(
                    entry_id=entry_pk,
                    chain=_clip(chain, 20),
                    address=_clip(address, 200),
                    address_key=_clip(normalize_address(address), 200),
                )
            )
    return rows


def _write_children(pairs: list[tuple[int, ListedEntry]]) -> None:
    batches: dict[type, list] = {}
    for entry_pk, entry in pairs:
        for model, rows in _children(entry_pk, entry).items():
            batches.setdefault(model, []).extend(rows)
    for model, rows in batches.items():
        model.objects.bulk_create(rows, batch_size=BULK)


def _apply_fields(row: WatchlistEntry, entry: ListedEntry, fingerprint: str) -> None:
    row.list_code = _clip(entry.list_code, 40)
    row.kind = entry.kind
    row.primary_name = _clip(entry.name, 500)
    row.father_name = _clip(entry.father_name, 300)
    row.program = _clip(entry.program, 300)
    row.remarks = entry.remarks or ""
    row.fingerprint = fingerprint


@transaction.atomic
def _apply(
    *,
    entries: Iterator[ListedEntry],
    watchlist: Watchlist,
    sha256: str,
    file_name: str,
    actor: Actor,
    allow_mass_removal: bool,
) -> ImportResult:
    stored = {
        entry_id: (pk, fingerprint, active)
        for entry_id, pk, fingerprint, active in WatchlistEntry.objects.filter(
            watchlist=watchlist
        ).values_list("entry_id", "pk", "fingerprint", "is_active")
    }
    seen: set[str] = set()
    duplicates = 0
    new: list[tuple[ListedEntry, str]] = []
    updated: list[tuple[int, ListedEntry, str, bool]] = []  # (pk, entry, fingerprint, re-added)
    try:
        for entry in entries:
            if entry.entry_id in seen:
                duplicates += 1  # a list naming the same id twice: the first record stands
                continue
            seen.add(entry.entry_id)
            fingerprint = entry.fingerprint()
            known = stored.get(entry.entry_id)
            if known is None:
                new.append((entry, fingerprint))
            elif not known[2]:
                updated.append((known[0], entry, fingerprint, True))
            elif known[1] != fingerprint:
                updated.append((known[0], entry, fingerprint, False))
    except WatchlistFormatError as error:
        raise ValidationFailed({"file": [str(error)]}) from error
    removed_ids = [
        pk for entry_id, (pk, _, active) in stored.items() if active and entry_id not in seen
    ]
    active_before = sum(1 for _, _, active in stored.values() if active)
    if active_before and not seen:
        raise ValidationFailed(
            {"file": [f"the file lists no entries; {watchlist.code} has {active_before}"]}
        )
    if (
        not allow_mass_removal
        and active_before >= MASS_REMOVAL_MIN_ENTRIES
        and len(removed_ids) > MASS_REMOVAL_SHARE * active_before
    ):
        raise ValidationFailed(
            {
                "file": [
                    f"the file would remove {len(removed_ids)} of {active_before} entries of "
                    f"{watchlist.code}; a truncated file? Import with allow_mass_removal to apply"
                ]
            }
        )

    number = (watchlist.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = WatchlistVersion.objects.create(
        watchlist=watchlist,
        number=number,
        imported_at=timezone.now(),
        file_name=_clip(file_name, 300),
        file_sha256=sha256,
        added=len(new) + sum(1 for *_, readded in updated if readded),
        changed=sum(1 for *_, readded in updated if not readded),
        removed=len(removed_ids),
        duplicates_skipped=duplicates,
        imported_by=_clip(actor.label, 200),
        imported_by_user=actor.user,
    )
    result = ImportResult(version=version, removed_ids=removed_ids)

    rows = []
    for entry, fingerprint in new:
        row = WatchlistEntry(
            watchlist=watchlist,
            entry_id=_clip(entry.entry_id, 100),
            first_version=version,
            last_version=version,
        )
        _apply_fields(row, entry, fingerprint)
        rows.append(row)
    WatchlistEntry.objects.bulk_create(rows, batch_size=BULK)
    result.added_ids = [row.pk for row in rows]

    if updated:
        by_pk = WatchlistEntry.objects.in_bulk([pk for pk, *_ in updated])
        changed_rows = []
        for pk, entry, fingerprint, readded in updated:
            row = by_pk[pk]
            _apply_fields(row, entry, fingerprint)
            row.is_active = True
            row.removed_in_version = None
            row.last_version = version
            changed_rows.append(row)
            (result.added_ids if readded else result.changed_ids).append(pk)
        WatchlistEntry.objects.bulk_update(
            changed_rows,
            [
                "list_code",
                "kind",
                "primary_name",
                "father_name",
                "program",
                "remarks",
                "fingerprint",
                "is_active",
                "removed_in_version",
                "last_version",
            ],
            batch_size=BULK,
        )
        # An entry's names, dates, numbers and wallets are replaced as a whole; the hits made
        # on the old content keep their own copy of what matched.
        ids = [pk for pk, *_ in updated]
        for model in (EntryName, EntryDOB, EntryNationality, EntryIdNumber, EntryWallet):
            model.objects.filter(entry_id__in=ids).delete()
    _write_children(
        [(row.pk, entry) for row, (entry, _) in zip(rows, new)]
        + [(pk, entry) for pk, entry, _, _ in updated]
    )
    if removed_ids:
        WatchlistEntry.objects.filter(pk__in=removed_ids).update(
            is_active=False, removed_in_version=version
        )
    version.entries_total = WatchlistEntry.objects.filter(
        watchlist=watchlist, is_active=True
    ).count()
    version.save(update_fields=["entries_total"])
    if version.has_changes:
        watchlist.save(update_fields=["updated_at"])  # moves the index's change stamp
    audit.record(
        actor=actor,
        action="watchlist.imported",
        obj=version,
        after={
            "list": watchlist.code,
            "version": version.number,
            "file": version.file_name,
            "sha256": sha256,
            **version.delta,
            "entries_total": version.entries_total,
        },
    )
    result.hits_closed = close_hits_of_removed_entries(
        entry_ids=removed_ids, version=version, actor=actor
    )
    if result.hits_closed:
        version.hits_closed = result.hits_closed
        version.save(update_fields=["hits_closed"])
    return result


_rescreen_enqueuers: list[Callable[[int], None]] = []


def register_rescreen_enqueuer(enqueue: Callable[[int], None]) -> None:
    """The task module registers how a version's delta rescreen is queued (services never
    import tasks)."""
    _rescreen_enqueuers[:] = [enqueue]


def _enqueue_rescreen(version_id: int) -> None:
    for enqueue in _rescreen_enqueuers:
        enqueue(version_id)


def import_watchlist(
    *,
    source: str,
    file: str | Path | IO,
    actor: Actor,
    list_code: str | None = None,
    file_name: str = "",
    rescreen: bool = True,
    allow_mass_removal: bool = False,
) -> ImportResult:
    """Import ``file`` (a path or file object in the ``source`` format) as a new list version.

    With ``rescreen`` the added and changed entries are screened against every customer once
    the import is committed (the ``compliance.screening.rescreen_delta`` task).
    """
    if source not in PARSERS:
        raise ValidationFailed({"source": [f"unknown source; one of {', '.join(PARSERS)}"]})
    handle, opened = _open_binary(file)
    try:
        sha256 = _sha256(handle)
        parsed = PARSERS[source](handle)
        try:
            first = next(parsed, None)
        except WatchlistFormatError as error:
            raise ValidationFailed({"file": [str(error)]}) from error
        entries = itertools.chain([first] if first is not None else [], parsed)
        name = file_name or (Path(file).name if isinstance(file, str | Path) else "")
        with transaction.atomic():
            watchlist = _watchlist_for(source, list_code, first)
            result = _apply(
                entries=entries,
                watchlist=watchlist,
                sha256=sha256,
                file_name=name,
                actor=actor,
                allow_mass_removal=allow_mass_removal,
            )
    finally:
        if opened:
            handle.close()
    index.invalidate()
    if rescreen and result.rescreen_ids:
        version_id = result.version.pk

        transaction.on_commit(lambda: _enqueue_rescreen(version_id))
    return result
