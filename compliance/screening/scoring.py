"""How two names, and the identifiers around them, are scored: plain functions, no index.

A name score is a weighted token alignment: every token weighs 1, common elements (Muhammad,
Abdul, Syed) and generic entity words (Private, Limited, Trust) weigh less; each aligned pair
counts its similarity times the weight of both tokens, an unmatched token on either side counts
nothing, and the sum is divided by the weight of both names. Token similarity levels: the same
canonical token 1.0; sounds alike (same consonant skeleton, vowels within one edit) 0.92; a
typo (one edit, never in the first letter) 0.85, or 0.8 in a short word; an initial 0.8.

The date of birth, nationality, relative's name (s/o) and CNIC then raise or cut the name score
(`compare_birth_dates`, `compare_nationalities`): a conflict of two years or more sinks a
name-only match, and a different CNIC does the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from rapidfuzz.distance import OSA

from compliance.screening.identifiers import BirthDate, country_code, parse_birth_date
from compliance.screening.names import NameRules, NormalizedName, normalize_name, phonetic, skeleton

DEFAULT_THRESHOLD = 0.80

# Adjustments to the name score (added, then clipped to 0..1).
DOB_EXACT_BOOST = 0.08
DOB_YEAR_BOOST = 0.04
DOB_SAME_YEAR_CUT = -0.03
DOB_NEAR_CUT = -0.12  # one year apart: a typo, or someone else
DOB_TWO_YEARS_CUT = -0.18  # two years from a year-only (approximate) listing
DOB_CONFLICT_CUT = -0.30  # enough to sink an exact name on its own
NATIONALITY_BOOST = 0.02
NATIONALITY_CUT = -0.10
CNIC_CONFLICT_CUT = -0.30  # a CNIC is unique: a different one is a different person
RELATIVE_BOOST = 0.05
RELATIVE_CUT = -0.25  # another father's name: most likely a namesake
ORDER_CUT = -0.02
LOW_QUALITY_ALIAS_CUT = -0.05

# Token similarity levels.
SAME = 1.0
SOUNDS_ALIKE = 0.92
NEAR_SPELLING = 0.85
SHORT_NEAR_SPELLING = 0.8
INITIAL = 0.8


# --- tokens ------------------------------------------------------------------------------------


@lru_cache(maxsize=1_000_000)
def token_similarity(a: str, b: str, loose: bool = False) -> tuple[float, str]:
    """(similarity 0..1, how) of two canonical tokens.

    `loose` marks a token read letter by letter from Urdu script, whose vowels are guesses:
    its consonants are compared only.
    """
    if a == b:
        return SAME, "same"
    if len(a) == 1 or len(b) == 1:
        if len(a) != len(b) and a[0] == b[0]:
            return INITIAL, "initial"
        return 0.0, ""
    sa, sb = skeleton(a), skeleton(b)
    pa, pb = phonetic(a), phonetic(b)
    if sa == sb:
        if pa == pb:
            return SOUNDS_ALIKE, "sounds alike"
        if loose and len(sa) >= 2:
            return SOUNDS_ALIKE, "same consonants"
        if OSA.distance(pa, pb, score_cutoff=1) <= 1:
            return SOUNDS_ALIKE, "sounds alike"
    # A typo: one edit (two in a long word), never in the first letter, which is rarely mistyped
    # and is where many distinct names differ (Majid, Sajid, Wajid, Zahid...).
    if a[0] != b[0] and not (a[0] in "aeiou" and b[0] in "aeiou"):
        return 0.0, ""
    shortest = min(len(a), len(b))
    distance = OSA.distance(a, b, score_cutoff=2)
    if distance == 1 and shortest >= 4:
        return (NEAR_SPELLING if shortest >= 6 else SHORT_NEAR_SPELLING), "near spelling"
    if distance == 2 and shortest >= 8:
        return SHORT_NEAR_SPELLING, "near spelling"
    if OSA.distance(pa, pb, score_cutoff=1) == 1 and min(len(pa), len(pb)) >= 4:
        return SHORT_NEAR_SPELLING, "near spelling"
    return 0.0, ""


def similarity(rules: NameRules, a: str, b: str, loose: bool = False) -> tuple[float, str]:
    """`token_similarity` under `rules`: every reading of an ambiguous spelling counts, and
    look-alike distinct names (Abdul, Abdullah) never match each other."""
    cache = rules.similarity_cache
    key = (a, b, loose)
    found = cache.get(key)
    if found is not None:
        return found
    if frozenset((a, b)) in rules.distinct:
        found = (0.0, "")
    else:
        found = token_similarity(a, b, loose)
        if found[0] < SAME and (a in rules.ambiguous or b in rules.ambiguous):
            for ra in rules.readings(a):
                for rb in rules.readings(b):
                    candidate = (SAME, "same") if ra == rb else token_similarity(ra, rb, loose)
                    if candidate[0] > found[0]:
                        found = candidate
    if len(cache) > 2_000_000:
        cache.clear()
    cache[key] = found
    return found


def blocking_keys(token: str, rules: NameRules) -> set[str]:
    """Keys under which a token is filed: the skeleton of each reading and its one-letter
    deletions, so that one consonant typo or swap (Kundi/Kudni, Nasir/Nazir) still meets."""
    keys: set[str] = set()
    for reading in rules.readings(token):
        key = skeleton(reading)
        keys.add(key)
        if len(key) >= 3:
            keys.update(key[:i] + key[i + 1 :] for i in range(len(key)))
    return keys


# --- names -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreparedName:
    """A normalized name with its token weights, ready to score."""

    norm: NormalizedName
    weights: tuple[float, ...]
    total: float


@lru_cache(maxsize=200_000)
def prepare_name(raw: str, kind: str, rules: NameRules) -> PreparedName:
    norm = normalize_name(raw, kind, rules)
    weights = tuple(rules.weight(t, kind) for t in norm.tokens)
    return PreparedName(norm, weights, sum(weights) or 1.0)


@dataclass(frozen=True, slots=True)
class NameAlignment:
    score: float
    pairs: tuple[tuple[float, int, int, str], ...]  # (similarity, query token, listed token, how)
    reordered: bool
    relative: int  # +1 the relative's name matches, -1 it differs, 0 not compared


def align_names(query: PreparedName, candidate: PreparedName, rules: NameRules) -> NameAlignment:
    """Greedy one-to-one token alignment (best pairs first, ties to the nearer position)."""
    q, c = query.norm, candidate.norm
    loose = q.loose or c.loose
    pairs = []
    for i, qt in enumerate(q.tokens):
        for j, ct in enumerate(c.tokens):
            sim, how = similarity(rules, qt, ct, bool(loose) and (i in q.loose or j in c.loose))
            if sim > 0:
                pairs.append((sim, i, j, how))
    if len(pairs) > 1:
        pairs.sort(key=lambda p: (-p[0], abs(p[1] - p[2])))
    used_q: set[int] = set()
    used_c: set[int] = set()
    chosen = []
    numerator = 0.0
    for pair in pairs:
        _, i, j, _ = pair
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        chosen.append(pair)
        numerator += pair[0] * (query.weights[i] + candidate.weights[j])
    score = numerator / (query.total + candidate.total)
    chosen.sort(key=lambda p: p[1])
    reordered = any(a[2] > b[2] for a, b in pairwise(chosen))
    if reordered:
        score += ORDER_CUT
    relative = 0
    if q.relatives and c.relatives:
        relative_score = align_names(
            _plain(q.relatives, q.kind), _plain(c.relatives, c.kind), rules
        ).score
        if relative_score >= DEFAULT_THRESHOLD:
            relative, score = 1, score + RELATIVE_BOOST
        elif relative_score < 0.5:
            relative, score = -1, score + RELATIVE_CUT
    return NameAlignment(max(0.0, min(1.0, score)), tuple(chosen), reordered, relative)


def _plain(tokens: tuple[str, ...], kind: str) -> PreparedName:
    norm = NormalizedName(" ".join(tokens), tokens, tokens, kind)
    return PreparedName(norm, (1.0,) * len(tokens), float(len(tokens)) or 1.0)


def _role(position: int, length: int, kind: str) -> str:
    if kind == "entity":
        return "name word"
    if length == 1:
        return "name"
    if position == 0:
        return "given name"
    if position == length - 1:
        return "surname"
    return "middle name"


def _show(surface: str) -> str:
    return "-".join(part.capitalize() for part in surface.replace(" ", "-").split("-") if part)


def alignment_reasons(
    query: PreparedName, candidate: PreparedName, alignment: NameAlignment
) -> list[str]:
    """The alignment in an officer's words: "given name variant Mohd->Muhammad", ..."""
    q, c = query.norm, candidate.norm
    reasons = [s for s in q.steps if not s.startswith("particle")]
    n = len(c.tokens)
    for _, i, j, how in sorted(alignment.pairs, key=lambda p: p[2]):
        role = _role(j, n, c.kind)
        qs, cs = _show(q.sources[i]), _show(c.sources[j])
        if how == "same":
            reasons.append(f"{role} exact" if qs == cs else f"{role} variant {qs}->{cs}")
        elif how == "initial":
            reasons.append(
                f"{role} initial {qs}. -> {cs}" if len(qs) == 1 else f"{role} {cs} as initial {cs}."
            )
        else:
            reasons.append(f"{role} {how} {qs}~{cs}")
    used_c = {j for _, _, j, _ in alignment.pairs}
    used_q = {i for _, i, _, _ in alignment.pairs}
    for j in range(n):
        if j not in used_c:
            reasons.append(f"listed {_role(j, n, c.kind)} {_show(c.sources[j])} not in query")
    for i in range(len(q.tokens)):
        if i not in used_q:
            reasons.append(f"query word {_show(q.sources[i])} not in listed name")
    if alignment.reordered:
        reasons.append("name order differs")
    if alignment.relative:
        verdict = "matches" if alignment.relative > 0 else "differs"
        reasons.append(f"{q.relation} name {verdict}")
    return reasons


