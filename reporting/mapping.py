"""How Nigraan's records become goAML parties and transactions (plain Python, no queries).

The reporting services load a customer, its beneficial owners and the transactions of a case,
then call the functions below to get ``reporting.goaml.builder`` dataclasses. Inputs are read
by attribute, so a ``kyc.Customer`` / ``monitoring.Transaction`` or any object with the same
attributes works (tests use plain namespaces).

Conventions (what the FMU reads where):

- Our customer is goAML's "my client". An individual is shown through their exchange account
  (``t_account_my_client``: account and client number = the exchange's user id, the customer
  as primary signatory, role HOLDER); a legal entity as ``t_entity_my_client`` with its
  beneficial owners as ``director_id`` (role UBO).
- Names: the last word of ``full_name`` is ``last_name``, the rest ``first_name``; a one-word
  name (common in Pakistan) fills both, since goAML requires both.
- CNIC/SNIC/NICOP/POC numbers are NADRA numbers: ``id_number`` and an ``identification`` of
  type CNIC (SNIC is the smart CNIC, same number), NICOP or POC, issued by NADRA in PK.
- Addresses carry the district in ``town`` and the province in ``state`` (builder convention).
- Cash deposits name a conductor: the customer, when the customer is an individual (the
  exchange's cash desk only takes cash from the account holder). For an entity the conductor
  is not known here; validation then names the missing ``t_conductor`` for the officer.
- Crypto transfers: the counterparty wallet is an account at its VASP (``institution_name``
  the VASP, ``account`` the wallet address) or an "Unhosted wallet"; the asset, amount, chain,
  both wallets and the VASP are described by ``CryptoDetail``.
- goAML requires a country on each side; when a counterparty's country is unknown the
  customer's country of residence is written and the transaction comments say so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import phonenumbers

from kyc.vocabularies import Chain
from reporting.goaml.builder import (
    Account,
    Address,
    CryptoDetail,
    Entity,
    ForeignCurrency,
    Identification,
    Party,
    Person,
    Phone,
    ReportParty,
    Signatory,
    Transaction,
)

NADRA_ID_TYPES = {"CNIC": "CNIC", "SNIC": "CNIC", "NICOP": "NICOP", "POC": "POC"}
OTHER_ID_TYPES = {"PASSPORT": "PASSPORT", "FOREIGN_ID": "OTHER"}
FIAT_CURRENCIES = frozenset({"PKR", "USD", "EUR", "GBP", "AED", "SAR"})

# kyc EntityType -> goAML legal form code (reporting.goaml.lookups.LEGAL_FORMS).
LEGAL_FORMS = {
    "sole_proprietorship": "SOLE_PROPRIETOR",
    "partnership": "PARTNERSHIP",
    "single_member_company": "SMC",
    "private_limited": "PRIVATE_LIMITED",
    "public_limited": "PUBLIC_LIMITED",
    "llp": "LLP",
    "trust": "TRUST",
    "npo": "NPO",
    "government": "GOVERNMENT",
    "foreign_company": "FOREIGN",
    "other": "OTHER",
}
# kyc Customer status -> goAML account status code.
ACCOUNT_STATUSES = {"frozen": "FROZEN", "suspended": "FROZEN", "closed": "CLOSED"}

CHANNEL_TRANSMODES = {"cash": "CASH", "bank": "IBFT", "card": "CARD", "internal": "INTERNAL"}
CHANNEL_FUNDS = {"cash": "CASH", "bank": "DEPOSIT", "card": "CARD", "internal": "DEPOSIT"}


# ----------------------------------------------------------------------------------- helpers


def _text(value: Any) -> str:
    return str(value).strip() if value not in (None, "") else ""


def _label(obj: Any, field: str) -> str:
    """The human label of a choice field when the object has one (Django models do)."""
    display = getattr(obj, f"get_{field}_display", None)
    if callable(display):
        return _text(display())
    return _text(getattr(obj, field, ""))


def split_name(full_name: str) -> tuple[str, str]:
    """(first_name, last_name); a one-word name fills both (goAML requires both)."""
    words = full_name.split()
    if not words:
        return "", ""
    if len(words) == 1:
        return words[0], words[0]
    return " ".join(words[:-1]), words[-1]


def phone_from_e164(number: str, *, contact_type: str = "RESIDENTIAL") -> Phone | None:
    """A goAML phone from an E.164 number: country prefix and national number apart."""
    if not number:
        return None
    try:
        parsed = phonenumbers.parse(number, "PK")
    except phonenumbers.NumberParseException:
        return None
    kind = phonenumbers.number_type(parsed)
    landline = kind == phonenumbers.PhoneNumberType.FIXED_LINE
    return Phone(
        contact_type=contact_type,
        communication_type="LANDLINE" if landline else "MOBILE",
        country_prefix=str(parsed.country_code),
        number=str(parsed.national_number),
    )


def address_from_dict(data: Mapping[str, Any] | None, *, address_type: str) -> Address | None:
    """A goAML address from a KYC address ``{line1, line2, city, district, province, ...}``."""
    if not data or not (data.get("line1") or data.get("city")):
        return None
    lines = [_text(data.get("line1")), _text(data.get("line2"))]
    joined = ", ".join(line for line in lines if line)
    comments = None
    if len(joined) > 100 and lines[1]:  # goAML's address is at most 100 characters
        joined, comments = lines[0], lines[1]
    return Address(
        address_type=address_type,
        address=joined,
        city=_text(data.get("city")),
        district=_text(data.get("district")) or None,
        state=_text(data.get("province")) or None,
        zip=_text(data.get("postal_code")) or None,
        country_code=_text(data.get("country")).upper() or "PK",
        comments=comments,
    )


def _addresses(*candidates: Address | None) -> list[Address]:
    out: list[Address] = []
    for address in candidates:
        if address is not None and address not in out:
            out.append(address)
    return out


def identification_for(
    id_type: str,
    number: str,
    *,
    issue_date: date | None = None,
    expiry_date: date | None = None,
    nationality: str = "",
) -> Identification | None:
    if not number:
        return None
    if id_type in NADRA_ID_TYPES:
        return Identification(
            type=NADRA_ID_TYPES[id_type],
            number=number,
            issue_date=issue_date,
            expiry_date=expiry_date,
            issued_by="NADRA",
            issue_country="PK",
        )
    return Identification(
        type=OTHER_ID_TYPES.get(id_type, "OTHER"),
        number=number,
        issue_date=issue_date,
        expiry_date=expiry_date,
        issue_country=nationality or "PK",
    )


# --------------------------------------------------------------------------------- customers


def customer_person(customer: Any) -> Person:
    """The individual customer as a goAML person (full KYC, for the "my client" side)."""
    first, last = split_name(_text(customer.full_name))
    id_type, number = _text(customer.id_type), _text(customer.id_number)
    nationality = _text(customer.nationality).upper()
    document = identification_for(
        id_type,
        number,
        issue_date=customer.id_issue_date,
        expiry_date=customer.id_expiry_date,
        nationality=nationality,
    )
    phone = phone_from_e164(_text(customer.mobile))
    passport = number if id_type == "PASSPORT" else None
    return Person(
        gender=_text(customer.gender) or None,
        first_name=first,
        last_name=last,
        birthdate=customer.date_of_birth,
        birth_place=_text(customer.place_of_birth) or None,
        mothers_name=_text(customer.mother_maiden_name) or None,
        father_name=_text(customer.father_or_spouse_name) or None,
        id_number=number if id_type in NADRA_ID_TYPES else None,
        passport_number=passport,
        passport_country=nationality if passport else None,
        nationality1=nationality or None,
        residence=_text(customer.country_of_residence).upper() or None,
        phones=[phone] if phone else [],
        addresses=_addresses(
            address_from_dict(customer.present_address, address_type="RESIDENTIAL"),
            address_from_dict(customer.permanent_address, address_type="RESIDENTIAL"),
        ),
        email=_text(customer.email) or None,
        occupation=_label(customer, "occupation") or None,
        identification=[document] if document else [],
        source_of_wealth=_label(customer, "source_of_funds") or None,
    )


def owner_person(owner: Any) -> Person:
    """A beneficial owner as a goAML person (what KYC holds: name, birth, nationality, ID)."""
    first, last = split_name(_text(owner.full_name))
    id_type, number = _text(owner.id_type), _text(owner.id_number)
    nationality = _text(owner.nationality).upper()
    document = identification_for(id_type, number, nationality=nationality)
    return Person(
        first_name=first,
        last_name=last,
        birthdate=owner.date_of_birth,
        id_number=number if id_type in NADRA_ID_TYPES else None,
        nationality1=nationality or None,
        identification=[document] if document else [],
        comments=f"Beneficial owner, {owner.ownership_pct}% ownership",
    )


def customer_entity(customer: Any, owners: Iterable[Any] = ()) -> Entity:
    """A legal-entity customer with its beneficial owners as directors (role UBO)."""
    phone = phone_from_e164(_text(customer.mobile), contact_type="BUSINESS")
    registered = address_from_dict(customer.registered_address, address_type="BUSINESS")
    return Entity(
        name=_text(customer.legal_name),
        commercial_name=_text(customer.legal_name),
        incorporation_legal_form=LEGAL_FORMS.get(_text(customer.entity_type)) or None,
        incorporation_number=_text(customer.registration_number) or None,
        business=_text(customer.business_activity) or None,
        phones=[phone] if phone else [],
        addresses=[registered] if registered else [],
        email=_text(customer.email) or None,
        incorporation_country_code=_text(customer.country_of_incorporation).upper() or None,
        directors=[(owner_person(owner), "UBO") for owner in owners],
        incorporation_date=customer.incorporation_date,
        tax_number=_text(customer.ntn) or None,
    )


def customer_account(
    customer: Any, person: Person, *, currency: str = "PKR", asset_account: bool = True
) -> Account:
    """The individual's account at the exchange, with the customer as primary holder."""
    opened = getattr(customer, "approved_at", None) or getattr(customer, "created_at", None)
    return Account(
        account=_text(customer.external_id),
        non_bank_institution=True,
        currency_code=currency,
        account_name=_text(customer.full_name) or _text(customer.external_id),
        client_number=_text(customer.external_id)[:30],
        personal_account_type="VA_CUSTODY" if asset_account else "INDIVIDUAL",
        signatories=[Signatory(person=person, role="HOLDER")],
        opened=opened,
        status_code=ACCOUNT_STATUSES.get(_text(customer.status), "ACTIVE"),
    )


