"""Screening matcher: plain Python over plain records, no database inside.

Interface (the Django layer builds `Party` records from list entries or customers, holds one
`ScreeningIndex` per worker, and stores what `search` returns):

- `Party(key, ref, source, kind, names, alias_quality=(), dobs=(), nationalities=(),
  id_numbers=(), wallets=(), program="")`: a screenable record (a list entry or a customer).
  `key` is any hashable (a database pk); `ref` is the list's entry id or the customer's external
  id; `source` the list code ("UN", "OFAC", "NACTA") or "customers"; `kind` "person"|"entity";
  `names` the primary name first, then aliases; `alias_quality` is aligned with `names` ("low"
  marks a weak alias); `dobs` are 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'; `id_numbers` compare as
  `identifiers.normalize_id_number` gives them (a CNIC as its 13 digits); `wallets` are
  `(chain, address)` pairs.
- `Query(name, kind="person", date_of_birth=None, nationality=None, id_number=None, aliases=(),
  other_dobs=(), other_nationalities=(), other_id_numbers=())`. `Query.from_party(party)` turns
  a whole record (every name, date and number) into a query: delta rescreening builds the index
  over the customers and queries it with the new or changed list entries.
- `Match(party_key, ref, source, name, matched_name, score, reasons, query_name)`: `score` 0..1;
  `reasons` readable by an officer ("given name variant Mohd->Muhammad", "surname exact",
  "DOB year matches (1964)").
- `ScreeningIndex(parties, rules=None, config=None)`: `.search(query, threshold=None, limit=10)`
  returns matches best first (one per party, its best-scoring name); `.search_many(queries,
  ...)` one list per query; `.wallet_matches(chain, address)` the parties listing an address;
  `len()` the number of parties. Build once per list version, then read from any thread.
- `DEFAULT_THRESHOLD`: the built-in alert threshold. The numbers a search scores with (levels,
  evidence effects, threshold) are a `MatcherConfig` (the active versioned configuration in the
  database, `matcher_default.json` until one is activated); `threshold=None` uses its threshold.

How a query runs: each of its names is normalized (`names.normalize_name`); each token finds its
similar vocabulary tokens through consonant-skeleton keys and their one-letter deletions
(spelling variants and typos meet without a scan of the list); the postings of the rarest tokens
give the candidates, tokens whose postings cannot change the outcome are not read (prefix
filtering), and a candidate is scored (`scoring.align_names`) only when its best possible score
reaches the threshold. The name score is then raised or cut by date of birth, nationality and
CNIC (`evidence`), each effect stated in the reasons; an exact ID number match is decisive
whatever the name.
"""

from __future__ import annotations

import gc
from bisect import bisect_right
from collections.abc import Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat

from compliance.screening.evidence import (
    compare_birth_dates,
    compare_cnics,
    compare_countries,
    weigh,
)
from compliance.screening.identifiers import (
    BirthDate,
    country_code,
    format_cnic,
    is_cnic,
    normalize_address,
    normalize_id_number,
    parse_birth_date,
)
from compliance.screening.matcher_config import MatcherConfig
from compliance.screening.names import NameRules
from compliance.screening.scoring import (
    DEFAULT_THRESHOLD,
    NameAlignment,
    PreparedName,
    align_names,
    alignment_reasons,
    blocking_keys,
    prepare_name,
    similarity,
)

__all__ = ["DEFAULT_THRESHOLD", "Match", "Party", "Query", "ScreeningIndex"]


# --- records -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Party:
    key: Hashable
    ref: str
    source: str
    kind: str
    names: tuple[str, ...]
    alias_quality: tuple[str | None, ...] = ()
    dobs: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    id_numbers: tuple[str, ...] = ()
    wallets: tuple[tuple[str, str], ...] = ()
    program: str = ""


