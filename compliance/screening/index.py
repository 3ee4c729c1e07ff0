"""The per-process in-memory index of the screened list entries.

Loaded from the database once (six batch queries) and rebuilt when the lists change: at most
every ``CHECK_INTERVAL_SECONDS`` a one-row query reads the lists' change stamp (an import with
a non-empty delta, or a list switched on or off, moves it). Between checks a query costs no
database round trip, which is what the synchronous check path needs.

Other sub-apps call ``search_name`` and ``wallet_lookup`` (monitoring, for counterparties).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.db.models import Count, Max

from compliance.screening.identifiers import normalize_address
from compliance.screening.matcher import Match, Query, ScreeningIndex
from compliance.screening.matcher_config import MatcherConfig, default_config
from compliance.screening.models import MatcherConfiguration, ScreeningSettings, Watchlist
from compliance.screening.selectors import entry_parties

CHECK_INTERVAL_SECONDS = 5.0


@dataclass(frozen=True)
class Loaded:
    index: ScreeningIndex
    key: tuple
    threshold: float
    limit: int


_lock = threading.Lock()
_loaded: Loaded | None = None
_checked_at = 0.0


def _change_stamp() -> tuple[tuple, MatcherConfig]:
    """The lists' change stamp with the active matcher configuration (activating another one
    rebuilds the index with its numbers)."""
    stamp = Watchlist.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    row = MatcherConfiguration.objects.filter(is_active=True).only("pk", "values").first()
    config = MatcherConfig.from_dict(row.values) if row is not None else default_config()
    return (stamp["n"], stamp["changed"], row.pk if row else None), config


def _limit() -> int:
    return int(ScreeningSettings.current().max_matches_per_subject)


def invalidate() -> None:
    """Check the change stamp on the next use (after an import in this process)."""
    global _checked_at
    _checked_at = 0.0


def current() -> Loaded:
    """The index and the screening settings, reloaded when the lists or the active matcher
    configuration changed."""
    global _loaded, _checked_at
    now = time.monotonic()
    loaded = _loaded
    if loaded is not None and now - _checked_at < CHECK_INTERVAL_SECONDS:
        return loaded
    with _lock:
        if _loaded is not None and time.monotonic() - _checked_at < CHECK_INTERVAL_SECONDS:
            return _loaded
        key, config = _change_stamp()
        limit = _limit()
        if _loaded is None or _loaded.key != key:
            index = ScreeningIndex(entry_parties().values(), config=config)
        else:
            index = _loaded.index
        threshold = index.config.threshold
        _loaded = Loaded(index=index, key=key, threshold=threshold, limit=limit)
        _checked_at = time.monotonic()
        return _loaded


def get_index() -> ScreeningIndex:
    return current().index


def default_threshold() -> float:
    return current().threshold


def search_name(
    query: Query, *, threshold: float | None = None, limit: int | None = None
) -> list[Match]:
    """Listed entries matching a name (with its date of birth, nationality, ID), best first.

    ``Match.party_key`` is the ``WatchlistEntry`` id, ``ref`` its entry id, ``source`` its list.
    """
    loaded = current()
    return loaded.index.search(
        query,
        threshold=loaded.threshold if threshold is None else threshold,
        limit=loaded.limit if limit is None else limit,
    )


def search_names(
    queries: list[Query], *, threshold: float | None = None, limit: int | None = None
) -> list[list[Match]]:
    loaded = current()
    return loaded.index.search_many(
        queries,
        threshold=loaded.threshold if threshold is None else threshold,
        limit=loaded.limit if limit is None else limit,
    )


def wallet_lookup(chain: str, address: str) -> list[Match]:
    """Listed entries naming this address: one dictionary lookup, no database query."""
    parties = get_index().wallet_matches(chain or "", address or "")
    wanted = normalize_address(address or "")
    matches = []
    for party in parties:
        listed = next(
            (f"{c}:{a}" if c else a for c, a in party.wallets if normalize_address(a) == wanted),
            address,
        )
        matches.append(
            Match(
                party_key=party.key,
                ref=party.ref,
                source=party.source,
                name=party.names[0] if party.names else "",
                matched_name=listed,
                score=1.0,
                reasons=[f"wallet address listed ({listed})"],
                query_name=address,
            )
        )
    return matches