class ClientSide:
    """Builds our customer's side of a transaction (account for a person, entity otherwise)."""

    def __init__(self, customer: Any, owners: Iterable[Any] = ()) -> None:
        self.customer = customer
        self.is_entity = _text(customer.customer_type) == "entity"
        if self.is_entity:
            self.entity = customer_entity(customer, owners)
            self.person = None
            self.account = None
        else:
            self.entity = None
            self.person = customer_person(customer)
            self.account = customer_account(customer, self.person)
        self.country = (
            _text(
                customer.country_of_incorporation
                if self.is_entity
                else customer.country_of_residence
            ).upper()
            or "PK"
        )

    def party(self, funds_code: str, *, as_person: bool = False, **extra: Any) -> Party:
        if self.is_entity:
            return Party(
                funds_code=funds_code,
                my_client=True,
                entity=self.entity,
                country=self.country,
                **extra,
            )
        if as_person:
            return Party(
                funds_code=funds_code,
                my_client=True,
                person=self.person,
                country=self.country,
                **extra,
            )
        return Party(
            funds_code=funds_code,
            my_client=True,
            account=self.account,
            country=self.country,
            **extra,
        )


def report_party_for(client: ClientSide, *, reason: str | None = None) -> ReportParty:
    """Our customer as the party of a report without transactions (goAML ``activity``)."""
    if client.is_entity:
        return ReportParty(entity=client.entity, significance=10, reason=reason)
    return ReportParty(person=client.person, significance=10, reason=reason)


