"""Our records as goAML parties and transactions (plain Python: unsaved model instances)."""

from datetime import date
from decimal import Decimal

from lxml import etree
from reporting_helpers import pkt

from compliance.monitoring.models import Transaction
from kyc.models import BeneficialOwner, Customer
from reporting import mapping
from reporting.goaml.builder import (
    Address,
    Person,
    Report,
    ReportingEntity,
    build_report_xml,
)
from reporting.goaml.validation import validate_report_xml

EXCHANGE = ReportingEntity(
    rentity_id=4711,
    branch="Head Office Karachi",
    name="Demo Exchange (Pvt) Ltd",
    institution_code="DEMOEX",
    location=Address(
        address_type="BUSINESS",
        address="Office 1204, Ocean Tower",
        city="Karachi",
        district="Karachi South",
        state="Sindh",
    ),
    reporting_person=Person(first_name="Sana", last_name="Qureshi"),
)


def individual(**fields) -> Customer:
    customer = Customer(
        external_id="U-1001",
        customer_type="individual",
        status="approved",
        approved_at=pkt(2024, 1, 15, 11, 0),
        full_name="Ayesha Siddiqui Malik",
        father_or_spouse_name="Tariq Malik",
        date_of_birth=date(1995, 7, 30),
        gender="F",
        nationality="PK",
        country_of_residence="PK",
        id_type="CNIC",
        mobile="+923001234567",
        present_address={
            "line1": "House 221, Sector F-10/2",
            "city": "Islamabad",
            "district": "Islamabad",
            "province": "Islamabad Capital Territory",
            "country": "PK",
        },
        occupation="it_freelancer",
        source_of_funds="freelance_income",
        **fields,
    )
    customer.id_number = "61101-1234567-8"
    return customer


def company() -> tuple[Customer, list[BeneficialOwner]]:
    customer = Customer(
        external_id="E-2001",
        customer_type="entity",
        status="approved",
        legal_name="Indus Tech Traders (Private) Limited",
        entity_type="private_limited",
        registration_number="0123456",
        ntn="1234567-8",
        incorporation_date=date(2015, 3, 1),
        country_of_incorporation="PK",
        mobile="+924235551234",
        registered_address={
            "line1": "21-B Industrial Estate, Kot Lakhpat",
            "city": "Lahore",
            "district": "Lahore",
            "province": "Punjab",
            "country": "PK",
        },
        business_activity="Software exports",
    )
    owner = BeneficialOwner(
        full_name="Hina Usman",
        date_of_birth=date(1993, 2, 20),
        nationality="PK",
        ownership_pct=Decimal("60.00"),
        id_type="CNIC",
    )
    owner.id_number = "35202-7654321-2"
    return customer, [owner]


def tx(**fields) -> Transaction:
    values = {
        "external_id": "TX-9001",
        "kind": "transfer_out",
        "channel": "crypto",
        "asset": "USDT",
        "amount": Decimal("12500.000000000000000000"),
        "amount_pkr": Decimal("3512500.00"),
        "occurred_at": pkt(2026, 3, 17, 14, 5, 9),
        "counterparty": {
            "wallet_address": "TQ5NfXQY7kP3vQ3JrCk7mFJ9yVh2Lq8dRe",
            "chain": "tron",
            "vasp_name": "Gulf Digital Assets FZE",
            "country": "AE",
        },
    }
    values.update(fields)
    return Transaction(**values)


def report_xml(customer, transactions, owners=(), kind="STR") -> bytes:
    client = mapping.ClientSide(customer, owners)
    report = Report(
        kind=kind,
        entity_reference="STR-T-1",
        submission_date=pkt(2026, 3, 18, 10, 0),
        reporting_entity=EXCHANGE,
        transactions=mapping.transactions_for(
            transactions, client, exchange_name=EXCHANGE.name, branch=EXCHANGE.branch
        ),
        reason="Funds moved on within hours to a foreign VASP.",
        indicators=["RAPID_MOVEMENT"],
    )
    return build_report_xml(report)


