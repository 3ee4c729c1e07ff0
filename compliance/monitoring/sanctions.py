"""Sanctions look-ups for the rules, answered by the screening sub-app's in-memory index.

``compliance.screening.index`` holds the screened list entries per process (rebuilt when a list
changes) and answers ``wallet_lookup`` (a dictionary look-up) and ``search_name`` without a
database round trip, so the synchronous check stays in milliseconds. Without the screening
sub-app nothing is listed. A failing look-up raises: the batch is retried, and the check
answers "review" (the engine never lets money past a check that did not run).

Counterparty names come with nothing else (no date of birth, no ID), so a name alone must match
nearly exactly (``MONITORING_COUNTERPARTY_NAME_THRESHOLD``); wallets match exactly.
"""

from __future__ import annotations

import importlib
from collections import OrderedDict
from types import ModuleType

from compliance.monitoring import conf

_NAME_CACHE_SIZE = 20000
_name_cache: OrderedDict[tuple, str | None] = OrderedDict()


def _screening_index() -> ModuleType | None:
    try:
        module = importlib.import_module("compliance.screening.index")
    except ImportError:
        return None
    if not hasattr(module, "wallet_lookup") or not hasattr(module, "search_name"):
        return None
    return module


def _describe(match) -> str:
    listed = f"{match.source} {match.ref}".strip()
    return f"{match.name} ({listed})" if listed else match.name


class ScreeningSanctions:
    """The engine's ``SanctionsIndex`` over the screening index (one per batch or check)."""

    def __init__(self) -> None:
        self._index = _screening_index()
        self._threshold = conf.counterparty_name_threshold()
        self._stamp = None
        if self._index is not None:
            self._stamp = self._index.current().key

    def wallet_hit(self, chain: str, address: str) -> str | None:
        if self._index is None or not address:
            return None
        matches = self._index.wallet_lookup(chain or "", address)
        return f"{_describe(matches[0])}, wallet {address}" if matches else None

    def name_hit(self, name: str) -> str | None:
        if self._index is None or not name or not name.strip():
            return None
        key = (self._stamp, self._threshold, " ".join(name.lower().split()))
        if key in _name_cache:
            _name_cache.move_to_end(key)
            return _name_cache[key]
        from compliance.screening.matcher import Query

        matches = self._index.search_name(
            Query(name=name, kind=None), threshold=self._threshold, limit=1
        )
        found = None
        if matches:
            best = matches[0]
            found = f"{_describe(best)}, name match {best.score:.2f} with {best.matched_name!r}"
        _name_cache[key] = found
        if len(_name_cache) > _NAME_CACHE_SIZE:
            _name_cache.popitem(last=False)
        return found
