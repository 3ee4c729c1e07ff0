"""Default goAML lookup tables for filings to Pakistan's FMU, as plain data.

goAML ships one schema and lets each FIU publish its own lookup lists (report codes, funds
types, transmission modes, indicators ...). These lists change without a schema change, so
they are data: a data migration loads the defaults below into database tables, the compliance
team edits them there, and the builder and the validator take a ``Lookups`` built from those
rows (``DEFAULT_LOOKUPS`` when none is given).

The codes below are Nigraan's starting set. Before going live they must be aligned, code for
code, with the lookup lists the FMU publishes on its goAML portal for the registered entity
(the FMU rejects a report whose codes are not on its lists). Countries are ISO 3166-1 alpha-2
(plus XK, Kosovo, which goAML lists) and currencies ISO 4217, as goAML requires.

``typology_indicators`` maps Nigraan's monitoring typology codes (the ``code`` of each rule
template) to goAML report indicator codes; ``report_default_indicators`` gives the indicators a
report of a kind carries when the case gave none (a CTR is a threshold report, not a suspicion).

``districts`` is the FMU's list of districts (FMU Circular 5 of 2021: STR addresses must use the
exact spelling from the FMU's list). It is empty by default, which turns the check off; load the
FMU's list into the table to turn it on. Districts are carried in ``t_address/town`` (see
``reporting.goaml.builder``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from core.currencies import ISO_4217


@dataclass(frozen=True)
class ReportKind:
    """A goAML report code and the FMU rules that go with it."""

    description: str
    # An STR without its grounds is useless to the FMU; a CTR is a threshold report.
    reason_required: bool = False
    # A CTR names who physically brought or took the cash (GOAML.md: "with the conductor").
    conductor_required: bool = False


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


def _codes(block: str) -> frozenset[str]:
    return frozenset(block.split())


@dataclass(frozen=True)
class Lookups:
    """Every lookup list the builder and validator consult. Codes map to descriptions."""

    report_codes: Mapping[str, ReportKind]
    transmodes: Mapping[str, str]
    funds_types: Mapping[str, str]
    identifier_types: Mapping[str, str]
    # Identifier types whose number is a NADRA 13-digit number (CNIC format 12345-1234567-1).
    cnic_identifier_types: frozenset[str]
    account_types: Mapping[str, str]
    account_statuses: Mapping[str, str]
    account_person_roles: Mapping[str, str]
    entity_person_roles: Mapping[str, str]
    legal_forms: Mapping[str, str]
    contact_types: Mapping[str, str]
    communication_types: Mapping[str, str]
    genders: Mapping[str, str]
    item_types: Mapping[str, str]
    # The goods_services item type used to describe a virtual-asset transfer.
    virtual_asset_item_type: str
    indicators: Mapping[str, str]
    typology_indicators: Mapping[str, tuple[str, ...]]
    report_default_indicators: Mapping[str, tuple[str, ...]]
    countries: frozenset[str]
    currencies: frozenset[str]
    districts: frozenset[str] = field(default_factory=frozenset)

    def indicators_for(self, codes: Iterable[str]) -> list[str]:
        """goAML indicator codes for typology and/or indicator codes, in order, without repeats.

        A typology code is translated through ``typology_indicators``; anything else is taken
        to be an indicator code already (the validator flags it if it is not on the list).
        """
        out: list[str] = []
        for code in codes:
            for indicator in self.typology_indicators.get(code, (code,)):
                if indicator not in out:
                    out.append(indicator)
        return out


REPORT_CODES = {
    "STR": ReportKind("Suspicious Transaction Report", reason_required=True),
    "CTR": ReportKind(
        "Currency Transaction Report (cash of PKR 2,000,000 or more)", conductor_required=True
    ),
    "STR-F": ReportKind(
        "Suspicious Transaction Report - terrorism financing", reason_required=True
    ),
}

TRANSMODES = {
    "CASH": "Cash over the counter",
    "CHEQUE": "Cheque / pay order / demand draft",
    "IBFT": "Inter-bank funds transfer (1LINK / IBFT)",
    "RAAST": "Raast instant payment",
    "WIRE": "Cross-border wire transfer (SWIFT)",
    "CARD": "Debit / credit card",
    "MOBILE_WALLET": "Branchless banking / mobile wallet",
    "INTERNAL": "Book transfer between accounts of the reporting entity",
    "VA_TRANSFER": "Virtual asset transfer on a blockchain",
    "VA_INTERNAL": "Virtual asset transfer between accounts of the reporting entity (off-chain)",
    "OTHER": "Other (explained in transmode_comment)",
}

FUNDS_TYPES = {
    "CASH": "Cash (PKR or foreign banknotes)",
    "DEPOSIT": "Funds held in an account",
    "VIRTUAL_ASSET": "Virtual asset",
    "CHEQUE": "Cheque / pay order / demand draft",
    "WIRE": "Wire transfer",
    "CARD": "Card payment",
    "MOBILE_WALLET": "Mobile wallet balance",
    "OTHER": "Other (explained in funds_comment)",
}

IDENTIFIER_TYPES = {
    "CNIC": "Computerised National Identity Card (NADRA)",
    "NICOP": "National Identity Card for Overseas Pakistanis (NADRA)",
    "POC": "Pakistan Origin Card (NADRA)",
    "PASSPORT": "Passport",
    "ARC": "Alien Registration Card / Proof of Registration card",
    "OTHER": "Other identity document",
}

ACCOUNT_TYPES = {
    "INDIVIDUAL": "Individual account",
    "JOINT": "Joint account",
    "BUSINESS": "Business / corporate account",
    "VA_CUSTODY": "Custodial virtual asset account at an exchange",
    "VA_WALLET": "Virtual asset wallet (self-hosted or at another provider)",
}

ACCOUNT_STATUSES = {
    "ACTIVE": "Active",
    "DORMANT": "Dormant",
    "FROZEN": "Frozen / blocked",
    "CLOSED": "Closed",
}

ACCOUNT_PERSON_ROLES = {
    "HOLDER": "Account holder",
    "JOINT_HOLDER": "Joint account holder",
    "SIGNATORY": "Authorised signatory",
    "MANDATE": "Mandate holder",
    "GUARDIAN": "Guardian of a minor",
}

ENTITY_PERSON_ROLES = {
    "DIRECTOR": "Director",
    "CEO": "Chief executive",
    "CHAIRMAN": "Chairman",
    "SHAREHOLDER": "Shareholder",
    "UBO": "Ultimate beneficial owner",
    "SIGNATORY": "Authorised signatory",
    "PARTNER": "Partner",
    "PROPRIETOR": "Sole proprietor",
    "TRUSTEE": "Trustee",
    "SECRETARY": "Company secretary",
}

LEGAL_FORMS = {
    "SOLE_PROPRIETOR": "Sole proprietorship",
    "PARTNERSHIP": "Partnership firm",
    "AOP": "Association of persons",
    "SMC": "Single member company (SMC-Pvt) Ltd",
    "PRIVATE_LIMITED": "Private limited company",
    "PUBLIC_LIMITED": "Public limited company",
    "LLP": "Limited liability partnership",
    "TRUST": "Trust",
    "NPO": "Non-profit organisation / society / section 42 company",
    "GOVERNMENT": "Government body",
    "FOREIGN": "Foreign company or branch",
    "OTHER": "Other",
}

CONTACT_TYPES = {
    "RESIDENTIAL": "Residential / private",
    "BUSINESS": "Business / office",
    "MAILING": "Mailing / correspondence",
    "OTHER": "Other",
}

COMMUNICATION_TYPES = {
    "MOBILE": "Mobile phone",
    "LANDLINE": "Landline",
    "FAX": "Fax",
    "OTHER": "Other",
}

GENDERS = {
    "M": "Male",
    "F": "Female",
    "X": "Transgender / third gender (NADRA 'X')",
}

ITEM_TYPES = {
    "VIRTUAL_ASSET": "Virtual asset",
    "OTHER": "Other asset",
}

# goAML report indicators (red flags). Prefixes group them: ML money laundering, TF terrorism
# financing / targeted financial sanctions, VA virtual-asset specific, CTR threshold reports.
INDICATORS = {
    "ML-STRUCT": "Structuring: amounts kept just below a reporting threshold",
    "ML-LARGECASH": "Large cash transaction",
    "ML-RAPID": "Rapid movement of funds: received and sent on within a short time",
    "ML-VELOCITY": "Unusually high number of transactions in a short time",
    "ML-PROFILE": "Activity inconsistent with the customer's profile or declared income",
    "ML-DORMANT": "Sudden activity in a dormant account",
    "ML-FANIN": "Funds received from many unrelated counterparties (fan-in)",
    "ML-FANOUT": "Funds sent to many unrelated counterparties (fan-out)",
    "ML-HRJ": "Counterparty or funds linked to a high-risk jurisdiction (FATF lists)",
    "ML-ROUND": "Repeated round-amount transactions",
    "TF-SANCTIONED": "Counterparty linked to a sanctioned or proscribed person, entity or wallet",
    "TF-TFS": "Match against targeted financial sanctions lists (UNSC, NACTA proscribed persons)",
    "VA-TRAVELRULE": "Virtual asset transfer without required originator/beneficiary data",
    "VA-TIERLIMIT": "Activity exceeding the customer's KYC tier limits",
    "CTR-CASH": "Cash transaction at or above the CTR threshold",
}

TYPOLOGY_INDICATORS = {
    "STRUCTURING": ("ML-STRUCT",),
    "LARGE_CASH": ("ML-LARGECASH",),
    "RAPID_MOVEMENT": ("ML-RAPID",),
    "VELOCITY": ("ML-VELOCITY",),
    "PROFILE_DEVIATION": ("ML-PROFILE",),
    "DORMANT_REACTIVATION": ("ML-DORMANT",),
    "FAN_IN": ("ML-FANIN",),
    "FAN_OUT": ("ML-FANOUT",),
    "SANCTIONED_COUNTERPARTY": ("TF-SANCTIONED",),
    "HIGH_RISK_JURISDICTION": ("ML-HRJ",),
    "TRAVEL_RULE_MISSING": ("VA-TRAVELRULE",),
    "TIER_LIMIT": ("VA-TIERLIMIT",),
    "ROUND_AMOUNTS": ("ML-ROUND",),
    "TFS_MATCH": ("TF-TFS",),
}

REPORT_DEFAULT_INDICATORS = {
    "CTR": ("CTR-CASH",),
}

# ISO 3166-1 alpha-2, officially assigned codes, plus XK (Kosovo) which goAML lists.
COUNTRIES = _codes(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW XK
    """
)