def test_crypto_withdrawal_to_a_foreign_vasp_is_valid_and_names_asset_chain_and_wallet():
    xml = report_xml(individual(), [tx()])

    assert validate_report_xml(xml) == []
    root = etree.fromstring(xml)
    t = root.find("transaction")
    assert t.findtext("transmode_code") == "VA_TRANSFER"
    assert t.findtext("transmode_comment") == "USDT on TRON"
    assert t.findtext("transaction_description") == "Transfer out via Crypto: 12500 USDT"
    to = t.find("t_to/to_account")
    assert to.findtext("institution_name") == "Gulf Digital Assets FZE"
    assert to.findtext("account") == "TQ5NfXQY7kP3vQ3JrCk7mFJ9yVh2Lq8dRe"
    assert t.findtext("t_to/to_country") == "AE"
    mine = t.find("t_from_my_client/from_account")
    assert mine.findtext("account") == "U-1001"
    person = mine.find("signatory/t_person")
    assert (person.findtext("first_name"), person.findtext("last_name")) == (
        "Ayesha Siddiqui",
        "Malik",
    )
    assert person.findtext("identification/number") == "61101-1234567-8"
    assert person.findtext("addresses/address/town") == "Islamabad"
    assert person.findtext("addresses/address/state") == "Islamabad Capital Territory"
    assert person.findtext("comments") == "Father's name: Tariq Malik"


def test_unhosted_wallet_deposit_comes_from_an_unhosted_wallet_account():
    deposit = tx(
        kind="transfer_in",
        asset="BTC",
        amount=Decimal("0.25"),
        counterparty={
            "wallet_address": "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
            "chain": "bitcoin",
        },
    )
    xml = report_xml(individual(), [deposit])

    assert validate_report_xml(xml) == []
    t = etree.fromstring(xml).find("transaction")
    assert t.findtext("t_from/from_account/institution_name") == "Unhosted wallet"
    assert t.findtext("t_to_my_client/to_account/account") == "U-1001"
    assert "country not known" in t.findtext("comments")
    assert "counterparty VASP: none (unhosted wallet" in t.findtext("comments")


def test_entity_customer_with_its_owner_and_a_bank_payout_is_valid():
    customer, owners = company()
    payout = tx(
        kind="withdrawal",
        channel="bank",
        asset="PKR",
        amount=Decimal("9800000"),
        amount_pkr=Decimal("9800000"),
        counterparty={
            "name": "Indus Tech Traders (Private) Limited",
            "iban": "PK36SCBL0000001123456702",
            "bank": "Standard Chartered Bank (Pakistan)",
            "country": "PK",
        },
    )
    xml = report_xml(customer, [payout], owners)

    assert validate_report_xml(xml) == []
    t = etree.fromstring(xml).find("transaction")
    entity = t.find("t_from_my_client/from_entity")
    assert entity.findtext("incorporation_legal_form") == "PRIVATE_LIMITED"
    assert entity.findtext("tax_number") == "1234567-8"
    assert entity.findtext("director_id/role") == "UBO"
    assert entity.findtext("director_id/id_number") == "35202-7654321-2"
    assert t.findtext("transmode_code") == "IBFT"
    assert t.findtext("t_to/to_account/institution_code") == "SCBL"


def test_cash_deposit_names_the_customer_as_conductor():
    deposit = tx(
        kind="deposit",
        channel="cash",
        asset="PKR",
        amount=Decimal("2000000"),
        amount_pkr=Decimal("2000000"),
        counterparty={},
    )
    xml = report_xml(individual(), [deposit], kind="CTR")

    assert validate_report_xml(xml) == []
    t = etree.fromstring(xml).find("transaction")
    assert t.findtext("transaction_location") == "Cash counter, Head Office Karachi"
    assert t.findtext("t_from_my_client/t_conductor/ssn") == "61101-1234567-8"
    assert t.findtext("t_to_my_client/to_account/account") == "U-1001"


def test_cash_deposit_by_an_entity_asks_for_the_conductor():
    customer, owners = company()
    deposit = tx(kind="deposit", channel="cash", asset="PKR", counterparty={})
    problems = validate_report_xml(report_xml(customer, [deposit], owners, kind="CTR"))

    assert any(p.path.endswith("/t_from_my_client/t_conductor") for p in problems)


def test_a_trade_moves_between_the_customers_own_balances():
    trade = tx(kind="trade_buy", channel="internal", counterparty={})
    xml = report_xml(individual(), [trade])

    assert validate_report_xml(xml) == []
    t = etree.fromstring(xml).find("transaction")
    assert t.findtext("transmode_code") == "INTERNAL"
    assert t.findtext("t_from_my_client/from_funds_code") == "DEPOSIT"
    assert t.findtext("t_to_my_client/to_funds_code") == "VIRTUAL_ASSET"


def test_a_one_word_name_fills_first_and_last_name():
    assert mapping.split_name("Nasreen") == ("Nasreen", "Nasreen")
    assert mapping.split_name("Muhammad Ali Khan") == ("Muhammad Ali", "Khan")


def test_mobile_numbers_split_into_country_prefix_and_number():
    phone = mapping.phone_from_e164("+923001234567")

    assert (phone.country_prefix, phone.number, phone.communication_type) == (
        "92",
        "3001234567",
        "MOBILE",
    )
    assert mapping.phone_from_e164("not a number") is None
