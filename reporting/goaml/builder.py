"""goAML 5.0.1 XML for Nigraan's filings to the FMU (STR, CTR, STR-F), from plain dataclasses.

Plain Python, no database: the reporting services map a case or a transaction onto the
dataclasses below, call ``build_report_xml`` and validate the bytes with
``reporting.goaml.validation.validate_report_xml`` before the report may leave ``draft``.

Input (all dataclasses are frozen and keyword-only; sequences may be lists or tuples):

- ``Report(kind, entity_reference, submission_date, reporting_entity, transactions, reason,
  action, indicators, fiu_ref_number, prev_rejected_ref_number)``. ``kind`` is the goAML
  report code (STR, CTR, STR-F). ``reason`` is the case narrative (grounds for suspicion),
  ``action`` what the exchange did. ``indicators`` holds Nigraan typology codes (STRUCTURING,
  TFS_MATCH ...) and/or goAML indicator codes; typology codes are translated through the
  lookups, and a report given none gets its kind's default indicators (a CTR: CTR-CASH).
- ``ReportingEntity(rentity_id, branch, name, location, reporting_person, institution_code,
  swift)``: the exchange's goAML registration. ``name``, ``branch`` and ``institution_code`` /
  ``swift`` fill the institution fields of "my client" accounts left empty (it is our account).
- ``Transaction(number, date, transmode_code, amount_local, from_party, to_party, ...,
  crypto)``; ``Party`` is one side: exactly one of ``person`` / ``entity`` / ``account``, with
  ``funds_code``, ``country``, ``my_client`` and, on the sending side, the ``conductor``.
  ``my_client`` selects goAML's ``t_from_my_client`` / ``t_to_my_client`` (our customer, full
  KYC required) or ``t_from`` / ``t_to`` (a counterparty).
- ``parties``: for a report without transactions (an STR-F on a confirmed sanctions match for
  a customer who never transacted), ``ReportParty`` rows written as goAML's ``activity`` /
  ``report_parties``, the published schema's form for reports without transactions.
- ``Person``, ``Entity`` (with ``directors`` as ``(Person, role)`` pairs), ``Account`` (with
  ``signatories``), ``Address``, ``Phone``, ``Identification``, ``ForeignCurrency``,
  ``TransItem``, ``CryptoDetail``.

Output conventions:

- UTF-8 bytes with an XML declaration, pretty-printed; the same input gives the same bytes.
- Dates are ``YYYY-MM-DDThh:mm:ss`` in Asia/Karachi local time without a zone: the FMU is in
  Pakistan and goAML reads dates as local. Aware datetimes are converted; naive datetimes are
  refused (``ValueError``); a ``date`` becomes midnight.
- Amounts (amount_local, foreign_amount, balance, estimated_value) are plain decimals with two
  places and a dot, rounded half-up; exchange rates keep their digits (at most 13 places).
  Money must be ``Decimal`` (or ``int``); a ``float`` raises ``TypeError``.
- Booleans are written ``1`` / ``0`` as in UNODC's schema.
- A ``None`` or blank optional value is left out. Elements the schema always requires are
  always written, empty if need be, so validation names the element that is empty.

Pakistani conventions:

- CNIC: a valid 13-digit CNIC/NICOP is written ``12345-1234567-1``. The person's CNIC
  (``id_number``) goes to ``ssn`` (goAML's national-identifier slot, required for a "my client"
  person) and to ``id_number``; the identity documents go to ``identification`` (type from the
  identifier lookup, e.g. CNIC). With no ``id_number``, ``ssn`` takes the first identity
  document's number, else the passport number.
- Father's name (on the CNIC, with no element in goAML): written as the first line of the
  person's ``comments``: ``Father's name: <name>``. ``alias`` is never used for it (an alias is
  another name of the same person) and neither is ``middle_name`` (it would corrupt the name
  the FMU matches on).
- District (no element in goAML): written in ``t_address/town``, spelled as on the FMU's
  district list; the province or territory goes to ``state``. A locality given as ``town`` as
  well is kept in the address ``comments`` (``Town/locality: ...``).

Virtual assets: goAML 5.0.1 has no virtual-asset elements, so a ``CryptoDetail`` is described
with what the schema has:

- ``transmode_comment``: ``<asset> on <chain>`` (at most 50 characters) unless one is given;
- ``from_funds_comment`` / ``to_funds_comment``: ``<amount> <asset> on <chain>`` unless given;
- ``goods_services/item``: item type from the lookups (VIRTUAL_ASSET), ``item_make`` the asset,
  ``size`` / ``size_uom`` the asset amount and symbol, ``estimated_value`` the PKR value,
  ``identification_number`` the on-chain transaction hash, ``description`` the full transfer;
- transaction ``comments``: the full transfer (amount, asset, chain, both wallet addresses,
  counterparty VASP or "unhosted wallet", hash).

A wallet at another VASP is a counterparty ``Account``: ``institution_name`` the VASP,
``institution_code`` its identifier, ``account`` the wallet address, ``non_bank_institution``
true, ``personal_account_type`` the wallet account type from the lookups.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from lxml import etree
from stdnum.pk import cnic

from reporting.goaml.lookups import DEFAULT_LOOKUPS, Lookups

KARACHI = ZoneInfo("Asia/Karachi")
TRANSMODE_COMMENT_MAX = 50

# Characters XML 1.0 cannot carry; pasted narratives sometimes contain them.
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# --------------------------------------------------------------------------------- input types


@dataclass(frozen=True, kw_only=True)
class Address:
    address_type: str
    address: str
    city: str
    country_code: str = "PK"
    district: str | None = None
    town: str | None = None
    state: str | None = None  # province / territory for Pakistan
    zip: str | None = None
    comments: str | None = None


@dataclass(frozen=True, kw_only=True)
class Phone:
    contact_type: str
    communication_type: str
    country_prefix: str
    number: str
    extension: str | None = None
    comments: str | None = None


@dataclass(frozen=True, kw_only=True)
class Identification:
    type: str
    number: str
    issue_date: date | None = None
    expiry_date: date | None = None
    issue_country: str = "PK"
    issued_by: str | None = None
    comments: str | None = None


@dataclass(frozen=True, kw_only=True)
class Person:
    first_name: str
    last_name: str
    middle_name: str | None = None
    gender: str | None = None
    title: str | None = None
    birthdate: date | None = None
    birth_place: str | None = None
    mothers_name: str | None = None
    father_name: str | None = None
    id_number: str | None = None  # CNIC / NICOP
    passport_number: str | None = None
    passport_country: str | None = None
    nationality1: str | None = None
    nationality2: str | None = None
    residence: str | None = None
    phones: Sequence[Phone] = ()
    addresses: Sequence[Address] = ()
    email: str | None = None
    occupation: str | None = None
    identification: Sequence[Identification] = ()
    tax_number: str | None = None  # NTN
    source_of_wealth: str | None = None
    comments: str | None = None


@dataclass(frozen=True, kw_only=True)
class Entity:
    name: str
    commercial_name: str | None = None
    incorporation_legal_form: str | None = None
    incorporation_number: str | None = None
    business: str | None = None
    phones: Sequence[Phone] = ()
    addresses: Sequence[Address] = ()
    email: str | None = None
    url: str | None = None
    incorporation_state: str | None = None
    incorporation_country_code: str | None = None
    directors: Sequence[tuple[Person, str]] = ()  # (person, entity-person role code)
    incorporation_date: date | None = None
    tax_number: str | None = None  # NTN
    comments: str | None = None


@dataclass(frozen=True, kw_only=True)
class Signatory:
    person: Person
    role: str
    is_primary: bool = True


@dataclass(frozen=True, kw_only=True)
class Account:
    account: str  # account number, or the wallet address
    institution_name: str | None = None
    institution_code: str | None = None
    swift: str | None = None
    non_bank_institution: bool | None = None
    branch: str | None = None
    currency_code: str | None = None
    account_name: str | None = None
    iban: str | None = None
    client_number: str | None = None
    personal_account_type: str | None = None
    entity: Entity | None = None  # the entity owning the account
    signatories: Sequence[Signatory] = ()
    opened: date | datetime | None = None
    closed: date | datetime | None = None
    balance: Decimal | None = None
    date_balance: date | datetime | None = None
    status_code: str | None = None
    beneficiary: str | None = None
    comments: str | None = None


@dataclass(frozen=True, kw_only=True)
class ForeignCurrency:
    code: str
    amount: Decimal
    rate: Decimal


@dataclass(frozen=True, kw_only=True)
class Party:
    """One side of a transaction: exactly one of person, entity or account."""

    funds_code: str
    country: str = "PK"
    my_client: bool = False
    person: Person | None = None
    entity: Entity | None = None
    account: Account | None = None
    funds_comment: str | None = None
    foreign_currency: ForeignCurrency | None = None
    conductor: Person | None = None  # sending side only (goAML has no receiving conductor)

    def __post_init__(self) -> None:
        given = [x for x in (self.person, self.entity, self.account) if x is not None]
        if len(given) != 1:
            raise ValueError("a Party is exactly one of person, entity or account")


@dataclass(frozen=True, kw_only=True)
class CryptoDetail:
    asset: str  # e.g. USDT
    amount: Decimal
    chain: str  # e.g. TRON (TRC-20)
    from_wallet: str
    to_wallet: str
    counterparty_vasp: str | None = None  # None: unhosted wallet or unknown provider
    tx_hash: str | None = None


@dataclass(frozen=True, kw_only=True)
class TransItem:
    item_type: str
    item_make: str | None = None
    description: str | None = None
    estimated_value: Decimal | None = None
    currency_code: str | None = None
    size: Decimal | None = None
    size_uom: str | None = None
    identification_number: str | None = None
    comments: str | None = None


@dataclass(frozen=True, kw_only=True)
class Transaction:
    number: str
    date: datetime
    transmode_code: str
    amount_local: Decimal
    from_party: Party
    to_party: Party
    internal_ref: str | None = None
    location: str = ""
    description: str = ""
    value_date: datetime | None = None
    transmode_comment: str | None = None
    goods_services: Sequence[TransItem] = ()
    comments: str | None = None
    crypto: CryptoDetail | None = None


@dataclass(frozen=True, kw_only=True)
class ReportParty:
    """A party of an activity report (a report without transactions): one person, entity or
    account, with why it is reported. goAML 5.0.1 names report parties in their third-party
    form (t_person, t_entity, t_account); the my_client forms arrived with 5.2."""

    person: Person | None = None
    entity: Entity | None = None
    account: Account | None = None
    significance: int | None = None  # 0-10, how central the party is to the suspicion
    reason: str | None = None
    comments: str | None = None

    def __post_init__(self) -> None:
        given = [x for x in (self.person, self.entity, self.account) if x is not None]
        if len(given) != 1:
            raise ValueError("a ReportParty is exactly one of person, entity or account")
        if self.significance is not None and not 0 <= self.significance <= 10:
            raise ValueError("a report party's significance is from 0 to 10")


@dataclass(frozen=True, kw_only=True)
class ReportingEntity:
    rentity_id: int
    branch: str
    name: str
    location: Address
    reporting_person: Person
    institution_code: str | None = None
    swift: str | None = None


@dataclass(frozen=True, kw_only=True)
class Report:
    kind: str  # goAML report code: STR, CTR, STR-F
    entity_reference: str
    submission_date: datetime
    reporting_entity: ReportingEntity
    transactions: Sequence[Transaction]
    # Without transactions the report is an activity report naming these parties.
    parties: Sequence[ReportParty] = ()
    reason: str | None = None
    action: str | None = None
    indicators: Sequence[str] = ()
    fiu_ref_number: str | None = None
    prev_rejected_ref_number: str | None = None
    submission_code: str = "E"  # electronic
    currency_code_local: str = "PKR"


# --------------------------------------------------------------------------------- formatting


def format_datetime(value: date | datetime) -> str:
    """goAML date: local Karachi time, ``YYYY-MM-DDThh:mm:ss``."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"datetime {value!r} must be timezone-aware")
        local = value.astimezone(KARACHI).replace(tzinfo=None, microsecond=0)
        return local.isoformat(timespec="seconds")
    return datetime.combine(value, time()).isoformat(timespec="seconds")


