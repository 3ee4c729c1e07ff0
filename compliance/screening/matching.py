"""Subjects against list entries, both ways, with the same scoring (no database inside).

- ``screen_subjects``: a few subjects (one customer) against the whole list index.
- ``match_entries``: a few new or changed entries against many subjects (a delta rescreen): the
  *subjects* are indexed and each entry is the query, so the cost follows the size of the delta,
  not of the list. A candidate found that way is then scored the usual way round (the subject as
  query, the entry as listed record), so a hit reads and scores the same whichever path made it,
  and only candidates ever have their ID numbers decrypted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from compliance.screening.identifiers import normalize_address, normalize_id_number
from compliance.screening.matcher import Match, Party, Query, ScreeningIndex
from compliance.screening.matcher_config import MatcherConfig, default_config
from compliance.screening.subjects import Subject
from core import pii

# The reverse pass (entry as query) may score a pair a little differently from the forward
# pass (low-quality alias cut, asymmetric date comparison), so it keeps a margin below the
# threshold and the forward pass decides.
REVERSE_MARGIN = 0.05
ALL_MATCHES = 1_000_000  # a common listed name may match many customers: report every one


@dataclass(frozen=True)
class Found:
    """A subject matching a listed entry. ``match.matched_name`` is the listed name or address."""

    subject: Subject
    entry_pk: int
    match: Match


def wallet_match(party: Party, address: str) -> Match:
    wanted = normalize_address(address)
    listed = next(
        (f"{c}:{a}" if c else a for c, a in party.wallets if normalize_address(a) == wanted),
        address,
    )
    return Match(
        party_key=party.key,
        ref=party.ref,
        source=party.source,
        name=party.names[0] if party.names else "",
        matched_name=listed,
        score=1.0,
        reasons=[f"wallet address listed ({listed})"],
        query_name=address,
    )


def screen_subjects(
    subjects: Sequence[Subject],
    *,
    search_many: Callable[[list[Query]], list[list[Match]]],
    wallet_lookup: Callable[[str, str], list[Match]],
) -> list[Found]:
    """Each subject's name (with its identifiers) and wallet against the list index."""
    named = [s for s in subjects if s.name]
    found: list[Found] = []
    for subject, matches in zip(named, search_many([s.query() for s in named])):
        found.extend(Found(subject, m.party_key, m) for m in matches)
    for subject in subjects:
        if subject.address:
            found.extend(
                Found(subject, m.party_key, m)
                for m in wallet_lookup(subject.chain, subject.address)
            )
    return found


def match_entries(
    entries: dict[int, Party],
    subjects: Iterable[Subject],
    *,
    config: MatcherConfig | None = None,
) -> list[Found]:
    """Every subject matching one of ``entries`` (keyed by entry row id), best first per entry,
    scored with ``config`` (the shipped default if None) at its threshold."""
    config = config or default_config()
    threshold = config.threshold
    subjects = list(subjects)
    by_key = {s.key: s for s in subjects}
    by_id_hash: dict[str, list[Subject]] = {}
    for s in subjects:
        if s.id_hash:
            by_id_hash.setdefault(s.id_hash, []).append(s)
    index = ScreeningIndex((s.party(with_ids=False) for s in subjects), config=config)
    queries: dict[str, Query] = {}

    def forward_query(subject: Subject) -> Query:
        if subject.key not in queries:
            queries[subject.key] = subject.query()
        return queries[subject.key]

    found: list[Found] = []
    for entry_pk, party in entries.items():
        candidates: dict[str, Subject] = {}
        reverse = Query.from_party(replace(party, id_numbers=()))
        if reverse.name:
            for m in index.search(reverse, threshold=threshold - REVERSE_MARGIN, limit=ALL_MATCHES):
                candidates[m.party_key] = by_key[m.party_key]
        for number in party.id_numbers:
            for s in by_id_hash.get(pii.keyed_hash(normalize_id_number(number)), ()):
                candidates[s.key] = s
        listed = ScreeningIndex([party], config=config)
        entry_found: list[Found] = []
        for subject in candidates.values():
            if not subject.name:
                continue
            matches = listed.search(forward_query(subject), threshold=threshold, limit=1)
            if matches:
                entry_found.append(Found(subject, entry_pk, matches[0]))
        for _chain, address in party.wallets:
            for holder in index.wallet_matches(_chain, address):
                entry_found.append(
                    Found(by_key[holder.key], entry_pk, wallet_match(party, address))
                )
        entry_found.sort(key=lambda f: -f.match.score)
        found.extend(entry_found)
    return found
