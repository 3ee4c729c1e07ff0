"""Evidence beside the name: date of birth, nationality, ID number. Plain functions, no index.

Each comparison gives an `Evidence`: what was compared, whether it agrees, is near (a typing
slip within the documented tolerance) or conflicts, whether an agreement is strong, and its
effect on the score under a `MatcherConfig` (see `matcher_config` for the rules in words).
`weigh` combines them: agreements add, a conflict cuts enough to sink an exact name, unless
another strong piece of evidence agrees (then only `corroborated_conflict_share` of the cut
applies). Missing data on either side gives no evidence at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from compliance.screening.identifiers import BirthDate, country_code, parse_birth_date
from compliance.screening.matcher_config import MatcherConfig

AGREES, NEAR, CONFLICTS = "agrees", "near", "conflicts"


@dataclass(frozen=True, slots=True)
class Evidence:
    kind: str  # "date of birth", "nationality", "ID number", "relative's name"
    verdict: str  # AGREES, NEAR, CONFLICTS
    strong: bool  # a full date, an ID number, a relative's name: identifies a person
    effect: float  # on the score, before any corroboration scaling
    detail: str

    def note(self, applied: float) -> str:
        sign = "+" if applied >= 0 else "-"
        return f"{self.kind} {self.verdict}: {self.detail} ({sign}{abs(applied):.2f})"


def _one_slip(a: int, b: int) -> bool:
    """Two numbers written with one digit changed or two adjacent digits swapped."""
    sa, sb = f"{a:02d}", f"{b:02d}"
    if len(sa) != len(sb):
        return False
    diffs = [i for i in range(len(sa)) if sa[i] != sb[i]]
    if len(diffs) == 1:
        return True
    return (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and sa[diffs[0]] == sb[diffs[1]]
        and (sa[diffs[1]] == sb[diffs[0]])
    )


def _full_dates(q: BirthDate, p: BirthDate, config: MatcherConfig) -> Evidence:
    shown = f"{q} vs listed {p}"
    if (q.year, q.month, q.day) == (p.year, p.month, p.day):
        return Evidence("date of birth", AGREES, True, config.dob_exact_boost, f"{p}")
    if q.year == p.year and (q.month, q.day) == (p.day, p.month):
        return Evidence(
            "date of birth", NEAR, False, config.dob_near_cut, f"day and month swapped ({shown})"
        )
    differing = [
        (a, b) for a, b in ((q.year, p.year), (q.month, p.month), (q.day, p.day)) if a != b
    ]
    year_slip = q.year == p.year or abs(q.year - p.year) <= config.dob_year_tolerance
    if len(differing) == 1 and year_slip and _one_slip(*differing[0]):
        return Evidence(
            "date of birth", NEAR, False, config.dob_near_cut, f"one digit apart ({shown})"
        )
    return Evidence("date of birth", CONFLICTS, False, config.dob_conflict_cut, shown)


def _partial_dates(q: BirthDate, p: BirthDate, config: MatcherConfig) -> Evidence:
    gap = abs(q.year - p.year)
    if gap == 0:
        same_month = q.month is None or p.month is None or q.month == p.month
        if same_month:
            return Evidence("date of birth", AGREES, False, config.dob_year_boost, f"year {p.year}")
        return Evidence(
            "date of birth",
            NEAR,
            False,
            config.dob_near_cut,
            f"same year, other month ({q} vs {p})",
        )
    if gap <= config.dob_year_tolerance:
        return Evidence(
            "date of birth",
            NEAR,
            False,
            config.dob_near_cut,
            f"{gap} year(s) from listed {p}, within {config.dob_year_tolerance}",
        )
    return Evidence(
        "date of birth", CONFLICTS, False, config.dob_conflict_cut, f"{q} vs listed {p}"
    )


def compare_birth_dates(
    query_dobs: Sequence[BirthDate], party_dobs: Sequence[BirthDate], config: MatcherConfig
) -> Evidence | None:
    """The most favourable pairing of the dates each side gives (a list may give several)."""
    best: Evidence | None = None
    for qd in query_dobs:
        for pd in party_dobs:
            found = (
                _full_dates(qd, pd, config)
                if qd.exact and pd.exact
                else _partial_dates(qd, pd, config)
            )
            if best is None or (found.effect, found.strong) > (best.effect, best.strong):
                best = found
    return best


def compare_date_strings(
    query_dobs: Sequence[str], party_dobs: Sequence[str], config: MatcherConfig
) -> Evidence | None:
    return compare_birth_dates(
        [d for d in map(parse_birth_date, query_dobs) if d],
        [d for d in map(parse_birth_date, party_dobs) if d],
        config,
    )


def compare_countries(
    query: frozenset[str], party: frozenset[str], config: MatcherConfig
) -> Evidence | None:
    if not query or not party:
        return None
    shared = query & party
    if shared:
        return Evidence(
            "nationality", AGREES, False, config.nationality_boost, ", ".join(sorted(shared))
        )
    return Evidence(
        "nationality",
        CONFLICTS,
        False,
        config.nationality_conflict_cut,
        f"{', '.join(sorted(query))} vs listed {', '.join(sorted(party))}",
    )


def compare_nationalities(
    query: Sequence[str], party: Sequence[str], config: MatcherConfig
) -> Evidence | None:
    return compare_countries(
        frozenset(c for c in map(country_code, query) if c),
        frozenset(c for c in map(country_code, party) if c),
        config,
    )


def compare_cnics(
    query: frozenset[str], party: frozenset[str], config: MatcherConfig
) -> Evidence | None:
    """Two different CNICs: different people (an equal one is decisive, found by the index)."""
    if not query or not party or query & party:
        return None
    return Evidence("ID number", CONFLICTS, False, config.id_conflict_cut, "CNIC differs")


def weigh(
    evidence: Sequence[Evidence | None], config: MatcherConfig, *, corroborated: bool = False
) -> tuple[float, list[str]]:
    """(total effect, one explanation per piece). `corroborated` says strong evidence outside
    this list (the relative's name) agrees."""
    present = [e for e in evidence if e is not None]
    strong_agreement = corroborated or any(e.strong and e.verdict == AGREES for e in present)
    total = 0.0
    notes = []
    for item in present:
        applied = item.effect
        if item.verdict == CONFLICTS and strong_agreement:
            applied *= config.corroborated_conflict_share
            notes.append(item.note(applied) + " - softened: other strong evidence agrees")
        else:
            notes.append(item.note(applied))
        total += applied
    return total, notes
