"""Customer risk scoring: plain Python over a ``RiskProfile``, no database.

The model is data. Each factor reads one aspect of the profile and turns it into *points*
through its ``settings`` (value -> points maps, bands); the factor's *weight* scales the points
into its contribution; the contributions add up to the score; score bands give the level.
A factor may also set a *floor* (a level the customer cannot be below whatever the score, e.g.
a PEP is at least ``high``; a nationality under FATF countermeasures is ``prohibited``).

Every factor returns its contribution with a sentence saying why, so the score explains itself
to an officer and an inspector. The DB rows (RiskFactor, CountryRisk, RiskBand) are loaded into a
``RiskModel`` once and the same pure ``score`` runs for one customer or a hundred thousand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

LOW, MEDIUM, HIGH, PROHIBITED = "low", "medium", "high", "prohibited"
LEVELS = (LOW, MEDIUM, HIGH, PROHIBITED)
_LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}

INDIVIDUAL, ENTITY = "individual", "entity"
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
SCORE_PLACES = Decimal("0.01")
ZERO = Decimal("0")  # shared: scoring runs for every customer on a re-scoring


def level_rank(level: str) -> int:
    return _LEVEL_RANK[level]


def higher_level(a: str, b: str) -> str:
    return a if level_rank(a) >= level_rank(b) else b


@dataclass(frozen=True)
class OwnerProfile:
    """A beneficial owner as the UBO-opacity factor sees it."""

    nationality: str
    ownership_pct: Decimal


@dataclass(frozen=True)
class RiskProfile:
    """What scoring needs to know about a customer; built from kyc's Customer by the service."""

    customer_type: str = INDIVIDUAL
    nationality: str = ""  # ISO 3166 alpha-2; an entity's country of incorporation
    country_of_residence: str = ""  # an entity's registered-address country
    is_pep: bool = False  # declared, or found by screening
    occupation: str = ""
    source_of_funds: str = ""
    expected_monthly_turnover_pkr: Decimal = Decimal("0")
    product: str = ""  # what the account is for (purpose_of_account)
    channel: str = "non_face_to_face"  # API onboarding is remote by nature
    has_self_hosted_wallet: bool = False
    entity_type: str = ""  # entities: legal form (kyc's EntityType)
    business_activity: str = ""  # entities: free text
    owners: tuple[OwnerProfile, ...] = ()  # entities: declared beneficial owners
    verification_outcome: str = ""  # identity provider's result code; "" when not run


@dataclass(frozen=True)
class CountryRating:
    """A country's place on a list (FATF black/grey, or the firm's own) and its points."""

    code: str
    list_name: str
    points: Decimal
    prohibits_onboarding: bool = False


