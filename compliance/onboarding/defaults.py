"""Default risk model: the rows the data migration installs. Compliance edits them afterwards
in the admin (audited); these literals are only the starting point and the unit tests' model.

Points are on a 0-100 scale per factor (100 = the factor at its worst); weights scale them.
With the default weights a salaried Pakistani trading a modest amount scores about 15 (low),
a business owner or a company with a few million a month 50-60 (medium), a grey-list national
and resident 95 (high); a PEP is high whatever the score (floor). A list change (FATF
plenaries in February, June, October) ships as a new data migration, never as an edit here
alone.
"""

from __future__ import annotations

from decimal import Decimal

from compliance.onboarding.risk import (
    HIGH,
    LOW,
    MEDIUM,
    PROHIBITED,
    Band,
    CountryRating,
    FactorConfig,
    RiskModel,
)

# FATF "High-Risk Jurisdictions subject to a Call for Action", 24 October 2025 plenary.
# The FATF calls for countermeasures against DPRK and Iran, so Pakistan's regulations (SBP/SECP
# AML/CFT regulations on FATF-listed jurisdictions) mean no business relationship: prohibited.
# For Myanmar the call is enhanced due diligence, not countermeasures: high risk, not barred.
FATF_BLACK = {
    "KP": ("Democratic People's Republic of Korea", Decimal("100"), True),
    "IR": ("Iran", Decimal("100"), True),
    "MM": ("Myanmar", Decimal("60"), False),
}
# FATF "Jurisdictions under Increased Monitoring", 24 October 2025 (after Burkina Faso,
# Mozambique, Nigeria and South Africa were removed; Bolivia and the BVI added in June 2025).
FATF_GREY = {
    "DZ": "Algeria",
    "AO": "Angola",
    "BO": "Bolivia",
    "BG": "Bulgaria",
    "CM": "Cameroon",
    "CI": "Côte d'Ivoire",
    "CD": "Democratic Republic of the Congo",
    "HT": "Haiti",
    "KE": "Kenya",
    "LA": "Lao PDR",
    "LB": "Lebanon",
    "MC": "Monaco",
    "NA": "Namibia",
    "NP": "Nepal",
    "SS": "South Sudan",
    "SY": "Syria",
    "VE": "Venezuela",
    "VN": "Vietnam",
    "VG": "Virgin Islands (UK)",
    "YE": "Yemen",
}
GREY_POINTS = Decimal("40")
# The firm's own list: Pakistan's National Risk Assessment names cross-border terrorist
# financing exposure to Afghanistan as a principal TF threat.
OTHER_HIGH_RISK = {"AF": ("Afghanistan", Decimal("40"))}
FATF_LISTS_AS_OF = "2025-10-24"


def default_countries() -> dict[str, CountryRating]:
    rows: dict[str, CountryRating] = {}
    for code, (_, points, prohibits) in FATF_BLACK.items():
        rows[code] = CountryRating(code, "fatf_black", points, prohibits)
    for code in FATF_GREY:
        rows[code] = CountryRating(code, "fatf_grey", GREY_POINTS)
    for code, (_, points) in OTHER_HIGH_RISK.items():
        rows[code] = CountryRating(code, "other", points)
    return rows


def country_names() -> dict[str, str]:
    names = {code: name for code, (name, _, _) in FATF_BLACK.items()}
    names.update(FATF_GREY)
    names.update({code: name for code, (name, _) in OTHER_HIGH_RISK.items()})
    return names


# Companies turn over more than people: their own bands (added by migration 0004).
ENTITY_TURNOVER_BANDS = [
    {"min_pkr": "0", "points": 0},
    {"min_pkr": "5000000", "points": 5},
    {"min_pkr": "25000000", "points": 15},
    {"min_pkr": "100000000", "points": 30},
    {"min_pkr": "500000000", "points": 45},
]

