"""goAML XML builder: STR (crypto), CTR, STR-F and an entity customer, valid against the XSD."""

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from reporting.goaml.builder import (
    Account,
    Address,
    CryptoDetail,
    Entity,
    Identification,
    Party,
    Person,
    Phone,
    Report,
    ReportingEntity,
    Signatory,
    Transaction,
    build_report_xml,
    format_amount,
)
from reporting.goaml.lookups import DEFAULT_LOOKUPS
from reporting.goaml.validation import validate_report_xml

KARACHI = ZoneInfo("Asia/Karachi")


def pkt(*args: int) -> datetime:
    return datetime(*args, tzinfo=KARACHI)


def mobile(number: str) -> Phone:
    return Phone(
        contact_type="RESIDENTIAL", communication_type="MOBILE", country_prefix="92", number=number
    )


OFFICE = Address(
    address_type="BUSINESS",
    address="Office 1204, Ocean Tower, Block 9 Clifton",
    city="Karachi",
    district="Karachi South",
    state="Sindh",
    zip="75600",
)

MLRO = Person(
    title="MLRO",
    first_name="Sana",
    last_name="Qureshi",
    phones=[mobile("3211234567")],
    email="mlro@demo-exchange.pk",
    occupation="Money Laundering Reporting Officer",
)

EXCHANGE = ReportingEntity(
    rentity_id=4711,
    branch="Head Office Karachi",
    name="Demo Exchange (Pvt) Ltd",
    location=OFFICE,
    reporting_person=MLRO,
    institution_code="DEMOEX",
)

CUSTOMER = Person(
    gender="M",
    first_name="Muhammad",
    last_name="Usman",
    birthdate=date(1991, 4, 12),
    birth_place="Lahore",
    mothers_name="Nasreen Bibi",
    father_name="Abdul Rehman",
    id_number="3520212345671",
    nationality1="PK",
    residence="PK",
    phones=[mobile("3001234567")],
    addresses=[
        Address(
            address_type="RESIDENTIAL",
            address="House 12, Street 4",
            town="Model Town",
            district="Lahore",
            city="Lahore",
            state="Punjab",
        )
    ],
    email="usman@example.pk",
    occupation="Textile trader",
    identification=[
        Identification(
            type="CNIC",
            number="35202-1234567-1",
            issue_date=date(2019, 6, 1),
            expiry_date=date(2029, 6, 1),
            issued_by="NADRA",
        )
    ],
    source_of_wealth="Family textile business",
)

WALLET = "TQ5NfXQY7kP3vQ3JrCk7mFJ9yVh2Lq8dRe"
HOT_WALLET = "TGzz8gjYiYRqpfmDwnLxfgPuLVNmpCswVp"
VASP = "Gulf Digital Assets FZE"


def customer_account(**changes) -> Account:
    account = Account(
        account="DX-000123",
        non_bank_institution=True,
        currency_code="PKR",
        account_name="Muhammad Usman",
        client_number="C-00123",
        personal_account_type="VA_CUSTODY",
        signatories=[Signatory(person=CUSTOMER, role="HOLDER")],
        opened=date(2024, 1, 15),
        balance=Decimal("152000.5"),
        date_balance=pkt(2026, 3, 17, 23, 0),
        status_code="ACTIVE",
    )
    return replace(account, **changes)


def crypto_str(**changes) -> Report:
    crypto = CryptoDetail(
        asset="USDT",
        amount=Decimal("12500.000000"),
        chain="TRON (TRC-20)",
        from_wallet=HOT_WALLET,
        to_wallet=WALLET,
        counterparty_vasp=VASP,
        tx_hash="a3f1c2d4e5b6978812ab34cd56ef7890a3f1c2d4e5b6978812ab34cd56ef7890",
    )
    withdrawal = Transaction(
        number="TX-2026-000981",
        internal_ref="WD-55120",
        location="Mobile app",
        description="Withdrawal of USDT to an external wallet",
        date=pkt(2026, 3, 17, 14, 5, 9),
        transmode_code="VA_TRANSFER",
        amount_local=Decimal("3512500"),
        from_party=Party(
            funds_code="VIRTUAL_ASSET", my_client=True, account=customer_account(), country="PK"
        ),
        to_party=Party(
            funds_code="VIRTUAL_ASSET",
            country="AE",
            account=Account(
                institution_name=VASP,
                institution_code="VARA-0042",
                non_bank_institution=True,
                account=WALLET,
                personal_account_type="VA_WALLET",
                comments="USDT deposit address on TRON",
            ),
        ),
        crypto=crypto,
    )
    report = Report(
        kind="STR",
        entity_reference="STR-2026-0007",
        submission_date=pkt(2026, 3, 18, 11, 30),
        reporting_entity=EXCHANGE,
        transactions=[withdrawal],
        reason="Deposits of PKR just under the CTR threshold, converted to USDT and withdrawn "
        "within hours to a wallet at a foreign VASP; no travel-rule data returned.",
        action="Account placed under enhanced monitoring; withdrawals held for review.",
        indicators=["TRAVEL_RULE_MISSING", "RAPID_MOVEMENT"],
    )
    return replace(report, **changes)


def parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def test_str_with_a_crypto_withdrawal_to_another_vasp_is_valid_against_the_schema():
    xml = build_report_xml(crypto_str())

    assert validate_report_xml(xml) == []
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


def test_crypto_transfer_names_asset_amount_chain_wallets_vasp_and_hash():
    root = parse(build_report_xml(crypto_str()))
    tx = root.find("transaction")

    assert tx.findtext("transmode_comment") == "USDT on TRON (TRC-20)"
    assert tx.findtext("t_from_my_client/from_funds_comment") == "12500 USDT on TRON (TRC-20)"
    to_account = tx.find("t_to/to_account")
    assert to_account.findtext("institution_name") == VASP
    assert to_account.findtext("account") == WALLET
    item = tx.find("goods_services/item")
    assert item.findtext("item_type") == "VIRTUAL_ASSET"
    assert (item.findtext("size"), item.findtext("size_uom")) == ("12500", "USDT")
    assert item.findtext("estimated_value") == "3512500.00"
    assert item.findtext("identification_number").startswith("a3f1c2d4")
    comments = tx.findtext("comments")
    for fact in (HOT_WALLET, WALLET, VASP, "12500 USDT on TRON (TRC-20)"):
        assert fact in comments


def test_my_client_carries_the_cnic_as_ssn_id_number_and_identification():
    root = parse(build_report_xml(crypto_str()))
    person = root.find("transaction/t_from_my_client/from_account/signatory/t_person")

    assert person.findtext("ssn") == "35202-1234567-1"
    assert person.findtext("id_number") == "35202-1234567-1"
    assert person.findtext("identification/type") == "CNIC"
    assert person.findtext("identification/number") == "35202-1234567-1"
    assert person.findtext("identification/issue_country") == "PK"


def test_fathers_name_goes_to_the_person_comments():
    root = parse(build_report_xml(crypto_str()))
    person = root.find("transaction/t_from_my_client/from_account/signatory/t_person")

    assert person.findtext("comments") == "Father's name: Abdul Rehman"
    assert person.find("alias") is None


def test_district_goes_to_town_and_province_to_state():
    root = parse(build_report_xml(crypto_str()))
    home = root.find(
        "transaction/t_from_my_client/from_account/signatory/t_person/addresses/address"
    )

    assert home.findtext("town") == "Lahore"
    assert home.findtext("state") == "Punjab"
    assert home.findtext("comments") == "Town/locality: Model Town"
    assert root.findtext("location/town") == "Karachi South"


def test_my_client_account_is_held_with_the_reporting_entity_unless_told_otherwise():
    root = parse(build_report_xml(crypto_str()))
    account = root.find("transaction/t_from_my_client/from_account")

    assert account.findtext("institution_name") == "Demo Exchange (Pvt) Ltd"
    assert account.findtext("institution_code") == "DEMOEX"
    assert account.findtext("branch") == "Head Office Karachi"
    assert account.findtext("signatory/is_primary") == "1"


def test_report_header_follows_goaml_order_and_local_currency_is_pkr():
    root = parse(build_report_xml(crypto_str()))

    assert [child.tag for child in root] == [
        "rentity_id",
        "rentity_branch",
        "submission_code",
        "report_code",
        "entity_reference",
        "submission_date",
        "currency_code_local",
        "reporting_person",
        "location",
        "reason",
        "action",
        "transaction",
        "report_indicators",
    ]
    assert root.findtext("currency_code_local") == "PKR"
    assert root.findtext("submission_code") == "E"


def test_typology_codes_become_fmu_indicator_codes():
    root = parse(build_report_xml(crypto_str()))

    assert [i.text for i in root.iterfind("report_indicators/indicator")] == [
        "VA-TRAVELRULE",
        "ML-RAPID",
    ]


def test_dates_are_karachi_local_time_without_zone():
    late_evening_utc = datetime(2026, 3, 18, 20, 30, tzinfo=UTC)
    report = crypto_str(submission_date=late_evening_utc)
    root = parse(build_report_xml(report))

    assert root.findtext("submission_date") == "2026-03-19T01:30:00"
    assert root.findtext("transaction/date_transaction") == "2026-03-17T14:05:09"
    assert root.findtext(".//signatory/t_person/birthdate") == "1991-04-12T00:00:00"