# ------------------------------------------------------------------------------ transactions


def _iban_bank_code(iban: str) -> str:
    """The bank code inside a Pakistani IBAN (PKkk BBBB ...), e.g. SCBL."""
    compact = iban.replace(" ", "").upper()
    return compact[4:8] if compact.startswith("PK") and len(compact) >= 8 else ""


def counterparty_party(
    cp: Mapping[str, Any], *, funds_code: str, fallback_country: str, crypto: bool
) -> tuple[Party, bool]:
    """(the counterparty's side, whether its country was unknown)."""
    country = _text(cp.get("country")).upper()
    unknown_country = not country
    country = country or fallback_country
    name = _text(cp.get("name"))
    wallet = _text(cp.get("wallet_address"))
    account_number = _text(cp.get("account_number")) or _text(cp.get("iban"))
    if crypto and wallet:
        vasp = _text(cp.get("vasp_name"))
        account = Account(
            institution_name=vasp or "Unhosted wallet",
            institution_code=(_text(cp.get("vasp_code")) or vasp or "UNHOSTED")[:50],
            non_bank_institution=True,
            account=wallet,
            account_name=name or None,
            personal_account_type="VA_WALLET",
            comments=f"Wallet on {chain_label(_text(cp.get('chain'))) or 'an unnamed chain'}",
        )
        return Party(funds_code=funds_code, account=account, country=country), unknown_country
    if account_number:
        iban = _text(cp.get("iban"))
        bank = _text(cp.get("bank"))
        account = Account(
            institution_name=bank or "Unknown institution",
            institution_code=(_iban_bank_code(iban) or bank.upper() or "UNKNOWN")[:50],
            account=account_number,
            iban=iban or None,
            account_name=name or None,
        )
        return Party(funds_code=funds_code, account=account, country=country), unknown_country
    first, last = split_name(name or "Unknown counterparty")
    person = Person(first_name=first, last_name=last)
    return Party(funds_code=funds_code, person=person, country=country), unknown_country