@dataclass(frozen=True, slots=True)
class Query:
    name: str
    kind: str | None = "person"
    date_of_birth: str | None = None
    nationality: str | None = None
    id_number: str | None = None
    aliases: tuple[str, ...] = ()
    other_dobs: tuple[str, ...] = ()
    other_nationalities: tuple[str, ...] = ()
    other_id_numbers: tuple[str, ...] = ()

    @classmethod
    def from_party(cls, party: Party) -> Query:
        """The whole record as a query: every name, date of birth, nationality and number."""
        names = [n for n in party.names if n and n.strip()]
        return cls(
            name=names[0] if names else "",
            kind=party.kind,
            date_of_birth=party.dobs[0] if party.dobs else None,
            nationality=party.nationalities[0] if party.nationalities else None,
            id_number=party.id_numbers[0] if party.id_numbers else None,
            aliases=tuple(names[1:]),
            other_dobs=tuple(party.dobs[1:]),
            other_nationalities=tuple(party.nationalities[1:]),
            other_id_numbers=tuple(party.id_numbers[1:]),
        )

    @property
    def all_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for n in (self.name, *self.aliases) if n and n.strip()))

    @property
    def all_dobs(self) -> tuple[str, ...]:
        return tuple(d for d in (self.date_of_birth, *self.other_dobs) if d)

    @property
    def all_nationalities(self) -> tuple[str, ...]:
        return tuple(n for n in (self.nationality, *self.other_nationalities) if n)

    @property
    def all_id_numbers(self) -> tuple[str, ...]:
        return tuple(i for i in (self.id_number, *self.other_id_numbers) if i)


@dataclass(frozen=True, slots=True)
class Match:
    party_key: Hashable
    ref: str
    source: str
    name: str
    matched_name: str
    score: float
    reasons: list[str] = field(default_factory=list)
    query_name: str = ""


# --- the index ---------------------------------------------------------------------------------

_HAS_DOB, _HAS_NATIONALITY, _HAS_RELATIVE = 1, 2, 4
_ZEROS = repeat(0.0)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One indexed name of one party."""

    party: int
    position: int
    prepared: PreparedName
    facts: int  # _HAS_* bits, for the best boost the party's identifiers could give


@dataclass(frozen=True, slots=True)
class _Facts:
    """A party's identifiers in comparable form, computed once at build time."""

    dobs: tuple[BirthDate, ...]
    countries: frozenset[str]
    cnics: frozenset[str]


@dataclass(slots=True)
class _Found:
    entry: int
    prepared: PreparedName
    alignment: NameAlignment
    score: float
    notes: list[str]
    query_name: str


