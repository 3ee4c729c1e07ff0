"""Watchlist parsers on files in the real source formats (UN consolidated XML, OFAC SDN XML,
NACTA CSV, the house CSV)."""

from __future__ import annotations

import io
import types
from pathlib import Path

import pytest

from compliance.screening.parsers import (
    PARSERS,
    ListedEntry,
    WatchlistFormatError,
    parse_house_csv,
    parse_nacta,
    parse_ofac_sdn,
    parse_un,
)

FIXTURES = Path(__file__).parent / "fixtures"


def by_id(entries) -> dict[str, ListedEntry]:
    return {e.entry_id: e for e in entries}


# --- UN ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def un() -> dict[str, ListedEntry]:
    return by_id(parse_un(FIXTURES / "un_consolidated.xml"))


def test_un_entry_id_is_the_reference_number(un):
    assert sorted(un) == ["QDe.911", "QDi.901", "TAi.905"]


def test_un_individual_name_joins_the_name_parts(un):
    entry = un["QDi.901"]
    assert (entry.list_code, entry.kind, entry.name) == ("UN", "person", "ZIA-UL-HAQ LASHKARI")
    assert entry.program == "Al-Qaida"
    assert entry.remarks.startswith("Finance chief")


def test_un_aliases_keep_their_quality_and_the_original_script_name(un):
    assert un["QDi.901"].aliases == [
        ("Zia ul Haq Lashkari", "good"),
        ("Qari Zia", "low"),
        ("ضیاء الحق لشکری", "original script"),
    ]


def test_un_empty_alias_elements_are_skipped(un):
    assert un["TAi.905"].aliases == [("Abd al-Sattar Achekzai", "a.k.a.")]


def test_un_dates_of_birth_exact_approximate_year_and_between(un):
    assert un["QDi.901"].dobs == ["1971-04-02"]
    assert un["TAi.905"].dobs == ["1961", "1963", "1964", "1965"]


def test_un_nationalities_and_documents_with_cnic_recognized(un):
    assert un["TAi.905"].nationalities == ["Afghanistan", "Pakistan"]
    assert un["QDi.901"].id_numbers == [("CNIC", "14301-1234567-1"), ("Passport", "AB1234561")]


def test_un_entity_is_an_entity_with_its_aliases(un):
    entity = un["QDe.911"]
    assert (entity.kind, entity.name) == ("entity", "AL-MADINA TRADERS")
    assert entity.aliases == [("Al Madina Trading Company", "good"), ("AMT", "low")]


def test_un_party_carries_normalized_ids_and_country_codes(un):
    party = un["QDi.901"].to_party(key=42)
    assert (party.key, party.ref, party.source) == (42, "QDi.901", "UN")
    assert party.names[0] == "ZIA-UL-HAQ LASHKARI"
    assert party.alias_quality == (None, "good", "low", "original script")
    assert party.id_numbers == ("1430112345671", "AB1234561")
    assert party.nationalities == ("PK",)


# --- OFAC ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ofac() -> dict[str, ListedEntry]:
    return by_id(parse_ofac_sdn(FIXTURES / "ofac_sdn.xml"))


def test_ofac_entries_are_read_through_the_xml_namespace(ofac):
    assert sorted(ofac) == ["39001", "39002", "39003"]
    person = ofac["39001"]
    assert (person.list_code, person.kind, person.name) == (
        "OFAC",
        "person",
        "Muhammad Hamid CHAUDHRY",
    )
    assert person.program == "SDGT; CYBER2"