def _decimal(value: Decimal | int) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"money must be Decimal, not {type(value).__name__}: {value!r}")
    return Decimal(value)


def format_amount(value: Decimal | int) -> str:
    """Plain decimal, two places, dot: ``2000000.00``."""
    return f"{_decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"


def _format_number(value: Decimal | int, places: int = 13) -> str:
    number = _decimal(value)
    if number.as_tuple().exponent < -places:  # type: ignore[operator]
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{number.normalize():f}"
    return text


def format_cnic(number: str) -> str:
    """``12345-1234567-1`` for a valid CNIC/NICOP, the input unchanged otherwise."""
    return cnic.format(number) if cnic.is_valid(number) else number


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = _XML_ILLEGAL.sub("", str(value)).strip()
    return text


# ------------------------------------------------------------------------------------ builder


class _Builder:
    def __init__(self, report: Report, lookups: Lookups) -> None:
        self.report = report
        self.lookups = lookups

    # -- primitives
    @staticmethod
    def text(parent: etree._Element, tag: str, value: object, *, required: bool = False) -> None:
        text = _clean(value)
        if text or required:
            etree.SubElement(parent, tag).text = text or ""

    def date(self, parent: etree._Element, tag: str, value: date | datetime | None) -> None:
        if value is not None:
            etree.SubElement(parent, tag).text = format_datetime(value)

    @staticmethod
    def amount(parent: etree._Element, tag: str, value: Decimal | int | None) -> None:
        if value is not None:
            etree.SubElement(parent, tag).text = format_amount(value)

    @staticmethod
    def boolean(parent: etree._Element, tag: str, value: bool | None) -> None:
        if value is not None:
            etree.SubElement(parent, tag).text = "1" if value else "0"

    # -- report
    def build(self) -> etree._Element:
        r = self.report
        root = etree.Element("report")
        self.text(root, "rentity_id", r.reporting_entity.rentity_id, required=True)
        self.text(root, "rentity_branch", r.reporting_entity.branch, required=True)
        self.text(root, "submission_code", r.submission_code, required=True)
        self.text(root, "report_code", r.kind, required=True)
        self.text(root, "entity_reference", r.entity_reference, required=True)
        self.text(root, "fiu_ref_number", r.fiu_ref_number)
        self.text(root, "prev_rejected_ref_number", r.prev_rejected_ref_number)
        self.date(root, "submission_date", r.submission_date)
        self.text(root, "currency_code_local", r.currency_code_local, required=True)
        self.person(etree.SubElement(root, "reporting_person"), r.reporting_entity.reporting_person)
        self.address(etree.SubElement(root, "location"), r.reporting_entity.location)
        self.text(root, "reason", r.reason)
        self.text(root, "action", r.action)
        for tx in r.transactions:
            self.transaction(etree.SubElement(root, "transaction"), tx)
        if not r.transactions:
            if not r.parties:
                raise ValueError("a report needs transactions or, without them, report parties")
            self.activity(etree.SubElement(root, "activity"), r.parties)
        indicators = etree.SubElement(root, "report_indicators")
        codes = self.lookups.indicators_for(r.indicators) or list(
            self.lookups.report_default_indicators.get(r.kind, ())
        )
        for code in codes:
            self.text(indicators, "indicator", code, required=True)
        return root

    # -- activity (a report without transactions)
    def activity(self, el: etree._Element, parties: Sequence[ReportParty]) -> None:
        holder = etree.SubElement(el, "report_parties")
        for party in parties:
            row = etree.SubElement(holder, "report_party")
            if party.person is not None:
                self.person(etree.SubElement(row, "person"), party.person)
            elif party.entity is not None:
                self.entity(etree.SubElement(row, "entity"), party.entity)
            elif party.account is not None:
                self.account(etree.SubElement(row, "account"), party.account, False)
            self.text(row, "significance", party.significance)
            self.text(row, "reason", party.reason)
            self.text(row, "comments", party.comments)

    # -- transaction
    def transaction(self, el: etree._Element, tx: Transaction) -> None:
        crypto = tx.crypto
        self.text(el, "transactionnumber", tx.number, required=True)
        self.text(el, "internal_ref_number", tx.internal_ref)
        self.text(el, "transaction_location", tx.location, required=True)
        self.text(el, "transaction_description", tx.description, required=True)
        self.date(el, "date_transaction", tx.date)
        self.date(el, "value_date", tx.value_date)
        self.text(el, "transmode_code", tx.transmode_code, required=True)
        comment = tx.transmode_comment
        if comment is None and crypto is not None:
            comment = f"{crypto.asset} on {crypto.chain}"[:TRANSMODE_COMMENT_MAX]
        self.text(el, "transmode_comment", comment)
        self.amount(el, "amount_local", tx.amount_local)
        self.side(el, "from", tx.from_party, crypto)
        self.side(el, "to", tx.to_party, crypto)
        items = list(tx.goods_services)
        if crypto is not None:
            items.append(self.crypto_item(tx, crypto))
        if items:
            goods = etree.SubElement(el, "goods_services")
            for item in items:
                self.item(etree.SubElement(goods, "item"), item)
        notes = [tx.comments, describe_crypto(crypto) if crypto is not None else None]
        self.text(el, "comments", "\n".join(n for n in notes if n))

    def side(
        self, parent: etree._Element, way: str, party: Party, crypto: CryptoDetail | None
    ) -> None:
        if way == "to" and party.conductor is not None:
            raise ValueError("goAML has no conductor on the receiving side of a transaction")
        tag = f"t_{way}_my_client" if party.my_client else f"t_{way}"
        el = etree.SubElement(parent, tag)
        self.text(el, f"{way}_funds_code", party.funds_code, required=True)
        funds_comment = party.funds_comment
        if funds_comment is None and crypto is not None:
            funds_comment = f"{_format_number(crypto.amount, 18)} {crypto.asset} on {crypto.chain}"
        self.text(el, f"{way}_funds_comment", funds_comment)
        if party.foreign_currency is not None:
            fx = etree.SubElement(el, f"{way}_foreign_currency")
            self.text(fx, "foreign_currency_code", party.foreign_currency.code, required=True)
            self.amount(fx, "foreign_amount", party.foreign_currency.amount)
            etree.SubElement(fx, "foreign_exchange_rate").text = _format_number(
                party.foreign_currency.rate
            )
        if party.conductor is not None:
            self.person(etree.SubElement(el, "t_conductor"), party.conductor)
        if party.account is not None:
            self.account(etree.SubElement(el, f"{way}_account"), party.account, party.my_client)
        elif party.person is not None:
            self.person(etree.SubElement(el, f"{way}_person"), party.person)
        elif party.entity is not None:
            self.entity(etree.SubElement(el, f"{way}_entity"), party.entity)
        self.text(el, f"{way}_country", party.country, required=True)

    def crypto_item(self, tx: Transaction, crypto: CryptoDetail) -> TransItem:
        return TransItem(
            item_type=self.lookups.virtual_asset_item_type,
            item_make=crypto.asset,
            description=describe_crypto(crypto),
            estimated_value=tx.amount_local,
            currency_code=self.report.currency_code_local,
            size=crypto.amount,
            size_uom=crypto.asset,
            identification_number=crypto.tx_hash,
        )

    def item(self, el: etree._Element, item: TransItem) -> None:
        self.text(el, "item_type", item.item_type, required=True)
        self.text(el, "item_make", item.item_make)
        self.text(el, "description", item.description)
        self.amount(el, "estimated_value", item.estimated_value)
        self.text(el, "currency_code", item.currency_code)
        if item.size is not None:
            etree.SubElement(el, "size").text = _format_number(item.size, 18)
        self.text(el, "size_uom", item.size_uom)
        self.text(el, "identification_number", item.identification_number)
        self.text(el, "comments", item.comments)

    # -- parties
    def account(self, el: etree._Element, acc: Account, my_client: bool) -> None:
        rentity = self.report.reporting_entity
        # A "my client" account is held with us: our name, code and branch unless given.
        institution_name = acc.institution_name or (rentity.name if my_client else None)
        code, swift = acc.institution_code, acc.swift
        if my_client and not (code or swift):
            code, swift = rentity.institution_code, rentity.swift
        branch = acc.branch or (rentity.branch if my_client else None)
        self.text(el, "institution_name", institution_name, required=True)
        if swift and not code:
            self.text(el, "swift", swift, required=True)
        else:
            self.text(el, "institution_code", code, required=True)
        self.boolean(el, "non_bank_institution", acc.non_bank_institution)
        self.text(el, "branch", branch)
        self.text(el, "account", acc.account, required=True)
        self.text(el, "currency_code", acc.currency_code)
        self.text(el, "account_name", acc.account_name)
        self.text(el, "iban", acc.iban)
        self.text(el, "client_number", acc.client_number)
        self.text(el, "personal_account_type", acc.personal_account_type)
        if acc.entity is not None:
            self.entity(etree.SubElement(el, "t_entity"), acc.entity)
        for signatory in acc.signatories:
            s = etree.SubElement(el, "signatory")
            # UNODC fixes is_primary to 1 (and requires it) for a "my client" account.
            if my_client or signatory.is_primary:
                etree.SubElement(s, "is_primary").text = "1"
            self.person(etree.SubElement(s, "t_person"), signatory.person)
            self.text(s, "role", signatory.role, required=True)
        self.date(el, "opened", acc.opened)
        self.date(el, "closed", acc.closed)
        if acc.balance is not None:
            self.amount(el, "balance", acc.balance)
            self.date(el, "date_balance", acc.date_balance)
        self.text(el, "status_code", acc.status_code)
        self.text(el, "beneficiary", acc.beneficiary)
        self.text(el, "comments", acc.comments)

    def entity(self, el: etree._Element, ent: Entity) -> None:
        self.text(el, "name", ent.name, required=True)
        self.text(el, "commercial_name", ent.commercial_name)
        self.text(el, "incorporation_legal_form", ent.incorporation_legal_form)
        self.text(el, "incorporation_number", ent.incorporation_number)
        self.text(el, "business", ent.business)
        self.phones(el, ent.phones)
        self.addresses(el, ent.addresses)
        self.text(el, "email", ent.email)
        self.text(el, "url", ent.url)
        self.text(el, "incorporation_state", ent.incorporation_state)
        self.text(el, "incorporation_country_code", ent.incorporation_country_code)
        for person, role in ent.directors:
            director = etree.SubElement(el, "director_id")
            self.person(director, person)
            self.text(director, "role", role, required=True)
        self.date(el, "incorporation_date", ent.incorporation_date)
        self.text(el, "tax_number", ent.tax_number)
        self.text(el, "comments", ent.comments)

    def person(self, el: etree._Element, p: Person) -> None:
        id_number = format_cnic(p.id_number) if p.id_number else None
        ssn = id_number or next(
            (self.id_document_number(d) for d in p.identification), p.passport_number
        )
        self.text(el, "gender", p.gender)
        self.text(el, "title", p.title)
        self.text(el, "first_name", p.first_name, required=True)
        self.text(el, "middle_name", p.middle_name)
        self.text(el, "last_name", p.last_name, required=True)
        self.date(el, "birthdate", p.birthdate)
        self.text(el, "birth_place", p.birth_place)
        self.text(el, "mothers_name", p.mothers_name)
        self.text(el, "ssn", ssn)
        if _clean(p.passport_number):
            self.text(el, "passport_number", p.passport_number)
            self.text(el, "passport_country", p.passport_country)
        self.text(el, "id_number", id_number)
        self.text(el, "nationality1", p.nationality1)
        self.text(el, "nationality2", p.nationality2)
        self.text(el, "residence", p.residence)
        self.phones(el, p.phones)
        self.addresses(el, p.addresses)
        self.text(el, "email", p.email)
        self.text(el, "occupation", p.occupation)
        for document in p.identification:
            self.identification(etree.SubElement(el, "identification"), document)
        self.text(el, "tax_number", p.tax_number)
        self.text(el, "source_of_wealth", p.source_of_wealth)
        father = f"Father's name: {p.father_name.strip()}" if _clean(p.father_name) else None
        self.text(el, "comments", "\n".join(c for c in (father, p.comments) if c))

    def id_document_number(self, document: Identification) -> str:
        if document.type in self.lookups.cnic_identifier_types:
            return format_cnic(document.number)
        return document.number

    def identification(self, el: etree._Element, document: Identification) -> None:
        self.text(el, "type", document.type, required=True)
        self.text(el, "number", self.id_document_number(document), required=True)
        self.date(el, "issue_date", document.issue_date)
        self.date(el, "expiry_date", document.expiry_date)
        self.text(el, "issued_by", document.issued_by)
        self.text(el, "issue_country", document.issue_country, required=True)
        self.text(el, "comments", document.comments)

    def phones(self, parent: etree._Element, phones: Sequence[Phone]) -> None:
        if not phones:
            return
        el = etree.SubElement(parent, "phones")
        for phone in phones:
            p = etree.SubElement(el, "phone")
            self.text(p, "tph_contact_type", phone.contact_type, required=True)
            self.text(p, "tph_communication_type", phone.communication_type, required=True)
            self.text(p, "tph_country_prefix", phone.country_prefix, required=True)
            self.text(p, "tph_number", phone.number, required=True)
            self.text(p, "tph_extension", phone.extension)
            self.text(p, "comments", phone.comments)

    def addresses(self, parent: etree._Element, addresses: Sequence[Address]) -> None:
        if not addresses:
            return
        el = etree.SubElement(parent, "addresses")
        for address in addresses:
            self.address(etree.SubElement(el, "address"), address)

    def address(self, el: etree._Element, a: Address) -> None:
        district, town = _clean(a.district), _clean(a.town)
        locality = f"Town/locality: {town}" if district and town else None
        self.text(el, "address_type", a.address_type, required=True)
        self.text(el, "address", a.address, required=True)
        self.text(el, "town", district or town)
        self.text(el, "city", a.city, required=True)
        self.text(el, "zip", a.zip)
        self.text(el, "country_code", a.country_code, required=True)
        self.text(el, "state", a.state)
        self.text(el, "comments", "\n".join(c for c in (locality, a.comments) if c))


def describe_crypto(crypto: CryptoDetail) -> str:
    """One line a reader at the FMU can follow: what moved, on which chain, between whom."""
    vasp = crypto.counterparty_vasp or "none (unhosted wallet or unknown provider)"
    parts = [
        f"Virtual asset transfer: {_format_number(crypto.amount, 18)} {crypto.asset}"
        f" on {crypto.chain}",
        f"from wallet {crypto.from_wallet}",
        f"to wallet {crypto.to_wallet}",
        f"counterparty VASP: {vasp}",
    ]
    if crypto.tx_hash:
        parts.append(f"transaction hash {crypto.tx_hash}")
    return "; ".join(parts)


def build_report_xml(report: Report, lookups: Lookups = DEFAULT_LOOKUPS) -> bytes:
    """The goAML 5.0.1 XML of ``report``: UTF-8 bytes, deterministic for the same input."""
    root = _Builder(report, lookups).build()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