class ScreeningIndex:
    """In-memory index over parties (list entries, or customers for delta rescreening).

    With `freeze=True` (the default) the objects alive once the index is built are moved out of
    the cyclic collector's reach (`gc.freeze`): the index is long-lived and acyclic, and a full
    collection walking its hundreds of thousands of objects would stall a search for a few
    hundred milliseconds. Pass `freeze=False` for short-lived indexes (tests, one-off jobs).
    """

    def __init__(
        self,
        parties: Iterable[Party],
        *,
        rules: NameRules | None = None,
        config: MatcherConfig | None = None,
        freeze: bool = True,
    ) -> None:
        rules = rules or NameRules.default()
        self.rules = rules.configured(config) if config is not None else rules
        self.config = self.rules.config
        self._parties: list[Party] = []
        self._facts: list[_Facts] = []
        self._entries: list[_Entry] = []
        # Per entry, in flat lists for the candidate loop: least name weight, _HAS_* bits, tokens
        # (repeats kept: "Wali Wali Durrani" matches "Wali" twice).
        self._totals: list[float] = []
        self._facts_bits: list[int] = []
        self._tokens: list[tuple[str, ...]] = []
        # kind -> token -> entry ids, sorted by name weight (with the weights alongside).
        self._postings: dict[str, dict[str, list[int]]] = {"person": {}, "entity": {}}
        self._posting_totals: dict[str, dict[str, list[float]]] = {"person": {}, "entity": {}}
        self._keys: dict[str, set[str]] = {}  # blocking key -> vocabulary tokens
        self._vocabulary: set[str] = set()
        self._ids: dict[str, list[int]] = {}
        self._wallets: dict[str, list[int]] = {}
        self._neighbours: dict[tuple[str, bool], dict[str, float]] = {}
        with _collector_paused():
            for party in parties:
                self._add(party)
        for kind, postings in self._postings.items():
            for token, entries in postings.items():
                entries.sort(key=self._totals.__getitem__)
                self._posting_totals[kind][token] = [self._totals[e] for e in entries]
        if freeze:
            gc.freeze()

    def __len__(self) -> int:
        return len(self._parties)

    @property
    def parties(self) -> Sequence[Party]:
        return self._parties

    def _add(self, party: Party) -> None:
        index = len(self._parties)
        kind = "entity" if party.kind == "entity" else "person"
        self._parties.append(party)
        facts = _Facts(
            dobs=tuple(d for d in map(parse_birth_date, party.dobs) if d),
            countries=frozenset(c for c in map(country_code, party.nationalities) if c),
            cnics=frozenset(n for n in map(normalize_id_number, party.id_numbers) if is_cnic(n)),
        )
        self._facts.append(facts)
        bits = (_HAS_DOB if facts.dobs else 0) | (_HAS_NATIONALITY if facts.countries else 0)
        postings = self._postings[kind]
        seen: set[tuple[str, ...]] = set()
        for position, raw in enumerate(party.names):
            if not raw or not raw.strip():
                continue
            prepared = prepare_name(raw, kind, self.rules)
            tokens = prepared.norm.tokens
            if not tokens or (tokens, prepared.norm.relatives) in seen:
                continue
            seen.add((tokens, prepared.norm.relatives))
            entry_id = len(self._entries)
            facts_bits = bits | (_HAS_RELATIVE if prepared.norm.relatives else 0)
            self._entries.append(_Entry(index, position, prepared, facts_bits))
            self._totals.append(prepared.floor)
            self._facts_bits.append(facts_bits)
            self._tokens.append(tokens)
            for token in set(tokens):
                bucket = postings.get(token)
                if bucket is None:
                    postings[token] = [entry_id]
                    self._file(token)
                else:
                    bucket.append(entry_id)
        for number in party.id_numbers:
            normalized = normalize_id_number(number)
            if normalized:
                self._ids.setdefault(normalized, []).append(index)
        for _chain, address in party.wallets:
            if address:
                self._wallets.setdefault(normalize_address(address), []).append(index)

    def _file(self, token: str) -> None:
        if token in self._vocabulary:
            return
        self._vocabulary.add(token)
        if len(token) > 1:
            for key in blocking_keys(token, self.rules):
                self._keys.setdefault(key, set()).add(token)

    # -- lookups --------------------------------------------------------------------------------

    def wallet_matches(self, chain: str, address: str) -> list[Party]:
        """Parties listing this address. Hex and bech32 addresses compare case-insensitively,
        base58 ones exactly; the chain label need not agree (an EVM address is the same on every
        EVM chain, and lists label tokens and chains inconsistently)."""
        found = self._wallets.get(normalize_address(address or ""), [])
        return [self._parties[i] for i in dict.fromkeys(found)]

    def _neighbours_of(self, token: str, loose: bool) -> dict[str, float]:
        """Vocabulary tokens similar to `token`, with their similarity (cached per index)."""
        cache_key = (token, loose)
        cached = self._neighbours.get(cache_key)
        if cached is not None:
            return cached
        candidates: set[str] = set()
        for key in blocking_keys(token, self.rules):
            found = self._keys.get(key)
            if found:
                candidates |= found
        if token in self._vocabulary:
            candidates.add(token)
        if token[0] in self._vocabulary:
            candidates.add(token[0])  # the name given as an initial in the index
        result = {}
        for other in candidates:
            sim = similarity(self.rules, token, other, loose)[0]
            if sim > 0:
                result[other] = sim
        if len(self._neighbours) > 200_000:
            self._neighbours.clear()
        self._neighbours[cache_key] = result
        return result

    def _candidates(
        self, query: PreparedName, kind: str, threshold: float, boosts: Sequence[float]
    ) -> list[int]:
        """Entries whose best possible score can reach `threshold`.

        Query tokens are taken rarest first. A qualifying name has a first token it matches in
        that order, and can score at most what that token and the later ones bring; postings are
        sorted by name weight, so each is read only up to the weight that could still qualify.
        Past the weight at which one token (plus the common ones) is not enough, a name must
        also match another distinctive token, found by set intersection rather than one by one.
        Each candidate is then bounded by looking its tokens up; only those whose bound reaches
        the threshold are returned. `boosts[facts]` is the most the identifiers can add for a
        party with those facts.
        """
        postings, posting_totals = self._postings[kind], self._posting_totals[kind]
        weight = self.rules.weight
        tokens, weights, loose = query.norm.tokens, query.weights, query.norm.loose
        plan = []
        initial_credit = 0.0
        lookup: dict[str, float] = {}
        for i, token in enumerate(tokens):
            if len(token) == 1:
                initial_credit += weights[i] + 1.0  # an initial may stand for any name
                continue
            neighbours = []
            token_best = 0.0
            for vocab_token, sim in self._neighbours_of(token, i in loose).items():
                if vocab_token in postings:
                    gain = sim * (weights[i] + weight(vocab_token, kind))
                    neighbours.append(vocab_token)
                    token_best = max(token_best, gain)
                    if lookup.get(vocab_token, 0.0) < gain:
                        lookup[vocab_token] = gain
            if neighbours:
                plan.append((sum(len(postings[v]) for v in neighbours), token_best, neighbours))
        if not plan:
            return []
        plan.sort(key=lambda p: p[0])
        total = query.floor
        slack = threshold - max(boosts)
        unbounded = slack <= 0
        potential = sum(p[1] for p in plan) + initial_credit
        members: dict[int, set[int]] = {}
        found: set[int] = set()
        for k, (size, token_best, neighbours) in enumerate(plan):
            limit = float("inf") if unbounded else potential / slack - total
            if limit <= 0:
                break
            later = plan[k + 1 :]
            crossable = [m for m in range(k + 1, len(plan)) if plan[m][0] <= max(4 * size, 2000)]
            rest = sum(p[1] for m, p in enumerate(later, start=k + 1) if m not in crossable)
            alone = (
                float("inf") if unbounded else (token_best + rest + initial_credit) / slack - total
            )
            for vocab_token in neighbours:
                entries, totals = postings[vocab_token], posting_totals[vocab_token]
                high = len(entries) if limit >= totals[-1] else bisect_right(totals, limit)
                low = high if alone >= limit else bisect_right(totals, alone, 0, high)
                found.update(entries[:low])
                if low < high and crossable:
                    heavier = set(entries[low:high])
                    for m in crossable:
                        if m not in members:
                            members[m] = set().union(*(postings[v] for v in plan[m][2]))
                        found |= heavier & members[m]
            potential -= token_best
        entry_totals, entry_facts, entry_tokens = self._totals, self._facts_bits, self._tokens
        lookup_get = lookup.get
        survivors = []
        for entry_id in found:
            gain = sum(map(lookup_get, entry_tokens[entry_id], _ZEROS)) + initial_credit
            if gain / (total + entry_totals[entry_id]) + boosts[entry_facts[entry_id]] >= threshold:
                survivors.append(entry_id)
        return survivors

    # -- search ---------------------------------------------------------------------------------

    def search(self, query: Query, threshold: float | None = None, limit: int = 10) -> list[Match]:
        """Matches for one query, best first, with reasons (at the config's threshold unless
        one is given)."""
        if threshold is None:
            threshold = self.config.threshold
        kinds = (query.kind,) if query.kind in ("person", "entity") else ("person", "entity")
        query_dobs = tuple(d for d in map(parse_birth_date, query.all_dobs) if d)
        query_countries = frozenset(c for c in map(country_code, query.all_nationalities) if c)
        query_ids = [n for n in map(normalize_id_number, query.all_id_numbers) if n]
        query_cnics = frozenset(n for n in query_ids if is_cnic(n))

        found: dict[int, _Found] = {}
        for kind in kinds:
            for raw in query.all_names:
                prepared = prepare_name(raw, kind, self.rules)
                if not prepared.norm.tokens:
                    continue
                boosts = _boost_table(
                    self.config,
                    bool(query_dobs),
                    bool(query_countries),
                    bool(prepared.norm.relatives),
                )
                for entry_id in self._candidates(prepared, kind, threshold, boosts):
                    entry = self._entries[entry_id]
                    alignment = align_names(prepared, entry.prepared, self.rules)
                    if alignment.score + boosts[entry.facts] < threshold:
                        continue
                    score, notes = self._identifiers(
                        entry,
                        alignment.score,
                        query_dobs,
                        query_countries,
                        query_cnics,
                        alignment.relative > 0,
                    )
                    current = found.get(entry.party)
                    if score >= threshold and (current is None or current.score < score):
                        found[entry.party] = _Found(
                            entry_id, prepared, alignment, score, notes, raw
                        )
        matches = {index: self._match(hit) for index, hit in found.items()}
        for number in query_ids:
            for index in self._ids.get(number, ()):
                party = self._parties[index]
                if party.kind not in kinds:
                    continue
                label = f"CNIC {format_cnic(number)}" if is_cnic(number) else f"ID {number}"
                earlier = matches[index].reasons if index in matches else []
                matches[index] = Match(
                    party_key=party.key,
                    ref=party.ref,
                    source=party.source,
                    name=party.names[0] if party.names else "",
                    matched_name=(
                        matches[index].matched_name if index in matches else party.names[0]
                    ),
                    score=1.0,
                    reasons=[f"{label} exact match (decisive)", *earlier],
                    query_name=query.name,
                )
        ranked = sorted(matches.values(), key=lambda m: (-m.score, m.ref))
        return ranked[:limit]

    def search_many(
        self, queries: Iterable[Query], threshold: float | None = None, limit: int = 10
    ) -> list[list[Match]]:
        return [self.search(q, threshold=threshold, limit=limit) for q in queries]

    def _identifiers(
        self,
        entry: _Entry,
        name_score: float,
        query_dobs: tuple[BirthDate, ...],
        query_countries: frozenset[str],
        query_cnics: frozenset[str],
        relative_agrees: bool = False,
    ) -> tuple[float, list[str]]:
        """The name score raised or cut by the party's identifiers, with the reasons."""
        party = self._parties[entry.party]
        facts = self._facts[entry.party]
        score = name_score
        notes = []
        qualities = party.alias_quality
        quality = qualities[entry.position] if entry.position < len(qualities) else None
        if quality and quality.lower() == "low":
            score += self.config.low_quality_alias_cut
            notes.append(f"low-quality alias ({self.config.low_quality_alias_cut:+.2f})")
        effect, explained = weigh(
            (
                compare_birth_dates(query_dobs, facts.dobs, self.config),
                compare_countries(query_countries, facts.countries, self.config),
                compare_cnics(query_cnics, facts.cnics, self.config),
            ),
            self.config,
            corroborated=relative_agrees,
        )
        notes.extend(explained)
        score += effect
        return round(max(0.0, min(1.0, score)), 4), notes

    def _match(self, hit: _Found) -> Match:
        entry = self._entries[hit.entry]
        party = self._parties[entry.party]
        reasons = alignment_reasons(hit.prepared, entry.prepared, hit.alignment) + hit.notes
        return Match(
            party_key=party.key,
            ref=party.ref,
            source=party.source,
            name=party.names[0],
            matched_name=party.names[entry.position],
            score=hit.score,
            reasons=reasons,
            query_name=hit.query_name,
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Building allocates hundreds of thousands of acyclic objects; the cyclic collector would
    rescan them over and over (a third of the build time) for nothing to free."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _boost_table(
    config: MatcherConfig, has_dob: bool, has_country: bool, has_relative: bool
) -> tuple[float, ...]:
    """Most the identifiers can add, indexed by a party entry's _HAS_* bits."""
    table = []
    for bits in range(8):
        boost = 0.0
        if has_dob and bits & _HAS_DOB:
            boost += config.dob_exact_boost
        if has_country and bits & _HAS_NATIONALITY:
            boost += config.nationality_boost
        if has_relative and bits & _HAS_RELATIVE:
            boost += config.relative_boost
        table.append(boost)
    return tuple(table)
