"""The matcher: variant families match with readable reasons, near misses do not, and the
identifiers (DOB, nationality, CNIC) raise or sink a name match."""

from __future__ import annotations

import random

import pytest

from compliance.screening.evidence import compare_date_strings
from compliance.screening.identifiers import normalize_address
from compliance.screening.matcher import DEFAULT_THRESHOLD, Party, Query, ScreeningIndex
from compliance.screening.scoring import align_names, prepare_name

LISTED = [
    Party(
        key=1,
        ref="QDi.101",
        source="UN",
        kind="person",
        names=("Muhammad Hamid Chaudhry", "Hamid Bhai"),
        alias_quality=(None, "low"),
        dobs=("1958-07-28",),
        nationalities=("PK",),
        id_numbers=("3520212345673",),
    ),
    Party(
        key=2,
        ref="QDi.102",
        source="UN",
        kind="person",
        names=("Zia-ul-Haq Lashkari",),
        dobs=("1953",),
        nationalities=("AF",),
    ),
    Party(
        key=3,
        ref="39003",
        source="OFAC",
        kind="person",
        names=("Noor Sultan Achakzai",),
        dobs=("1990-03-04",),
        nationalities=("AF",),
    ),
    Party(
        key=4,
        ref="39004",
        source="OFAC",
        kind="person",
        names=("Usman Tariq Khan",),
        dobs=("1964",),
        nationalities=("PK",),
    ),
    Party(
        key=5,
        ref="ORG-1",
        source="NACTA",
        kind="entity",
        names=("Al-Hidayat Welfare Society",),
        wallets=(("ETH", "0x50454F31af3176813e02ea68ef786e4d3cea27d2"),),
    ),
    Party(
        key=6,
        ref="4S-1",
        source="NACTA",
        kind="person",
        names=("Abdul Sattar s/o Muhammad Yousaf",),
        wallets=(
            ("BTC", "bc1qer754fzvnxxrmhdh6mzpwl58ucpazu35npqzx5"),
            ("BTC", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
        ),
    ),
    Party(
        key=7,
        ref="39007",
        source="OFAC",
        kind="person",
        names=("Muhammad Nawaz Kashmiri",),
        dobs=("1960-04-11",),
    ),
]


@pytest.fixture(scope="module")
def index() -> ScreeningIndex:
    return ScreeningIndex(LISTED, freeze=False)


def refs(matches) -> list[str]:
    return [m.ref for m in matches]


def test_index_knows_its_size(index):
    assert len(index) == len(LISTED)


def test_variant_spellings_match_with_reasons_an_officer_can_read(index):
    [match] = index.search(Query("Mohd Hamid Ch.", date_of_birth="1958"))
    assert match.ref == "QDi.101"
    assert match.matched_name == "Muhammad Hamid Chaudhry"
    assert match.name == "Muhammad Hamid Chaudhry"
    assert "given name variant Mohd->Muhammad" in match.reasons
    assert "middle name exact" in match.reasons
    assert "surname variant Ch->Chaudhry" in match.reasons
    assert "date of birth agrees: year 1958 (+0.04)" in match.reasons
    assert 0 < match.score <= 1


def test_particle_variants_match_the_listed_compound(index):
    for written in ("Zia ul Haq Lashkari", "Ziaul Haq Lashkari", "Zia Al Haque Lashkari"):
        assert refs(index.search(Query(written))) == ["QDi.102"], written


def test_titles_are_ignored_when_matching(index):
    [match] = index.search(Query("Maulana Hafiz Zia-ul-Haq Lashkari"))
    assert match.ref == "QDi.102"
    assert any("title" in reason for reason in match.reasons)


def test_swapped_order_matches_and_says_so(index):
    [match] = index.search(Query("Chaudhry Mohammad Hameed", date_of_birth="1958-07-28"))
    assert match.ref == "QDi.101"
    assert "name order differs" in match.reasons


def test_an_initial_stands_for_the_listed_name(index):
    [match] = index.search(Query("M. Hamid Chaudhry"))
    assert match.ref == "QDi.101"
    assert "given name initial M. -> Muhammad" in match.reasons


def test_typos_still_match(index):
    assert refs(index.search(Query("Muhmamad Nawaz Kashimri"))) == ["39007"]
    assert refs(index.search(Query("Mr. Usman Tarik Kahn"))) == ["39004"]
    assert refs(index.search(Query("Abdlu Sattar s/o Muhammad Yousaf"))) == ["4S-1"]


def test_abdul_and_abdullah_are_never_taken_for_each_other(index):
    assert index.search(Query("Abdullah Sattar s/o Muhammad Yousaf")) == []


def test_urdu_script_query_matches_the_latin_listing(index):
    [match] = index.search(Query("ضیاء الحق لشکری"))
    assert match.ref == "QDi.102"
    assert match.reasons[0].startswith("Urdu/Arabic script transliterated")


def test_a_missing_middle_name_matches_when_the_date_of_birth_agrees(index):
    [match] = index.search(Query("Noor Achakzai", date_of_birth="1990-03-04", nationality="AF"))
    assert match.ref == "39003"
    assert "listed middle name Sultan not in query" in match.reasons
    assert "date of birth agrees: 1990-03-04 (+0.08)" in match.reasons


def test_same_given_names_with_another_surname_do_not_match(index):
    assert index.search(Query("Muhammad Hamid Durrani")) == []
    assert index.search(Query("Usman Tariq Mehsud")) == []


def test_same_surname_with_other_given_names_does_not_match(index):
    assert index.search(Query("Muhammad Javed Chaudhry")) == []


def test_a_date_of_birth_conflict_sinks_an_exact_name(index):
    assert refs(index.search(Query("Muhammad Hamid Chaudhry"))) == ["QDi.101"]
    assert index.search(Query("Muhammad Hamid Chaudhry", date_of_birth="1974-07-28")) == []
    sunk = index.search(Query("Muhammad Hamid Chaudhry", date_of_birth="1974-07-28"), threshold=0)
    assert "date of birth conflicts: 1974-07-28 vs listed 1958-07-28 (-0.30)" in sunk[0].reasons


def test_a_year_only_listing_accepts_a_full_date_in_that_year(index):
    [match] = index.search(Query("Usman Tariq Khan", date_of_birth="1964-10-18"))
    assert "date of birth agrees: year 1964 (+0.04)" in match.reasons


def test_an_exact_cnic_match_is_decisive_whatever_the_name(index):
    [match] = index.search(Query("Someone Else Entirely", id_number="35202-1234567-3"))
    assert match.ref == "QDi.101"
    assert match.score == 1.0
    assert match.reasons[0] == "CNIC 35202-1234567-3 exact match (decisive)"


def test_a_different_cnic_sinks_a_name_match(index):
    assert index.search(Query("Muhammad Hamid Chaudhry", id_number="35202-7654321-1")) == []


def test_a_nationality_conflict_sinks_an_exact_name_and_says_so(index):
    [same] = index.search(Query("Zia-ul-Haq Lashkari", nationality="AF"))
    assert "nationality agrees: AF (+0.02)" in same.reasons
    assert index.search(Query("Zia-ul-Haq Lashkari", nationality="IQ")) == []
    [sunk] = index.search(Query("Zia-ul-Haq Lashkari", nationality="IQ"), threshold=0)
    assert sunk.score < same.score
    assert "nationality conflicts: IQ vs listed AF (-0.25)" in sunk.reasons


def test_a_low_quality_alias_scores_below_a_primary_name(index):
    [match] = index.search(Query("Hamid Bhai"), threshold=0.5)
    assert match.matched_name == "Hamid Bhai"
    assert match.score < 1.0
    assert "low-quality alias (-0.05)" in match.reasons


def test_the_relatives_name_after_s_o_confirms_or_contradicts(index):
    agreeing = index.search(Query("Abdul Sattar s/o Muhammad Yousaf"))
    assert "s/o name matches" in agreeing[0].reasons
    assert index.search(Query("Abdul Sattar s/o Gul Khan")) == []


def test_persons_and_entities_are_screened_apart(index):
    assert refs(index.search(Query("Hidayat Welfare Soc.", kind="entity"))) == ["ORG-1"]
    assert index.search(Query("Hidayat Welfare Society", kind="person")) == []
    assert refs(index.search(Query("Al Hidayat Welfare Society", kind=None))) == ["ORG-1"]


def test_entity_with_another_distinctive_word_does_not_match(index):
    assert index.search(Query("Al-Noor Welfare Society", kind="entity")) == []


def test_results_are_best_first_and_limited():
    parties = [
        Party(key=i, ref=f"R{i}", source="UN", kind="person", names=(name,))
        for i, name in enumerate(["Imran Khan", "Imran Ahmad Khan", "Muhammad Imran Khan"])
    ]
    index = ScreeningIndex(parties, freeze=False)
    matches = index.search(Query("Imran Khan"))
    assert matches[0].ref == "R0"
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert len(index.search(Query("Imran Khan"), limit=1)) == 1


def test_search_many_answers_each_query_in_order(index):
    results = index.search_many([Query("Zia ul Haq Lashkari"), Query("Nobody Known")])
    assert [refs(r) for r in results] == [["QDi.102"], []]


def test_wallets_compare_case_insensitively_for_hex_and_bech32_exactly_for_base58(index):
    assert [
        p.ref for p in index.wallet_matches("ETH", "0x50454f31AF3176813E02EA68EF786E4D3CEA27D2")
    ] == ["ORG-1"]
    assert [
        p.ref for p in index.wallet_matches("BSC", "0x50454f31af3176813e02ea68ef786e4d3cea27d2")
    ] == ["ORG-1"]
    assert [
        p.ref for p in index.wallet_matches("BTC", "BC1QER754FZVNXXRMHDH6MZPWL58UCPAZU35NPQZX5")
    ] == ["4S-1"]
    assert [p.ref for p in index.wallet_matches("BTC", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT")] == [
        "4S-1"
    ]
    assert index.wallet_matches("BTC", "1boatslrhtknngkdxeeobr76b53lettpyt") == []
    assert normalize_address(" 0xABCDEF0123456789abcdef0123456789ABCDEF01 ") == (
        "0xabcdef0123456789abcdef0123456789abcdef01"
    )


def test_delta_rescreen_indexes_customers_and_queries_with_the_new_entry():
    customers = ScreeningIndex(
        [
            Party(
                key=10,
                ref="C-10",
                source="customers",
                kind="person",
                names=("Mohammad Hameed Choudhry",),
                dobs=("1958-07-28",),
                id_numbers=(),
            ),
            Party(
                key=11,
                ref="C-11",
                source="customers",
                kind="person",
                names=("Muhammad Hamid Durrani",),
                dobs=("1958-07-28",),
            ),
        ],
        freeze=False,
    )
    new_entry = LISTED[0]
    query = Query.from_party(new_entry)
    assert query.aliases == ("Hamid Bhai",)
    assert query.all_dobs == ("1958-07-28",)
    [match] = customers.search(query)
    assert (match.party_key, match.ref, match.source) == (10, "C-10", "customers")
    assert "date of birth agrees: 1958-07-28 (+0.08)" in match.reasons


# --- blocking loses nothing ---------------------------------------------------------------------

GIVEN = [
    "Muhammad",
    "Abdul",
    "Ali",
    "Hamid",
    "Hameed",
    "Majid",
    "Sajid",
    "Nasir",
    "Nazir",
    "Asif",
    "Atif",
    "Usman",
    "Osman",
    "Zia-ul-Haq",
    "Ilyas",
    "Elias",
    "Qasim",
    "Kasim",
    "Noor",
    "Imran",
]
SURNAMES = [
    "Khan",
    "Chaudhry",
    "Choudhry",
    "Qureshi",
    "Koreshi",
    "Butt",
    "Bhatt",
    "Kundi",
    "Lashkari",
    "Lashari",
    "Achakzai",
    "Malik",
    "Mailk",
    "Siddiqui",
    "Sidiqui",
]


def _random_name(rng: random.Random) -> str:
    return " ".join([rng.choice(GIVEN) for _ in range(rng.randint(1, 2))] + [rng.choice(SURNAMES)])


def test_the_blocked_search_finds_exactly_what_scoring_every_name_would():
    rng = random.Random(7)
    parties = [
        Party(
            key=i,
            ref=str(i),
            source="T",
            kind="person",
            names=(_random_name(rng),),
            dobs=(f"{rng.randint(1950, 1999)}",) if rng.random() < 0.5 else (),
        )
        for i in range(400)
    ]
    index = ScreeningIndex(parties, freeze=False)
    listed = [prepare_name(p.names[0], "person", index.rules) for p in parties]
    for _ in range(60):
        query = Query(_random_name(rng), date_of_birth=f"{rng.randint(1950, 1999)}-01-01")
        prepared = prepare_name(query.name, "person", index.rules)
        expected = {
            party.key
            for party, candidate in zip(parties, listed)
            if min(
                1.0,
                align_names(prepared, candidate, index.rules).score
                + _dob_effect(query.all_dobs, party.dobs, index),
            )
            >= DEFAULT_THRESHOLD
        }
        found = {m.party_key for m in index.search(query, limit=1000)}
        assert found == expected, query.name


def _dob_effect(query_dobs, party_dobs, index) -> float:
    found = compare_date_strings(query_dobs, party_dobs, index.config)
    return found.effect if found else 0.0
