"""goAML validation: an invalid report is blocked with a problem naming the element."""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from lxml import etree

from reporting.goaml.builder import (
    Address,
    Identification,
    Party,
    Person,
    Phone,
    Report,
    ReportingEntity,
    Transaction,
    build_report_xml,
)
from reporting.goaml.lookups import DEFAULT_LOOKUPS
from reporting.goaml.validation import SCHEMA_PATH, get_schema, validate_report_xml

KARACHI = ZoneInfo("Asia/Karachi")
PHONE = Phone(
    contact_type="RESIDENTIAL",
    communication_type="MOBILE",
    country_prefix="92",
    number="3001234567",
)
CLIENT = Person(
    first_name="Ayesha",
    last_name="Malik",
    birthdate=date(1995, 7, 30),
    id_number="61101-1234567-8",
    nationality1="PK",
    residence="PK",
    phones=[PHONE],
    occupation="Software engineer",
    identification=[Identification(type="CNIC", number="61101-1234567-8")],
)
OFFICE = Address(
    address_type="BUSINESS", address="Jinnah Avenue", city="Islamabad", district="Islamabad"
)


def str_report(*, client: Person = CLIENT, **tx_changes) -> Report:
    tx = Transaction(
        number="TX-1",
        location="Mobile app",
        description="USDT withdrawal",
        date=datetime(2026, 4, 2, 12, 0, tzinfo=KARACHI),
        transmode_code="VA_TRANSFER",
        transmode_comment="USDT on TRON",
        amount_local=Decimal("450000"),
        from_party=Party(funds_code="VIRTUAL_ASSET", my_client=True, person=client),
        to_party=Party(
            funds_code="VIRTUAL_ASSET",
            country="AE",
            person=Person(first_name="Unknown", last_name="Beneficiary"),
        ),
    )
    return Report(
        kind="STR",
        entity_reference="STR-T-1",
        submission_date=datetime(2026, 4, 3, 10, 0, tzinfo=KARACHI),
        reporting_entity=ReportingEntity(
            rentity_id=99,
            branch="Head Office",
            name="Demo Exchange",
            location=OFFICE,
            reporting_person=Person(first_name="Sana", last_name="Qureshi"),
        ),
        transactions=[replace(tx, **tx_changes)],
        reason="Withdrawals just below the threshold, repeated daily.",
        indicators=["STRUCTURING"],
    )


def problems_of(report: Report, **kwargs) -> list:
    return validate_report_xml(build_report_xml(report), **kwargs)


def mutated(report: Report, change) -> bytes:
    root = etree.fromstring(build_report_xml(report))
    change(root)
    return etree.tostring(root)


def test_the_base_report_is_valid():
    assert problems_of(str_report()) == []


def test_empty_last_name_is_blocked_with_the_element_named():
    problems = problems_of(str_report(client=replace(CLIENT, last_name="  ")))

    assert len(problems) == 1
    assert problems[0].path == "/report/transaction[1]/t_from_my_client/from_person/last_name"
    assert problems[0].message == "last_name is empty; it needs at least 1 character."


def test_transmode_comment_over_50_characters_is_blocked():
    problems = problems_of(
        str_report(
            transmode_comment="USDT on TRON, routed through three hops of intermediary wallets"
        )
    )

    assert [p.path for p in problems] == ["/report/transaction[1]/transmode_comment"]
    assert problems[0].message == (
        "transmode_comment is 63 characters long; goAML allows at most 50."
    )


def test_my_client_without_birthdate_is_told_what_is_missing():
    problems = problems_of(str_report(client=replace(CLIENT, birthdate=None)))

    assert [p.path for p in problems] == [
        "/report/transaction[1]/t_from_my_client/from_person/birthdate"
    ]
    assert "birthdate is required in from_person but missing" in problems[0].message


def test_my_client_without_identification_is_blocked():
    problems = problems_of(str_report(client=replace(CLIENT, identification=())))

    assert [p.path for p in problems] == [
        "/report/transaction[1]/t_from_my_client/from_person/identification"
    ]


def test_third_party_person_needs_only_a_name():
    report = str_report()
    assert report.transactions[0].to_party.person.birthdate is None
    assert problems_of(report) == []


def test_code_missing_from_the_fmu_lookup_is_blocked_with_the_known_codes():
    problems = problems_of(str_report(transmode_code="TELEPORT"))

    assert [p.path for p in problems] == ["/report/transaction[1]/transmode_code"]
    assert problems[0].message.startswith(
        "transmode_code 'TELEPORT' is not on the FMU's transmission mode list. Known codes: CARD,"
    )


