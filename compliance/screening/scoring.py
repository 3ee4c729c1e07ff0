"""How two names, and the identifiers around them, are scored: plain functions, no index.

A name score is a weighted token alignment: every token weighs 1, common elements (Muhammad,
Abdul, Syed) and generic entity words (Private, Limited, Trust) weigh less; each aligned pair
counts its similarity times the weight of both tokens, an unmatched token on either side counts
nothing, and the sum is divided by the weight of both names. Token similarity levels (values
from the rules' `MatcherConfig`): the same canonical token 1.0; sounds alike (same consonant
skeleton, vowels within one edit); a typo (one edit, never in the first letter), lower in a
short word; two typos in a long word (or two vowel slips on the same consonants); an initial.

The date of birth, nationality, relative's name (s/o) and CNIC then raise or cut the name score
(`evidence`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from rapidfuzz.distance import OSA

from compliance.screening.matcher_config import MatcherConfig, default_config
from compliance.screening.names import NameRules, NormalizedName, normalize_name, phonetic, skeleton

DEFAULT_THRESHOLD = default_config().threshold  # the shipped value; the active config decides

# Token similarity levels, named; their values come from the rules' `MatcherConfig`.
SAME, SOUNDS_ALIKE, NEAR_SPELLING, SHORT_NEAR_SPELLING, TWO_EDITS, INITIAL = (
    "same",
    "sounds_alike",
    "near_spelling",
    "short_near_spelling",
    "two_edits",
    "initial",
)


def level_value(config: MatcherConfig, level: str) -> float:
    if level == SAME:
        return 1.0
    return getattr(config, f"level_{level}") if level else 0.0


# --- tokens ------------------------------------------------------------------------------------


@lru_cache(maxsize=1_000_000)
def token_level(a: str, b: str, loose: bool = False) -> tuple[str, str]:
    """(similarity level, how) of two canonical tokens; ("", "") when they differ.

    `loose` marks a token read letter by letter from Urdu script, whose vowels are guesses:
    its consonants are compared only.
    """
    if a == b:
        return SAME, "same"
    if _without_article(a) == b or _without_article(b) == a:
        return SOUNDS_ALIKE, "article glued"
    if len(a) == 1 or len(b) == 1:
        if len(a) != len(b) and a[0] == b[0]:
            return INITIAL, "initial"
        return "", ""
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
        return "", ""
    shortest = min(len(a), len(b))
    distance = OSA.distance(a, b, score_cutoff=2)
    if distance == 1 and shortest >= 4:
        return (NEAR_SPELLING if shortest >= 6 else SHORT_NEAR_SPELLING), "near spelling"
    if OSA.distance(pa, pb, score_cutoff=1) == 1 and min(len(pa), len(pb)) >= 4:
        return SHORT_NEAR_SPELLING, "near spelling"
    if distance == 2 and shortest >= 7:
        return TWO_EDITS, "two typos"
    if distance == 2 and shortest >= 5 and OSA.distance(sa, sb, score_cutoff=1) <= 1:
        return TWO_EDITS, "two typos"
    return "", ""


def _without_article(token: str) -> str:
    """The name in a token with the Arabic article glued on ("alkhalidi", "elmasri"), or ""."""
    if len(token) >= 6 and token[:2] in ("al", "el") and token[2] not in "aeiouy":
        return token[2:]
    return ""


def token_similarity(
    a: str, b: str, loose: bool = False, config: MatcherConfig | None = None
) -> tuple[float, str]:
    """(similarity 0..1, how) of two canonical tokens under `config` (the built-in one if None)."""
    level, how = token_level(a, b, loose)
    return level_value(config or _BUILT_IN, level), how


_BUILT_IN = MatcherConfig()


def similarity(rules: NameRules, a: str, b: str, loose: bool = False) -> tuple[float, str]:
    """`token_similarity` under `rules`: every reading of an ambiguous spelling counts, and
    look-alike distinct names (Abdul, Abdullah) never match each other."""
    cache = rules.similarity_cache
    key = (a, b, loose)
    found = cache.get(key)
    if found is not None:
        return found
    config = rules.config
    if frozenset((a, b)) in rules.distinct:
        found = (0.0, "")
    else:
        found = token_similarity(a, b, loose, config)
        if found[0] < 1.0 and (a in rules.ambiguous or b in rules.ambiguous):
            for ra in rules.readings(a):
                for rb in rules.readings(b):
                    candidate = (
                        (1.0, "same") if ra == rb else token_similarity(ra, rb, loose, config)
                    )
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
    readings = rules.readings(token)
    bare = _without_article(token)
    if bare:
        readings = (*readings, bare)  # "Alkhalidi" also meets "Khalidi"
    for reading in readings:
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
    # The least the name can weigh in a score: its middle names count only
    # `unmatched_middle_share` when left out (a dropped middle name). The candidate stage bounds
    # with it, so blocking never loses a name the discount lifts over the threshold.
    floor: float = 0.0


@lru_cache(maxsize=200_000)
def prepare_name(raw: str, kind: str, rules: NameRules) -> PreparedName:
    norm = normalize_name(raw, kind, rules)
    weights = tuple(rules.weight(t, kind) for t in norm.tokens)
    total = sum(weights) or 1.0
    middle = sum(weights[1:-1]) if kind == "person" and len(weights) >= 3 else 0.0
    return PreparedName(
        norm, weights, total, total - (1.0 - rules.config.unmatched_middle_share) * middle
    )


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
    config = rules.config
    denominator = query.total + candidate.total
    if q.kind == "person" and chosen:
        # A middle name one side leaves out while every other word matches: a dropped or added
        # middle name, the commonest difference between two renderings of one person.
        if len(used_q) == len(q.tokens):
            denominator -= _unmatched_middle(candidate, used_c, config)
        elif len(used_c) == len(c.tokens):
            denominator -= _unmatched_middle(query, used_q, config)
    score = numerator / denominator
    chosen.sort(key=lambda p: p[1])
    reordered = any(a[2] > b[2] for a, b in pairwise(chosen))
    if reordered:
        score += config.order_cut
    relative = 0
    if q.relatives and c.relatives:
        relative_score = align_names(
            _plain(q.relatives, q.kind), _plain(c.relatives, c.kind), rules
        ).score
        if relative_score >= config.threshold:
            relative, score = 1, score + config.relative_boost
        elif relative_score < 0.5:
            relative, score = -1, score + config.relative_cut
    return NameAlignment(max(0.0, min(1.0, score)), tuple(chosen), reordered, relative)


def _unmatched_middle(name: PreparedName, used: set[int], config: MatcherConfig) -> float:
    """The weight taken off the denominator for `name`'s middle names left unmatched."""
    last = len(name.weights) - 1
    if last < 2 or 0 not in used or last not in used:
        return 0.0
    left_out = sum(name.weights[j] for j in range(1, last) if j not in used)
    return (1.0 - config.unmatched_middle_share) * left_out


def _plain(tokens: tuple[str, ...], kind: str) -> PreparedName:
    norm = NormalizedName(" ".join(tokens), tokens, tokens, kind)
    total = float(len(tokens)) or 1.0
    return PreparedName(norm, (1.0,) * len(tokens), total, total)


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