def test_ofac_digital_currency_addresses_become_wallets_with_their_chain(ofac):
    assert ofac["39001"].wallets == [
        ("BTC", "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"),
        ("ETH", "0x8576aCC5c05D6Ce88f4e49bf65BdF0C62F91353C"),
    ]
    assert ofac["39002"].wallets == [
        ("TRX", "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"),
        ("BTC", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
        ("USDT", "0x19Aa5Fe80D33a56D56c78e82eA5E50E5d80b4Dff"),
    ]


def test_ofac_other_ids_stay_ids_and_a_pakistani_national_id_is_a_cnic(ofac):
    assert ofac["39001"].id_numbers == [("CNIC", "35202-1234567-3"), ("Passport", "BN4196361")]


def test_ofac_weak_aka_is_a_low_quality_alias(ofac):
    assert ofac["39001"].aliases == [("Mohammad Hameed CHOUDHRY", "good"), ("HAMID BHAI", "low")]


def test_ofac_dates_of_birth_in_its_text_forms(ofac):
    assert ofac["39001"].dobs == ["1958-07-28", "1959"]
    assert ofac["39003"].dobs == ["1988", "1989", "1990"]


def test_ofac_entity_and_citizenship(ofac):
    assert (ofac["39002"].kind, ofac["39002"].name) == ("entity", "FALAH EXCHANGE COMPANY")
    assert ofac["39003"].nationalities == ["Afghanistan"]


# --- NACTA ---------------------------------------------------------------------------------


def test_nacta_fourth_schedule_person_with_father_name_and_cnic_as_id():
    entries = list(parse_nacta(FIXTURES / "nacta_fourth_schedule.csv"))
    first = entries[0]
    assert (first.entry_id, first.kind, first.name, first.father_name) == (
        "35202-1234567-1",
        "person",
        "Muhammad Akram",
        "Ghulam Rasool",
    )
    assert first.id_numbers == [("CNIC", "35202-1234567-1")]
    assert first.program == "NACTA-4TH-SCHEDULE"
    assert first.to_party(1).names == ("Muhammad Akram s/o Ghulam Rasool",)


def test_nacta_cnic_written_with_spaces_is_read():
    entries = by_id(parse_nacta(FIXTURES / "nacta_fourth_schedule.csv"))
    assert entries["42101-2223334-7"].to_party(1).id_numbers == ("4210122233347",)


def test_nacta_person_without_cnic_gets_a_stable_id():
    first = [e for e in parse_nacta(FIXTURES / "nacta_fourth_schedule.csv") if not e.id_numbers]
    again = [e for e in parse_nacta(FIXTURES / "nacta_fourth_schedule.csv") if not e.id_numbers]
    assert [e.entry_id for e in first] == [e.entry_id for e in again]
    assert first[0].entry_id.startswith("4S-")


def test_nacta_proscribed_organizations_file():
    entries = list(parse_nacta(FIXTURES / "nacta_organizations.csv"))
    assert [e.entry_id for e in entries] == ["ORG-1", "ORG-2", "ORG-3"]
    assert entries[0].kind == "entity"
    assert entries[0].aliases == [("ATWT", None), ("Tanzeem Welfare Trust", None)]
    assert entries[0].program == "NACTA-PROSCRIBED"


# --- house CSV -----------------------------------------------------------------------------


def test_house_csv_multi_valued_cells_ids_and_wallets():
    entries = by_id(parse_house_csv(FIXTURES / "house_watchlist.csv"))
    person = entries["HW-001"]
    assert (person.list_code, person.kind, person.program) == ("UN", "person", "UN-1267")
    assert person.aliases == [("Mohammad Ismael Javaid", None), ("Ismail Javed", None)]
    assert person.dobs == ["1990-04-20", "1991"]
    assert person.id_numbers == [("CNIC", "33119-5154287-7"), ("passport", "AB7654321")]
    assert person.wallets == [
        ("ETH", "0x50454F31af3176813e02ea68ef786e4d3cea27d2"),
        ("BTC", "bc1qer754fzvnxxrmhdh6mzpwl58ucpazu35npqzx5"),
    ]
    assert entries["HW-002"].wallets == [("TRX", "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL")]
    assert entries["HW-003"].nationalities == ["AF", "PK"]


def test_parsers_accept_open_files_as_well_as_paths():
    with open(FIXTURES / "house_watchlist.csv", "rb") as handle:
        assert len(list(parse_house_csv(handle))) == 3
    with open(FIXTURES / "ofac_sdn.xml", "rb") as handle:
        assert len(list(parse_ofac_sdn(handle))) == 3
    assert (
        len(list(parse_house_csv(io.StringIO((FIXTURES / "house_watchlist.csv").read_text())))) == 3
    )


# --- streaming, errors, registry ---------------------------------------------------------------


def test_xml_parsers_stream_entry_by_entry():
    text = (FIXTURES / "un_consolidated.xml").read_bytes()
    truncated = text[: text.index(b"<INDIVIDUAL>", text.index(b"QDi.901"))]
    entries = parse_un(io.BytesIO(truncated))
    assert isinstance(entries, types.GeneratorType)
    assert next(entries).entry_id == "QDi.901"  # read before the broken end is reached
    with pytest.raises(WatchlistFormatError):
        next(entries)


@pytest.mark.parametrize(
    ("parser", "fixture"),
    [
        (parse_un, "ofac_sdn.xml"),
        (parse_ofac_sdn, "un_consolidated.xml"),
        (parse_un, "house_watchlist.csv"),
        (parse_house_csv, "nacta_fourth_schedule.csv"),
        (parse_nacta, "house_watchlist.csv"),
    ],
)
def test_a_file_in_another_format_is_refused_clearly(parser, fixture):
    with pytest.raises(WatchlistFormatError):
        list(parser(FIXTURES / fixture))


def test_an_empty_file_is_refused():
    for parser in PARSERS.values():
        with pytest.raises(WatchlistFormatError):
            list(parser(io.BytesIO(b"")))


def test_the_registry_maps_the_import_source_codes():
    registry = {
        "un": parse_un,
        "ofac_sdn": parse_ofac_sdn,
        "nacta": parse_nacta,
        "csv": parse_house_csv,
    }
    assert registry == PARSERS


def test_fingerprint_ignores_order_and_changes_with_content(un):
    entry = un["TAi.905"]
    reordered = ListedEntry(**{**entry.__dict__, "dobs": list(reversed(entry.dobs))})
    assert reordered.fingerprint() == entry.fingerprint()
    changed = ListedEntry(**{**entry.__dict__, "dobs": ["1962"]})
    assert changed.fingerprint() != entry.fingerprint()
    renamed = ListedEntry(**{**entry.__dict__, "name": "ABDUL SATTAR ACHEKZAI"})
    assert renamed.fingerprint() != entry.fingerprint()