def test_amounts_have_two_decimals_rounded_half_up():
    assert format_amount(Decimal("2000000")) == "2000000.00"
    assert format_amount(Decimal("1234.565")) == "1234.57"
    assert format_amount(Decimal("0.004")) == "0.00"
    root = parse(build_report_xml(crypto_str()))
    assert root.findtext("transaction/amount_local") == "3512500.00"
    assert root.findtext(".//from_account/balance") == "152000.50"


def test_money_as_float_is_refused():
    tx = crypto_str().transactions[0]
    report = crypto_str(transactions=[replace(tx, amount_local=3512500.0)])

    with pytest.raises(TypeError, match="Decimal"):
        build_report_xml(report)


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        build_report_xml(crypto_str(submission_date=datetime(2026, 3, 18, 11, 30)))


def test_same_report_gives_the_same_bytes():
    assert build_report_xml(crypto_str()) == build_report_xml(crypto_str())


def test_characters_xml_cannot_carry_are_dropped_from_narratives():
    root = parse(build_report_xml(crypto_str(reason="Pasted\x0b from a spreadsheet\x00")))

    assert root.findtext("reason") == "Pasted from a spreadsheet"


def test_cnic_typed_without_dashes_is_written_in_nadra_format():
    person = replace(CUSTOMER, id_number="3520212345671")
    report = crypto_str()
    tx = replace(
        report.transactions[0],
        from_party=Party(funds_code="VIRTUAL_ASSET", my_client=True, person=person),
    )
    root = parse(build_report_xml(replace(report, transactions=[tx])))

    assert root.findtext(".//from_person/ssn") == "35202-1234567-1"


def test_a_party_is_exactly_one_of_person_entity_or_account():
    with pytest.raises(ValueError, match="exactly one"):
        Party(funds_code="CASH", person=CUSTOMER, account=customer_account())
    with pytest.raises(ValueError, match="exactly one"):
        Party(funds_code="CASH")


def test_a_conductor_on_the_receiving_side_is_refused():
    report = crypto_str()
    tx = report.transactions[0]
    tx = replace(tx, to_party=replace(tx.to_party, conductor=CUSTOMER))

    with pytest.raises(ValueError, match="receiving side"):
        build_report_xml(replace(report, transactions=[tx]))


# -------------------------------------------------------------------------------------- CTR


def cash_ctr(**changes) -> Report:
    conductor = Person(
        gender="M",
        first_name="Bilal",
        last_name="Ahmed",
        birthdate=date(1988, 11, 2),
        father_name="Ahmed Din",
        id_number="42101-7654321-3",
        nationality1="PK",
        residence="PK",
        phones=[mobile("3332223344")],
        occupation="Accounts clerk",
        identification=[Identification(type="CNIC", number="42101-7654321-3")],
    )
    deposit = Transaction(
        number="TX-2026-001200",
        location="Head Office Karachi, cash counter",
        description="Cash deposit to fund the customer's PKR balance",
        date=pkt(2026, 5, 21, 12, 40),
        transmode_code="CASH",
        amount_local=Decimal("2500000.00"),
        from_party=Party(funds_code="CASH", my_client=True, person=CUSTOMER, conductor=conductor),
        to_party=Party(funds_code="DEPOSIT", my_client=True, account=customer_account()),
    )
    report = Report(
        kind="CTR",
        entity_reference="CTR-2026-0100",
        submission_date=pkt(2026, 5, 22, 10, 0),
        reporting_entity=EXCHANGE,
        transactions=[deposit],
    )
    return replace(report, **changes)


def test_ctr_cash_deposit_with_conductor_is_valid_against_the_schema():
    xml = build_report_xml(cash_ctr())

    assert validate_report_xml(xml) == []
    root = parse(xml)
    assert root.findtext("report_code") == "CTR"
    assert root.findtext("transaction/t_from_my_client/t_conductor/ssn") == "42101-7654321-3"
    assert root.findtext("transaction/t_to_my_client/to_account/account") == "DX-000123"


def test_ctr_without_indicators_gets_the_cash_threshold_indicator():
    root = parse(build_report_xml(cash_ctr()))

    assert [i.text for i in root.iterfind("report_indicators/indicator")] == ["CTR-CASH"]


# ------------------------------------------------------------------------------------ STR-F