def test_country_must_be_an_iso_code():
    wrong_shape = problems_of(
        str_report(to_party=Party(funds_code="VIRTUAL_ASSET", country="UAE", person=CLIENT))
    )
    unknown = problems_of(
        str_report(to_party=Party(funds_code="VIRTUAL_ASSET", country="ZZ", person=CLIENT))
    )

    assert [p.message for p in wrong_shape] == [
        "to_country must be a two-letter ISO 3166 country code in capitals, e.g. PK; got 'UAE'."
    ]
    assert [p.message for p in unknown] == [
        "to_country 'ZZ' is not on the FMU's ISO 3166 country list."
    ]


def test_an_invalid_cnic_is_blocked():
    bad = replace(CLIENT, identification=[Identification(type="CNIC", number="61101-123")])
    problems = problems_of(str_report(client=bad))

    assert [p.path for p in problems] == [
        "/report/transaction[1]/t_from_my_client/from_person/identification[1]/number"
    ]
    assert "not a valid CNIC number" in problems[0].message


def test_str_without_a_reason_is_blocked():
    problems = problems_of(replace(str_report(), reason=None))

    assert [p.path for p in problems] == ["/report/reason"]
    assert problems[0].message.startswith("reason is required in STR reports")


def test_ctr_without_a_conductor_is_blocked():
    problems = problems_of(replace(str_report(), kind="CTR", indicators=()))

    assert [p.path for p in problems] == ["/report/transaction[1]/t_from_my_client/t_conductor"]
    assert problems[0].message.startswith("t_conductor is required in CTR reports")


def test_report_without_indicators_is_blocked():
    problems = problems_of(replace(str_report(), indicators=()))

    assert [p.path for p in problems] == ["/report/report_indicators/indicator"]


def test_all_problems_are_reported_at_once():
    report = str_report(
        client=replace(CLIENT, last_name="", birthdate=None), transmode_comment="x" * 51
    )

    assert [p.path.rsplit("/", 1)[-1] for p in problems_of(report)] == [
        "transmode_comment",
        "last_name",
        "birthdate",
    ]


def test_date_and_amount_formats_are_explained():
    def spoil(root):
        root.find("transaction/date_transaction").text = "02/04/2026"
        root.find("transaction/amount_local").text = "450,000"

    messages = [p.message for p in validate_report_xml(mutated(str_report(), spoil))]

    assert messages == [
        "date_transaction must be a date and time written YYYY-MM-DDThh:mm:ss; got '02/04/2026'.",
        "amount_local must be an amount with exactly two decimals and a dot, e.g. 2000000.00;"
        " got '450,000'.",
    ]


def test_unknown_and_misplaced_elements_are_named():
    def add_unknown(root):
        etree.SubElement(root.find("transaction"), "wallet_address").text = "T..."

    def misplace(root):
        tx = root.find("transaction")
        tx.insert(0, tx.find("amount_local"))

    unknown = validate_report_xml(mutated(str_report(), add_unknown))
    misplaced = validate_report_xml(mutated(str_report(), misplace))

    assert [p.path for p in unknown] == ["/report/transaction[1]/wallet_address"]
    assert unknown[0].message.startswith("wallet_address is not a goAML element of transaction")
    assert [p.path for p in misplaced] == ["/report/transaction[1]/amount_local"]
    assert "out of order" in misplaced[0].message


def test_malformed_xml_is_one_problem():
    problems = validate_report_xml(b"<report><rentity_id>1</report>")

    assert len(problems) == 1
    assert problems[0].path == "/"
    assert problems[0].message.startswith("The report is not well-formed XML")


def test_districts_are_checked_once_the_fmu_list_is_loaded():
    lookups = replace(DEFAULT_LOOKUPS, districts=frozenset({"Islamabad", "Lahore"}))
    misspelt = replace(
        CLIENT,
        addresses=[Address(address_type="RESIDENTIAL", address="H 1", city="Lhr", district="Lhr")],
    )

    assert problems_of(str_report(), lookups=lookups) == []
    problems = problems_of(str_report(client=misspelt), lookups=lookups)
    assert [p.path for p in problems] == [
        "/report/transaction[1]/t_from_my_client/from_person/addresses/address[1]/town"
    ]
    assert "FMU's district list; got 'Lhr'" in problems[0].message


def test_schema_only_validation_skips_the_lookup_lists():
    assert problems_of(str_report(transmode_code="TELEPORT"), lookups=None) == []


def test_schema_is_our_goaml_5_0_1_subset_and_is_loaded_once():
    assert SCHEMA_PATH.name == "goaml_5_0_1.xsd"
    assert SCHEMA_PATH.is_file()
    assert get_schema() is get_schema()


def test_problem_reads_as_path_and_message():
    problem = problems_of(str_report(client=replace(CLIENT, last_name="")))[0]

    assert str(problem) == (
        "/report/transaction[1]/t_from_my_client/from_person/last_name: "
        "last_name is empty; it needs at least 1 character."
    )