def score_names(
    query: PreparedName, candidate: PreparedName, rules: NameRules
) -> tuple[float, list[str]]:
    """Name score 0..1 and the reasons for it."""
    alignment = align_names(query, candidate, rules)
    return alignment.score, alignment_reasons(query, candidate, alignment)


# --- identifiers -------------------------------------------------------------------------------


def compare_parsed_birth_dates(
    query_dobs: Sequence[BirthDate], party_dobs: Sequence[BirthDate]
) -> tuple[float, str]:
    """(score adjustment, reason) for the closest pair of dates; (0, "") if a side has none."""
    best: tuple[float, str] | None = None
    for qd in query_dobs:
        for pd in party_dobs:
            gap = abs(qd.year - pd.year)
            if qd.exact and pd.exact:
                if (qd.year, qd.month, qd.day) == (pd.year, pd.month, pd.day):
                    found = (DOB_EXACT_BOOST, f"DOB matches ({pd})")
                elif gap == 0:
                    found = (DOB_SAME_YEAR_CUT, f"DOB same year, other date ({qd} vs listed {pd})")
                elif gap == 1:
                    found = (DOB_NEAR_CUT, f"DOB one year apart ({qd} vs listed {pd})")
                else:
                    found = (DOB_CONFLICT_CUT, f"DOB conflict ({qd} vs listed {pd})")
            elif gap == 0:
                found = (DOB_YEAR_BOOST, f"DOB year matches ({pd.year})")
            elif gap == 1:
                found = (DOB_NEAR_CUT, f"DOB one year from listed {pd}")
            elif gap == 2:
                found = (DOB_TWO_YEARS_CUT, f"DOB two years from listed {pd}")
            else:
                found = (DOB_CONFLICT_CUT, f"DOB conflict ({qd} vs listed {pd})")
            if best is None or found[0] > best[0]:
                best = found
    return best or (0.0, "")


def compare_birth_dates(query_dobs: Sequence[str], party_dobs: Sequence[str]) -> tuple[float, str]:
    """`compare_parsed_birth_dates` over date strings ('YYYY-MM-DD', 'YYYY-MM', 'YYYY')."""
    return compare_parsed_birth_dates(
        [d for d in map(parse_birth_date, query_dobs) if d],
        [d for d in map(parse_birth_date, party_dobs) if d],
    )


def compare_country_codes(query: frozenset[str], party: frozenset[str]) -> tuple[float, str]:
    if not query or not party:
        return 0.0, ""
    shared = query & party
    if shared:
        return NATIONALITY_BOOST, f"nationality matches ({', '.join(sorted(shared))})"
    return (
        NATIONALITY_CUT,
        f"nationality differs ({', '.join(sorted(query))} vs listed {', '.join(sorted(party))})",
    )


def compare_nationalities(query: Sequence[str], party: Sequence[str]) -> tuple[float, str]:
    return compare_country_codes(
        frozenset(country_code(n) for n in query if n),
        frozenset(country_code(n) for n in party if n),
    )