# code -> (description, weight, settings)
DEFAULT_FACTORS: dict[str, tuple[str, Decimal, dict]] = {
    "NATIONALITY": (
        "Nationality (an entity: country of incorporation) against FATF and firm lists",
        Decimal("1.00"),
        {"home_country": "PK", "unlisted_points": 5, "missing_points": 20},
    ),
    "RESIDENCE": (
        "Country of residence (an entity: registered address) against FATF and firm lists",
        Decimal("1.00"),
        {"home_country": "PK", "unlisted_points": 10, "missing_points": 20},
    ),
    "PEP": (
        "Politically exposed person (declared or found by screening): always at least high",
        Decimal("1.00"),
        {"pep_points": 30, "floor_level": HIGH},
    ),
    "OCCUPATION": (
        "Occupation: cash-intensive trades, high-value dealers and public office score higher",
        Decimal("1.00"),
        {
            "points": {
                "salaried_private": 0,
                "salaried_government": 0,
                "armed_forces": 0,
                "student": 5,
                "homemaker": 5,
                "retired": 5,
                "self_employed_professional": 5,
                "agriculturist": 10,
                "overseas_worker": 10,
                "it_freelancer": 10,
                "business_owner": 15,
                "unemployed": 20,
                "legal_accounting": 20,
                "ngo_charity": 25,
                "real_estate": 30,
                "public_official": 30,
                "jeweller": 35,
                "money_services": 40,
                "other": 20,
            },
            "default": 20,
        },
    ),
    "SOURCE_OF_FUNDS": (
        "Declared source of funds",
        Decimal("1.00"),
        {
            "points": {
                "salary": 0,
                "pension": 0,
                "savings": 5,
                "freelance_income": 5,
                "business_income": 10,
                "investment_returns": 10,
                "agricultural_income": 10,
                "home_remittance": 10,
                "inheritance": 20,
                "property_sale": 20,
                "crypto_proceeds": 25,
                "gift": 30,
                "loan": 30,
                "other": 30,
            },
            "default": 30,
        },
    ),
    "EXPECTED_TURNOVER": (
        "Expected monthly turnover in PKR, by band",
        Decimal("1.00"),
        {
            "bands": [
                {"min_pkr": "0", "points": 0},
                {"min_pkr": "250000", "points": 5},
                {"min_pkr": "1000000", "points": 15},
                {"min_pkr": "5000000", "points": 30},
                {"min_pkr": "20000000", "points": 45},
            ],
            "entity_bands": ENTITY_TURNOVER_BANDS,
        },
    ),
    "PRODUCT": (
        "What the account is for; a self-hosted wallet adds un-hosted transfer risk",
        Decimal("1.00"),
        {
            "points": {
                "investment": 5,
                "trading": 5,
                "savings": 0,
                "freelance_payments": 10,
                "payments": 15,
                "business_treasury": 15,
                "remittance": 20,
                "other": 15,
            },
            "default": 15,
            "self_hosted_wallet_points": 10,
        },
    ),
    "CHANNEL": (
        "Onboarding channel: remote onboarding without physical presence scores higher",
        Decimal("1.00"),
        {"points": {"face_to_face": 0, "non_face_to_face": 10, "introduced": 15}, "default": 10},
    ),
    "ENTITY_TYPE": (
        "Entity's legal form: trusts, NPOs and foreign companies are harder to see through",
        Decimal("1.00"),
        {
            "points": {
                "government": 0,
                "public_limited": 5,
                "private_limited": 10,
                "single_member_company": 10,
                "sole_proprietorship": 10,
                "llp": 15,
                "partnership": 15,
                "npo": 35,
                "trust": 40,
                "foreign_company": 35,
                "other": 25,
            },
            "default": 25,
            # Free-text business activity: the highest matching keyword adds its points.
            "activity_keywords": {
                "money exchange": 30,
                "exchange company": 30,
                "remittance": 30,
                "hawala": 60,
                "hundi": 60,
                "gold": 20,
                "jewel": 20,
                "precious": 20,
                "real estate": 20,
                "property": 15,
                "crypto": 20,
                "virtual asset": 20,
                "arms": 40,
                "charity": 15,
            },
        },
    ),
    "UBO_OPACITY": (
        "Entity ownership that is unexplained or sits in listed countries",
        Decimal("1.00"),
        {
            "no_owners_points": 60,
            "unexplained_pct_threshold": 25,
            "unexplained_points": 30,
            "listed_country_owner_points": 30,
        },
    ),
    "VERIFICATION": (
        "Identity verification result (NADRA Verisys-style)",
        Decimal("1.00"),
        {
            "points": {
                "match": 0,
                "partial_match": 20,
                "name_mismatch": 30,
                "id_expired": 30,
                "no_record": 60,
                "deceased": 60,
                "blocked": 60,
                "error": 15,
                "not_run": 15,
            },
            "default": 30,
            "floor": {"deceased": "high", "blocked": "high"},
        },
    ),
}

DEFAULT_BANDS: dict[str, Decimal] = {
    LOW: Decimal("0"),
    MEDIUM: Decimal("30"),
    HIGH: Decimal("65"),
    PROHIBITED: Decimal("150"),
}


def default_factors() -> tuple[FactorConfig, ...]:
    return tuple(
        FactorConfig(code=code, weight=weight, settings=settings, description=description)
        for code, (description, weight, settings) in DEFAULT_FACTORS.items()
    )


def default_bands() -> tuple[Band, ...]:
    return tuple(Band(level, min_score) for level, min_score in DEFAULT_BANDS.items())


def default_risk_model() -> RiskModel:
    return RiskModel(
        factors=default_factors(), countries=default_countries(), bands=default_bands()
    )