def _amount(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _plain(value: Any) -> str:
    """An asset amount without trailing zeros: ``20500.000000000000000000`` -> ``20500``."""
    return f"{_amount(value).normalize():f}"


def chain_label(code: str) -> str:
    """``tron`` -> ``TRON``, as the KYC vocabulary spells it; unknown chains as given."""
    try:
        return str(Chain(code).label)
    except ValueError:
        return code


def _crypto_detail(tx: Any, *, outgoing: bool, exchange_name: str) -> CryptoDetail:
    cp = tx.counterparty or {}
    ours = getattr(tx, "originator" if outgoing else "beneficiary", None)
    our_wallet = _text((ours or {}).get("wallet_address")) or f"custodial wallet at {exchange_name}"
    their_wallet = _text(cp.get("wallet_address")) or "not given"
    return CryptoDetail(
        asset=_text(tx.asset).upper(),
        amount=_amount(tx.amount),
        chain=chain_label(_text(cp.get("chain"))) or "unspecified chain",
        from_wallet=our_wallet if outgoing else their_wallet,
        to_wallet=their_wallet if outgoing else our_wallet,
        counterparty_vasp=_text(cp.get("vasp_name")) or None,
        tx_hash=_text(cp.get("tx_hash")) or None,
    )


def _foreign(tx: Any) -> ForeignCurrency | None:
    asset = _text(tx.asset).upper()
    amount = _amount(tx.amount)
    if asset in FIAT_CURRENCIES and asset != "PKR" and amount:
        return ForeignCurrency(code=asset, amount=amount, rate=_amount(tx.amount_pkr) / amount)
    return None


def transaction_for(
    tx: Any, client: ClientSide, *, exchange_name: str, branch: str = ""
) -> Transaction:
    """One monitoring transaction as a goAML transaction with both sides."""
    kind, channel = _text(tx.kind), _text(tx.channel)
    asset = _text(tx.asset).upper()
    is_crypto = channel == "crypto"
    cp = tx.counterparty or {}
    outgoing = kind in ("withdrawal", "transfer_out", "p2p", "trade_sell")
    crypto = None
    unknown_country = False
    fallback = client.country
    comments: list[str] = []

    if kind in ("trade_buy", "trade_sell"):
        # A trade converts between the customer's PKR and asset balances, both held with us.
        pkr, va = client.party("DEPOSIT"), client.party("VIRTUAL_ASSET")
        from_party, to_party = (pkr, va) if kind == "trade_buy" else (va, pkr)
        transmode = "INTERNAL"
        comments.append(
            f"Trade of {_plain(tx.amount)} {asset} against PKR on the exchange's order book"
        )
    elif channel == "cash" and kind == "deposit":
        conductor = client.person  # None for an entity: validation names the gap
        from_party = client.party("CASH", as_person=True, conductor=conductor)
        to_party = client.party("DEPOSIT")
        transmode = "CASH"
    elif channel == "cash":
        from_party = client.party("DEPOSIT")
        to_party = client.party("CASH", as_person=True)
        transmode = "CASH"
    else:
        funds = "VIRTUAL_ASSET" if is_crypto else CHANNEL_FUNDS.get(channel, "OTHER")
        other, unknown_country = counterparty_party(
            cp, funds_code=funds, fallback_country=fallback, crypto=is_crypto
        )
        if is_crypto:
            crypto = _crypto_detail(tx, outgoing=outgoing, exchange_name=exchange_name)
            transmode = "VA_TRANSFER"
        elif channel == "internal" or (kind == "p2p" and not cp.get("bank")):
            transmode = "VA_INTERNAL" if asset != "PKR" else "INTERNAL"
        else:
            transmode = CHANNEL_TRANSMODES.get(channel, "OTHER")
            if channel == "bank" and other.country != "PK":
                transmode = "WIRE"
        foreign = _foreign(tx)
        mine = client.party(funds, foreign_currency=foreign) if foreign else client.party(funds)
        from_party, to_party = (mine, other) if outgoing else (other, mine)

    if unknown_country:
        comments.append(
            f"Counterparty country not known; {fallback} (the customer's country) written."
        )
    location = f"Cash counter, {branch}" if channel == "cash" else "Online (exchange platform)"
    return Transaction(
        number=_text(tx.external_id),
        internal_ref=_text(tx.pk) or None,
        location=location,
        description=(
            f"{_label(tx, 'kind')} via {_label(tx, 'channel')}: {_plain(tx.amount)} {asset}"
        ),
        date=tx.occurred_at,
        transmode_code=transmode,
        amount_local=_amount(tx.amount_pkr),
        from_party=from_party,
        to_party=to_party,
        comments="\n".join(comments) or None,
        crypto=crypto,
    )


def transactions_for(
    transactions: Iterable[Any], client: ClientSide, *, exchange_name: str, branch: str = ""
) -> list[Transaction]:
    ordered = sorted(transactions, key=lambda tx: (tx.occurred_at, _text(tx.external_id)))
    return [
        transaction_for(tx, client, exchange_name=exchange_name, branch=branch) for tx in ordered
    ]