def _compile(value: Any) -> Any:
    """Settings as the factor functions read them: JSON numbers become Decimal once, here,
    rather than on every customer scored."""
    if isinstance(value, dict):
        return {k: _compile(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_compile(v) for v in value]
    if isinstance(value, str) and _NUMBER.match(value):
        return Decimal(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return Decimal(str(value))


@dataclass(frozen=True)
class FactorConfig:
    code: str
    weight: Decimal
    settings: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    compiled: Mapping[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", _compile(dict(self.settings)))


@dataclass(frozen=True)
class Band:
    level: str
    min_score: Decimal


@dataclass(frozen=True)
class RiskModel:
    factors: tuple[FactorConfig, ...]
    countries: Mapping[str, CountryRating]
    bands: tuple[Band, ...]

    # Each factor with its scoring function, looked up once rather than per customer.
    scorers: tuple[tuple[FactorFn, FactorConfig], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if not any(b.min_score <= 0 for b in self.bands):
            raise ValueError("risk bands must start at score 0")
        ordered = tuple(sorted(self.bands, key=lambda b: b.min_score))
        object.__setattr__(self, "bands", ordered)
        scorers = tuple((_scoring_function(f), f) for f in self.factors)
        object.__setattr__(self, "scorers", scorers)


class Contribution(NamedTuple):
    """One factor's share of the score (weight x points), with the sentence that explains it."""

    code: str
    weight: Decimal
    points: Decimal
    detail: str
    floor: str | None
    score: Decimal

    @classmethod
    def of(cls, code: str, weight: Decimal, points: Decimal, detail: str, floor=None):
        return cls(code, weight, points, detail, floor, (weight * points).quantize(SCORE_PLACES))

    def as_dict(self) -> dict[str, Any]:
        return {
            "factor": self.code,
            "weight": str(self.weight),
            "points": str(self.points),
            "score": str(self.score),
            "detail": self.detail,
            "floor": self.floor,
        }


@dataclass(frozen=True)
class RiskResult:
    score: Decimal
    level: str
    band_level: str  # the level the score alone gives, before floors
    contributions: tuple[Contribution, ...]

    @property
    def floors(self) -> tuple[Contribution, ...]:
        return tuple(c for c in self.contributions if c.floor)

    def explanation(self) -> list[dict[str, Any]]:
        return [c.as_dict() for c in self.contributions]

    def reasons_for_level(self) -> str:
        """Why the customer has this level, in words (for the decision's reason)."""
        raised = [c for c in self.floors if c.floor == self.level]
        if raised and level_rank(self.level) > level_rank(self.band_level):
            return "; ".join(c.detail for c in raised)
        top = sorted(self.contributions, key=lambda c: c.score, reverse=True)
        main = "; ".join(f"{c.detail} (+{c.score})" for c in top[:3] if c.score > 0)
        return f"score {self.score} is in the {self.level} band" + (f": {main}" if main else "")


# --- factors --------------------------------------------------------------------------------

Points = tuple[Decimal, str, str | None]  # points, detail, floor
FactorFn = Callable[[RiskProfile, Mapping[str, Any], Mapping[str, CountryRating]], Points]


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _mapped(value: str, settings: Mapping[str, Any], what: str) -> Points:
    table = settings.get("points", {})
    key = (value or "").strip().lower()
    if key in table:
        return _dec(table[key]), f"{what} '{key}'", None
    shown = key or "not given"
    return _dec(settings.get("default", 0)), f"{what} '{shown}' (not in the list)", None


def _country(code: str, settings: Mapping[str, Any], countries, what: str) -> Points:
    code = (code or "").upper()
    if not code:
        return _dec(settings.get("missing_points", 0)), f"{what} not given", None
    if code == settings.get("home_country", "PK"):
        return ZERO, f"{what} {code} (home country)", None
    rating = countries.get(code)
    if rating is None:
        return _dec(settings.get("unlisted_points", 0)), f"{what} {code} (not on a list)", None
    floor = (
        PROHIBITED
        if rating.prohibits_onboarding
        else settings.get("listed_floor", {}).get(rating.list_name)
    )
    label = LIST_LABELS.get(rating.list_name, rating.list_name)
    return rating.points, f"{what} {code} is on the {label}", floor


LIST_LABELS = {
    "fatf_black": "FATF call-for-action list",
    "fatf_grey": "FATF increased-monitoring list",
    "other": "firm's high-risk country list",
}


def nationality(profile, settings, countries) -> Points:
    what = "country of incorporation" if profile.customer_type == ENTITY else "nationality"
    return _country(profile.nationality, settings, countries, what)


def residence(profile, settings, countries) -> Points:
    what = "registered in" if profile.customer_type == ENTITY else "residence"
    return _country(profile.country_of_residence, settings, countries, what)


def pep(profile, settings, countries) -> Points:
    if not profile.is_pep:
        return ZERO, "not a politically exposed person", None
    return (
        _dec(settings.get("pep_points", 0)),
        "politically exposed person",
        settings.get("floor_level"),
    )


def occupation(profile, settings, countries) -> Points:
    if profile.customer_type == ENTITY:
        return ZERO, "occupation not applicable to an entity", None
    return _mapped(profile.occupation, settings, "occupation")


def source_of_funds(profile, settings, countries) -> Points:
    return _mapped(profile.source_of_funds, settings, "source of funds")


def expected_turnover(profile, settings, countries) -> Points:
    """Points of the band the declared monthly turnover falls in; an entity reads its own bands
    (``entity_bands``) when they are set, since a company's ordinary turnover is larger."""
    amount = profile.expected_monthly_turnover_pkr or ZERO
    bands = settings.get("bands", [])
    if profile.customer_type == ENTITY and settings.get("entity_bands"):
        bands = settings["entity_bands"]
    points, floor_from = ZERO, ZERO
    for band in sorted(bands, key=lambda b: _dec(b["min_pkr"])):
        start = _dec(band["min_pkr"])
        if amount >= start:
            points, floor_from = _dec(band["points"]), start
    return points, f"expected monthly turnover PKR {amount:,} (band from PKR {floor_from:,})", None


def product(profile, settings, countries) -> Points:
    points, detail, _ = _mapped(profile.product, settings, "purpose of account")
    if profile.has_self_hosted_wallet:
        points += _dec(settings.get("self_hosted_wallet_points", 0))
        detail += " with a self-hosted wallet registered"
    return points, detail, None


def channel(profile, settings, countries) -> Points:
    return _mapped(profile.channel, settings, "onboarding channel")


def entity_type(profile, settings, countries) -> Points:
    """Legal form from the points map, plus the riskiest keyword found in the business activity."""
    if profile.customer_type != ENTITY:
        return ZERO, "natural person", None
    points, detail, _ = _mapped(profile.entity_type, settings, "legal form")
    activity = (profile.business_activity or "").lower()
    hits = [(_dec(p), k) for k, p in settings.get("activity_keywords", {}).items() if k in activity]
    if hits:
        extra, keyword = max(hits)
        points += extra
        detail += f"; business activity mentions '{keyword}'"
    return points, detail, None


def ubo_opacity(profile, settings, countries) -> Points:
    """How much of an entity's ownership is unexplained or sits in listed countries."""
    if profile.customer_type != ENTITY:
        return ZERO, "natural person: no ownership structure", None
    if not profile.owners:
        return _dec(settings.get("no_owners_points", 0)), "no beneficial owner declared", None
    declared = sum((o.ownership_pct for o in profile.owners), Decimal("0"))
    unexplained = max(Decimal("100") - declared, Decimal("0"))
    points, notes = Decimal("0"), []
    if unexplained >= _dec(settings.get("unexplained_pct_threshold", 25)):
        points += _dec(settings.get("unexplained_points", 0))
        notes.append(f"{unexplained}% of ownership not attributed to a named owner")
    listed = sorted(
        {o.nationality.upper() for o in profile.owners if o.nationality.upper() in countries}
    )
    if listed:
        points += _dec(settings.get("listed_country_owner_points", 0))
        notes.append(f"owner(s) from listed countries {', '.join(listed)}")
    if not notes:
        notes.append(f"{len(profile.owners)} owner(s) account for {declared}% of ownership")
    return points, "; ".join(notes), None


def verification(profile, settings, countries) -> Points:
    outcome = profile.verification_outcome or "not_run"
    points, detail, _ = _mapped(outcome, settings, "identity verification")
    return points, detail, settings.get("floor", {}).get(outcome)


FACTORS: dict[str, FactorFn] = {
    "NATIONALITY": nationality,
    "RESIDENCE": residence,
    "PEP": pep,
    "OCCUPATION": occupation,
    "SOURCE_OF_FUNDS": source_of_funds,
    "EXPECTED_TURNOVER": expected_turnover,
    "PRODUCT": product,
    "CHANNEL": channel,
    "ENTITY_TYPE": entity_type,
    "UBO_OPACITY": ubo_opacity,
    "VERIFICATION": verification,
}


# --- scoring --------------------------------------------------------------------------------


def band_for(score: Decimal, bands: Sequence[Band]) -> str:
    """The level of the highest band whose minimum the score reaches (bands in ascending order,
    as RiskModel keeps them)."""
    level = LOW
    for band in bands:
        if score >= band.min_score:
            level = band.level
    return level


def _scoring_function(factor: FactorConfig) -> FactorFn:
    fn = FACTORS.get(factor.code)
    if fn is None:
        raise KeyError(f"no scoring function for risk factor {factor.code!r}")
    return fn


def contribution(profile: RiskProfile, factor: FactorConfig, model: RiskModel) -> Contribution:
    points, detail, floor = _scoring_function(factor)(profile, factor.compiled, model.countries)
    return Contribution.of(factor.code, factor.weight, points, detail, floor)


def score(profile: RiskProfile, model: RiskModel) -> RiskResult:
    """Score one profile: each active factor's contribution, the total, the level."""
    # The loop of ``contribution`` inlined: this runs 100,000 times on a re-scoring.
    countries = model.countries
    contributions = []
    total = ZERO
    for fn, factor in model.scorers:
        points, detail, floor = fn(profile, factor.compiled, countries)
        part = (factor.weight * points).quantize(SCORE_PLACES)
        contributions.append(Contribution(factor.code, factor.weight, points, detail, floor, part))
        total += part
    total = total.quantize(SCORE_PLACES)
    band_level = band_for(total, model.bands)
    level = band_level
    for c in contributions:
        if c.floor:
            level = higher_level(level, c.floor)
    return RiskResult(
        score=total, level=level, band_level=band_level, contributions=tuple(contributions)
    )
