"""Typology codes to classes, and the default Pakistan rule pack a data migration loads.

A stored rule names a typology and carries its params; ``build_rule`` turns that record into
a runnable rule (validating the params). Expression rules are built with
``compliance.monitoring.expressions.ExpressionRule``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Typology
from .cash import LargeCash, RoundAmounts, Structuring
from .counterparties import HighRiskJurisdiction, SanctionedCounterparty, TravelRuleMissing
from .flows import FanIn, FanOut, RapidMovement, Velocity
from .profile import DormantReactivation, ProfileDeviation, TierLimit
from .travel_rule import TravelRuleMismatch

TYPOLOGIES: dict[str, type[Typology]] = {
    cls.code: cls
    for cls in (
        Structuring,
        LargeCash,
        RapidMovement,
        Velocity,
        ProfileDeviation,
        DormantReactivation,
        FanIn,
        FanOut,
        SanctionedCounterparty,
        HighRiskJurisdiction,
        TravelRuleMissing,
        TravelRuleMismatch,
        TierLimit,
        RoundAmounts,
    )
}

SEVERITIES = ("low", "medium", "high", "critical")


class UnknownTypology(KeyError):
    pass


def typology_class(code: str) -> type[Typology]:
    try:
        return TYPOLOGIES[code]
    except KeyError:
        raise UnknownTypology(code) from None


def build_rule(typology: str, params: Mapping[str, Any] | None = None) -> Typology:
    """The runnable rule for a stored record; raises ``ParameterError`` on bad params."""
    return typology_class(typology).from_params(params)


def param_schemas() -> dict[str, dict[str, Any]]:
    """Every typology's parameter schema, by code (for the admin and the API docs)."""
    return {code: cls.param_schema() for code, cls in TYPOLOGIES.items()}


# FATF public statements, October 2025 plenary. The compliance team replaces this data after
# each plenary (February, June, October); it is loaded into the database, not read from here.
FATF_BLACK_LIST = "FATF black list"  # "High-risk jurisdictions subject to a call for action"
FATF_GREY_LIST = "FATF grey list"  # "Jurisdictions under increased monitoring"
DEFAULT_HIGH_RISK_COUNTRIES: dict[str, str] = {
    "KP": FATF_BLACK_LIST,  # Democratic People's Republic of Korea
    "IR": FATF_BLACK_LIST,  # Iran
    "MM": FATF_BLACK_LIST,  # Myanmar
    "DZ": FATF_GREY_LIST,  # Algeria
    "AO": FATF_GREY_LIST,  # Angola
    "BO": FATF_GREY_LIST,  # Bolivia
    "BG": FATF_GREY_LIST,  # Bulgaria
    "CM": FATF_GREY_LIST,  # Cameroon
    "CI": FATF_GREY_LIST,  # Côte d'Ivoire
    "CD": FATF_GREY_LIST,  # Democratic Republic of the Congo
    "HT": FATF_GREY_LIST,  # Haiti
    "KE": FATF_GREY_LIST,  # Kenya
    "LA": FATF_GREY_LIST,  # Lao PDR
    "LB": FATF_GREY_LIST,  # Lebanon
    "MC": FATF_GREY_LIST,  # Monaco
    "NA": FATF_GREY_LIST,  # Namibia
    "NP": FATF_GREY_LIST,  # Nepal
    "SS": FATF_GREY_LIST,  # South Sudan
    "SY": FATF_GREY_LIST,  # Syria
    "VE": FATF_GREY_LIST,  # Venezuela
    "VN": FATF_GREY_LIST,  # Vietnam
    "VG": FATF_GREY_LIST,  # British Virgin Islands
    "YE": FATF_GREY_LIST,  # Yemen
}


def _rule(
    code: str, name: str, typology: type[Typology], severity: str, blocking: bool = False, **params
) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "typology": typology.code,
        "severity": severity,
        "params": typology.from_params(params).to_params(),
        "blocking": blocking,
    }


DEFAULT_RULE_PACK: list[dict[str, Any]] = [
    _rule(
        "PK-STRUCTURING-CTR",
        "Cash just under the PKR 2M CTR threshold, 3 or more in 7 days",
        Structuring,
        "high",
    ),
    _rule(
        "PK-LARGE-CASH-CTR",
        "Cash of PKR 2M or more (CTR due)",
        LargeCash,
        "medium",
    ),
    _rule(
        "PK-RAPID-MOVEMENT",
        "90 % or more of incoming funds out again within 24 h",
        RapidMovement,
        "high",
    ),
    _rule(
        "PK-VELOCITY",
        "20 or more deposits, withdrawals and transfers in 24 h",
        Velocity,
        "medium",
    ),
    _rule(
        "PK-PROFILE-DEVIATION",
        "Incoming value over 30 days at twice the declared monthly turnover or more",
        ProfileDeviation,
        "medium",
    ),
    _rule(
        "PK-DORMANT-REACTIVATION",
        "PKR 500K or more moved within 30 days of waking an account idle for 180 days",
        DormantReactivation,
        "medium",
    ),
    _rule(
        "PK-FAN-IN",
        "Transfers in from 10 or more counterparties within 72 h",
        FanIn,
        "high",
    ),
    _rule(
        "PK-FAN-OUT",
        "Transfers out to 10 or more counterparties within 72 h",
        FanOut,
        "high",
    ),
    _rule(
        "PK-SANCTIONED-COUNTERPARTY",
        "Counterparty wallet or name on a sanctions list",
        SanctionedCounterparty,
        "critical",
        blocking=True,
    ),
    _rule(
        "PK-FATF-CALL-FOR-ACTION",
        "Counterparty in a FATF call-for-action jurisdiction",
        HighRiskJurisdiction,
        "high",
        lists=[FATF_BLACK_LIST],
    ),
    _rule(
        "PK-FATF-INCREASED-MONITORING",
        "Counterparty in a FATF increased-monitoring jurisdiction, PKR 500K or more",
        HighRiskJurisdiction,
        "medium",
        lists=[FATF_GREY_LIST],
        min_amount_pkr="500000",
    ),
    _rule(
        "PK-TRAVEL-RULE",
        "Crypto transfer above PKR 1M without travel-rule data",
        TravelRuleMissing,
        "high",
    ),
    _rule(
        "PK-TIER-LIMIT",
        "Movement beyond the customer's tier limits",
        TierLimit,
        "high",
        blocking=True,
    ),
    _rule(
        "PK-ROUND-AMOUNTS",
        "3 or more round movements of PKR 500K or more (whole lakhs) in 7 days",
        RoundAmounts,
        "low",
    ),
]
