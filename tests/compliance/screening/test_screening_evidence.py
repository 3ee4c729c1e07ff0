"""Evidence beside the name: conflicts sink a name match unless strong evidence agrees, agreement
raises it, missing data is no evidence, and every effect is stated in the hit's reasons."""

from __future__ import annotations

import pytest

from compliance.screening.evidence import CONFLICTS, NEAR, compare_date_strings, weigh
from compliance.screening.matcher import Party, Query, ScreeningIndex
from compliance.screening.matcher_config import MatcherConfig

CONFIG = MatcherConfig()
LISTED = [
    Party(
        key=1,
        ref="L-1",
        source="UN",
        kind="person",
        names=("Muhammad Hamid Chaudhry",),
        dobs=("1958-07-28",),
        nationalities=("PK",),
    ),
    Party(
        key=2,
        ref="L-2",
        source="UN",
        kind="person",
        names=("Usman Tariq Khan",),
        dobs=("1964",),
    ),
    Party(key=3, ref="L-3", source="UN", kind="person", names=("Noor Sultan Achakzai",)),
]


@pytest.fixture(scope="module")
def index():
    return ScreeningIndex(LISTED, freeze=False)


@pytest.mark.parametrize(
    ("query", "listed", "verdict"),
    [
        ("1958-07-29", "1958-07-28", NEAR),  # one digit slipped in the day
        ("", "1958-07-28", None),  # missing: no evidence
        ("1958-07-28", "1958-07-28", "agrees"),
        ("1958-03-12", "1958-12-03", NEAR),  # day and month transposed
        ("1958-02-14", "1958-07-28", CONFLICTS),  # same year, another birthday
        ("1959-07-28", "1958-07-28", NEAR),  # one digit of the year
        ("1961-07-28", "1958-07-28", CONFLICTS),
        ("1965-01-01", "1964", NEAR),  # within the one-year tolerance of a year-only listing
        ("1966-01-01", "1964", CONFLICTS),
        ("1964", "1964-05-01", "agrees"),
    ],
)
def test_birth_date_verdicts_follow_the_documented_tolerance(query, listed, verdict):
    found = compare_date_strings([query], [listed], CONFIG)
    assert (found.verdict if found else None) == verdict


def test_a_full_date_conflict_sinks_an_exact_name_with_its_reason(index):
    assert index.search(Query("Muhammad Hamid Chaudhry", date_of_birth="1958-02-14")) == []
    [sunk] = index.search(Query("Muhammad Hamid Chaudhry", date_of_birth="1958-02-14"), threshold=0)
    assert "date of birth conflicts: 1958-02-14 vs listed 1958-07-28 (-0.30)" in sunk.reasons


def test_a_typing_slip_in_the_date_keeps_the_match(index):
    [match] = index.search(Query("Muhammad Hamid Chaudhry", date_of_birth="1958-07-29"))
    assert match.ref == "L-1"
    assert any(r.startswith("date of birth near: one digit apart") for r in match.reasons)


def test_a_matching_date_raises_the_score_and_outweighs_a_nationality_conflict(index):
    [agreeing] = index.search(
        Query("Muhammad Hamid Chaudhry", date_of_birth="1958-07-28", nationality="AF")
    )
    assert agreeing.ref == "L-1"
    assert "date of birth agrees: 1958-07-28 (+0.08)" in agreeing.reasons
    assert any(
        r.startswith("nationality conflicts") and "softened: other strong evidence agrees" in r
        for r in agreeing.reasons
    )


def test_missing_data_on_either_side_is_never_a_conflict(index):
    [match] = index.search(Query("Noor Sultan Achakzai", date_of_birth="1970-01-01"))
    assert match.score == 1.0
    assert not any("date of birth" in r for r in match.reasons)
    [match] = index.search(Query("Usman Tariq Khan"))
    assert match.score == 1.0


def test_a_different_cnic_is_a_conflict_unless_a_full_date_agrees():
    listed = Party(
        key=9,
        ref="L-9",
        source="NACTA",
        kind="person",
        names=("Gul Zaman Afridi",),
        dobs=("1970-01-02",),
        id_numbers=("35202-1234567-3",),
    )
    index = ScreeningIndex([listed], freeze=False)
    assert index.search(Query("Gul Zaman Afridi", id_number="35202-7654321-1")) == []
    [match] = index.search(
        Query("Gul Zaman Afridi", id_number="35202-7654321-1", date_of_birth="1970-01-02")
    )
    assert any(r.startswith("ID number conflicts: CNIC differs") for r in match.reasons)


def test_weigh_states_each_effect():
    found = compare_date_strings(["1958-07-28"], ["1958-07-28"], CONFIG)
    total, notes = weigh([found, None], CONFIG)
    assert total == CONFIG.dob_exact_boost
    assert notes == ["date of birth agrees: 1958-07-28 (+0.08)"]


def test_a_glued_article_meets_the_listed_name():
    index = ScreeningIndex(
        [Party(key=1, ref="L-1", source="UN", kind="person", names=("Ahmad al-Khalidi",))],
        freeze=False,
    )
    for written in ("Ahmad Alkhalidi", "Ahmed Elkhalidi", "Ahmad el-Khalidi"):
        assert [m.ref for m in index.search(Query(written))] == ["L-1"], written