CURRENCIES = ISO_4217  # the one list, in core (transaction intake checks it too)

DEFAULT_LOOKUPS = Lookups(
    report_codes=_frozen(REPORT_CODES),
    transmodes=_frozen(TRANSMODES),
    funds_types=_frozen(FUNDS_TYPES),
    identifier_types=_frozen(IDENTIFIER_TYPES),
    cnic_identifier_types=frozenset({"CNIC", "NICOP"}),
    account_types=_frozen(ACCOUNT_TYPES),
    account_statuses=_frozen(ACCOUNT_STATUSES),
    account_person_roles=_frozen(ACCOUNT_PERSON_ROLES),
    entity_person_roles=_frozen(ENTITY_PERSON_ROLES),
    legal_forms=_frozen(LEGAL_FORMS),
    contact_types=_frozen(CONTACT_TYPES),
    communication_types=_frozen(COMMUNICATION_TYPES),
    genders=_frozen(GENDERS),
    item_types=_frozen(ITEM_TYPES),
    virtual_asset_item_type="VIRTUAL_ASSET",
    indicators=_frozen(INDICATORS),
    typology_indicators=_frozen(TYPOLOGY_INDICATORS),
    report_default_indicators=_frozen(REPORT_DEFAULT_INDICATORS),
    countries=COUNTRIES,
    currencies=CURRENCIES,
)