def test_str_f_to_a_proscribed_person_is_valid_against_the_schema():
    transfer = Transaction(
        number="TX-2026-002001",
        location="Mobile app",
        description="Internal USDT transfer to another user",
        date=pkt(2026, 8, 3, 9, 15),
        transmode_code="VA_INTERNAL",
        transmode_comment="USDT, internal ledger transfer",
        amount_local=Decimal("280000"),
        from_party=Party(funds_code="VIRTUAL_ASSET", my_client=True, person=CUSTOMER),
        to_party=Party(
            funds_code="VIRTUAL_ASSET",
            person=Person(first_name="Abdul", last_name="Ghaffar", nationality1="PK"),
        ),
    )
    report = Report(
        kind="STR-F",
        entity_reference="STRF-2026-0002",
        submission_date=pkt(2026, 8, 3, 16, 0),
        reporting_entity=EXCHANGE,
        transactions=[transfer],
        reason="Beneficiary matches a person proscribed under the ATA 1997 Fourth Schedule.",
        action="Funds frozen under the UNSC (Freezing and Seizure) Order; FMU and SECP informed.",
        indicators=["TFS_MATCH", "SANCTIONED_COUNTERPARTY"],
    )
    xml = build_report_xml(report)

    assert validate_report_xml(xml) == []
    root = parse(xml)
    assert root.findtext("report_code") == "STR-F"
    assert root.findtext("transaction/t_to/to_person/last_name") == "Ghaffar"
    assert [i.text for i in root.iterfind("report_indicators/indicator")] == [
        "TF-TFS",
        "TF-SANCTIONED",
    ]


# ---------------------------------------------------------------------------- entity client


def test_entity_customer_with_directors_is_valid_against_the_schema():
    director = replace(CUSTOMER, source_of_wealth=None)
    ubo = Person(
        gender="F",
        first_name="Hina",
        last_name="Usman",
        birthdate=date(1993, 2, 20),
        id_number="35202-7654321-2",
        nationality1="PK",
        residence="PK",
        identification=[Identification(type="CNIC", number="35202-7654321-2")],
    )
    company = Entity(
        name="Usman Textiles (Private) Limited",
        commercial_name="Usman Textiles",
        incorporation_legal_form="PRIVATE_LIMITED",
        incorporation_number="0123456",
        business="Textile trading",
        phones=[
            Phone(
                contact_type="BUSINESS",
                communication_type="LANDLINE",
                country_prefix="92",
                number="425551234",
            )
        ],
        addresses=[
            Address(
                address_type="BUSINESS",
                address="21-B Industrial Estate, Kot Lakhpat",
                district="Lahore",
                city="Lahore",
                state="Punjab",
            )
        ],
        email="accounts@usmantextiles.pk",
        incorporation_state="Punjab",
        incorporation_country_code="PK",
        directors=[(director, "DIRECTOR"), (ubo, "UBO")],
        incorporation_date=date(2015, 9, 1),
        tax_number="1234567-8",
    )
    payout = Transaction(
        number="TX-2026-003300",
        location="Corporate desk",
        description="PKR withdrawal to the company's bank account",
        date=pkt(2026, 6, 10, 11, 0),
        transmode_code="IBFT",
        amount_local=Decimal("9800000"),
        from_party=Party(funds_code="DEPOSIT", my_client=True, entity=company),
        to_party=Party(
            funds_code="DEPOSIT",
            account=Account(
                institution_name="Example Bank Limited",
                swift="EXBKPKKA",
                account="0123456789012",
                iban="PK36EXBK0000000123456789",
                account_name="Usman Textiles (Private) Limited",
            ),
        ),
    )
    report = Report(
        kind="STR",
        entity_reference="STR-2026-0031",
        submission_date=pkt(2026, 6, 12, 10, 0),
        reporting_entity=EXCHANGE,
        transactions=[payout],
        reason="Turnover far above the company's declared annual sales.",
        indicators=["PROFILE_DEVIATION"],
    )
    xml = build_report_xml(report)

    assert validate_report_xml(xml) == []
    entity = parse(xml).find("transaction/t_from_my_client/from_entity")
    directors = entity.findall("director_id")
    assert [(d.findtext("first_name"), d.findtext("role")) for d in directors] == [
        ("Muhammad", "DIRECTOR"),
        ("Hina", "UBO"),
    ]
    assert entity.findtext("tax_number") == "1234567-8"
    assert parse(xml).findtext("transaction/t_to/to_account/swift") == "EXBKPKKA"


# ---------------------------------------------------------------------------------- lookups


def test_builder_and_validator_use_the_lookups_they_are_given():
    lookups = replace(
        DEFAULT_LOOKUPS,
        indicators={**DEFAULT_LOOKUPS.indicators, "FMU-0712": "Travel rule breach"},
        typology_indicators={"TRAVEL_RULE_MISSING": ("FMU-0712",)},
    )
    report = crypto_str(indicators=["TRAVEL_RULE_MISSING"])
    xml = build_report_xml(report, lookups)

    assert parse(xml).findtext("report_indicators/indicator") == "FMU-0712"
    assert validate_report_xml(xml, lookups) == []
    assert validate_report_xml(xml) != []  # not on the default list
