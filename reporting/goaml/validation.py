"""Check a goAML report before it leaves ``draft``: schema, FMU lookup lists, FMU rules.

``validate_report_xml(xml, lookups=DEFAULT_LOOKUPS) -> list[SchemaProblem]`` returns nothing
when the report may go on, else one ``SchemaProblem(path, message, line)`` per problem, for the
officer to read: ``path`` names the element (``/report/transaction[1]/t_from_my_client/
from_person/last_name``; repeated elements carry a 1-based index) and ``message`` says what is
wrong in plain words (``last_name is empty; it needs at least 1 character.``).

Three passes over the same XML, all reported together so the officer fixes everything at once:

1. the XSD at ``SCHEMA_PATH`` (Nigraan's goAML 5.0.1 subset; loaded once per process):
   element order, required elements, lengths, dates, amounts;
2. the lookup lists (``reporting.goaml.lookups.Lookups``, from the database in production):
   every code (report, funds, transmode, indicator, country, currency, ...) must be on the
   FMU's list, and with a district list loaded, every Pakistani address's district;
3. FMU rules carried by the lookups: an STR states its reason, a CTR names the conductor, a
   CNIC/NICOP is 13 valid digits written ``12345-1234567-1``.

Pass ``lookups=None`` to run the schema alone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import xmlschema
from lxml import etree
from stdnum.pk import cnic

from reporting.goaml.lookups import DEFAULT_LOOKUPS, Lookups

SCHEMA_PATH = Path(__file__).parent / "schema" / "goaml_5_0_1.xsd"


@dataclass(frozen=True)
class SchemaProblem:
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@functools.cache
def get_schema() -> xmlschema.XMLSchema10:
    """The compiled schema; compiled on first use and kept for the life of the process."""
    return xmlschema.XMLSchema10(str(SCHEMA_PATH))


def validate_report_xml(
    xml: bytes, lookups: Lookups | None = DEFAULT_LOOKUPS
) -> list[SchemaProblem]:
    """Problems that keep the report from the FMU; an empty list when there are none."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        return [SchemaProblem("/", f"The report is not well-formed XML: {exc}.", exc.lineno)]
    problems = list(_schema_problems(root))
    if lookups is not None:
        # An element the schema already refused is not reported again for its code.
        refused = {p.path for p in problems}
        problems += [p for p in _lookup_problems(root, lookups) if p.path not in refused]
        problems += _rule_problems(root, lookups)
    return problems


# ------------------------------------------------------------------------------------ paths

# Elements that may repeat under their parent: their paths carry an index, [1] included,
# so "the second phone" and "the first transaction" are named without ambiguity.
_REPEATED_UNDER = {
    ("report", "transaction"),
    ("report_parties", "report_party"),
    ("report_indicators", "indicator"),
    ("phones", "phone"),
    ("addresses", "address"),
    ("goods_services", "item"),
}
_REPEATED_ANYWHERE = {"identification", "signatory", "director_id", "email"}


def element_path(el: etree._Element) -> str:
    steps = []
    while el is not None:
        parent = el.getparent()
        step = el.tag
        if parent is not None and (
            (parent.tag, el.tag) in _REPEATED_UNDER or el.tag in _REPEATED_ANYWHERE
        ):
            position = 1 + sum(1 for s in el.itersiblings(preceding=True) if s.tag == el.tag)
            step = f"{step}[{position}]"
        steps.append(step)
        el = parent
    return "/" + "/".join(reversed(steps))


# ------------------------------------------------------------------------------ schema pass

_PATTERN_MEANING = {
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}": "a date and time written YYYY-MM-DDThh:mm:ss",
    r"-?\d+\.\d{2}": "an amount with exactly two decimals and a dot, e.g. 2000000.00",
    "[A-Z]{2}": "a two-letter ISO 3166 country code in capitals, e.g. PK",
    "[A-Z]{3}": "a three-letter ISO 4217 currency code in capitals, e.g. PKR",
    r"[A-Za-z0-9_.\-]{1,50}": "a lookup code (letters, digits, '_', '.', '-'; at most 50)",
}

_BUILTIN_MEANING = {
    "dateTime": "a date and time written YYYY-MM-DDThh:mm:ss",
    "int": "a whole number",
    "decimal": "a plain number with a dot for decimals",
    "boolean": "1 or 0",
}


def _schema_problems(root: etree._Element) -> Iterator[SchemaProblem]:
    seen: set[str] = set()
    for error in get_schema().iter_errors(etree.ElementTree(root)):
        problem = _describe(error)
        # One message per element: a bad date also fails the dateTime type itself.
        if problem.path not in seen:
            seen.add(problem.path)
            yield problem


def _describe(error: xmlschema.XMLSchemaValidationError) -> SchemaProblem:
    el = error.elem
    if el is None or not isinstance(el.tag, str):
        return SchemaProblem(error.path or "/", error.reason or str(error))
    path, line, tag = element_path(el), el.sourceline, el.tag
    validator = error.validator
    kind = type(validator).__name__
    if kind in ("XsdGroup", "Xsd11Group"):
        return _describe_content(error, el, path, line)
    text = el.text or ""
    if kind == "XsdMinLengthFacet":
        if not text:
            needed = _characters(validator.value)
            return SchemaProblem(path, f"{tag} is empty; it needs at least {needed}.", line)
        return SchemaProblem(
            path,
            f"{tag} is {len(text)} characters long; it needs at least {validator.value}.",
            line,
        )
    if kind == "XsdMaxLengthFacet":
        return SchemaProblem(
            path,
            f"{tag} is {len(text)} characters long; goAML allows at most {validator.value}.",
            line,
        )
    if kind == "XsdPatternFacets":
        meanings = [_PATTERN_MEANING.get(p, f"text matching {p}") for p in validator.regexps]
        return SchemaProblem(path, f"{tag} must be {' or '.join(meanings)}; got {text!r}.", line)
    if kind == "XsdMinInclusiveFacet":
        return SchemaProblem(path, f"{tag} must be at least {validator.value}; got {text!r}.", line)
    if kind == "XsdMaxInclusiveFacet":
        return SchemaProblem(path, f"{tag} must be at most {validator.value}; got {text!r}.", line)
    if kind == "XsdFractionDigitsFacet":
        return SchemaProblem(
            path, f"{tag} has more than {validator.value} decimal places; got {text!r}.", line
        )
    if kind == "XsdEnumerationFacets":
        allowed = ", ".join(str(v) for v in validator.enumeration)
        return SchemaProblem(path, f"{tag} must be one of {allowed}; got {text!r}.", line)
    if kind == "XsdAtomicBuiltin":
        meaning = _BUILTIN_MEANING.get(validator.local_name, f"a valid {validator.local_name}")
        return SchemaProblem(path, f"{tag} must be {meaning}; got {text!r}.", line)
    return SchemaProblem(path, f"{tag}: {error.reason}", line)


def _describe_content(
    error: xmlschema.XMLSchemaValidationError, el: etree._Element, path: str, line: int | None
) -> SchemaProblem:
    """Missing, misplaced or unknown child elements."""
    expected = [e.local_name for e in (error.expected or []) if getattr(e, "local_name", None)]
    wanted = " or ".join(expected) if expected else "another element"
    child = error.invalid_child
    present = {c.tag for c in el}
    if child is None:  # the content ended early
        missing_path = f"{path}/{expected[0]}" if len(expected) == 1 else path
        return SchemaProblem(missing_path, f"{wanted} is required in {el.tag} but missing.", line)
    child_path = element_path(child)
    allowed_here = {e.local_name for e in error.validator.iter_elements()}
    if child.tag not in allowed_here:
        return SchemaProblem(
            child_path,
            f"{child.tag} is not a goAML element of {el.tag}; expected {wanted} here.",
            child.sourceline,
        )
    if present & set(expected):
        return SchemaProblem(
            child_path,
            f"{child.tag} is out of order in {el.tag}; goAML expects {wanted} at this position.",
            child.sourceline,
        )
    if len(expected) == 1:
        return SchemaProblem(
            f"{path}/{expected[0]}",
            f"{wanted} is required in {el.tag} but missing (it comes before {child.tag}).",
            line,
        )
    return SchemaProblem(
        path, f"{el.tag} is missing one of {wanted} (required before {child.tag}).", line
    )


def _characters(count: int) -> str:
    return "1 character" if count == 1 else f"{count} characters"


# ------------------------------------------------------------------------------ lookup pass

_COUNTRY_TAGS = {
    "country_code", "from_country", "to_country", "nationality1", "nationality2",
    "residence", "passport_country", "issue_country", "incorporation_country_code",
}  # fmt: skip
_CURRENCY_TAGS = {"currency_code_local", "currency_code", "foreign_currency_code"}


def _table_for(el: etree._Element, lookups: Lookups) -> tuple[str, Mapping | frozenset] | None:
    """(what the list is called, the codes) for an element holding a lookup code."""
    tag, parent = el.tag, el.getparent()
    parent_tag = parent.tag if parent is not None else ""
    simple = {
        "report_code": ("report code", lookups.report_codes),
        "transmode_code": ("transmission mode", lookups.transmodes),
        "from_funds_code": ("funds type", lookups.funds_types),
        "to_funds_code": ("funds type", lookups.funds_types),
        "indicator": ("report indicator", lookups.indicators),
        "gender": ("gender", lookups.genders),
        "address_type": ("contact type", lookups.contact_types),
        "tph_contact_type": ("contact type", lookups.contact_types),
        "tph_communication_type": ("communication type", lookups.communication_types),
        "personal_account_type": ("account type", lookups.account_types),
        "status_code": ("account status", lookups.account_statuses),
        "incorporation_legal_form": ("legal form", lookups.legal_forms),
        "item_type": ("item type", lookups.item_types),
    }
    if tag in simple:
        return simple[tag]
    if tag in _COUNTRY_TAGS:
        return "ISO 3166 country", lookups.countries
    if tag in _CURRENCY_TAGS:
        return "ISO 4217 currency", lookups.currencies
    if tag == "type" and parent_tag == "identification":
        return "identity document type", lookups.identifier_types
    if tag == "role" and parent_tag == "signatory":
        return "account role", lookups.account_person_roles
    if tag == "role" and parent_tag == "director_id":
        return "entity role", lookups.entity_person_roles
    return None


def _lookup_problems(root: etree._Element, lookups: Lookups) -> list[SchemaProblem]:
    problems = []
    for el in root.iter():
        if not isinstance(el.tag, str) or not el.text:
            continue
        table = _table_for(el, lookups)
        if table is None:
            continue
        name, codes = table
        code = el.text.strip()
        if code not in codes:
            hint = f" Known codes: {', '.join(sorted(codes))}." if len(codes) <= 15 else ""
            problems.append(
                SchemaProblem(
                    element_path(el),
                    f"{el.tag} {code!r} is not on the FMU's {name} list.{hint}",
                    el.sourceline,
                )
            )
    if lookups.districts:
        for address in root.iter("location", "address"):
            if address.findtext("country_code") != "PK" or address.find("address_type") is None:
                continue
            town = address.find("town")
            district = (town.text or "").strip() if town is not None else None
            if district not in lookups.districts:
                where = town if town is not None else address
                problems.append(
                    SchemaProblem(
                        element_path(where),
                        "A Pakistani address needs its district in town, spelled exactly as "
                        f"on the FMU's district list; got {district!r}.",
                        where.sourceline,
                    )
                )
    return problems


# -------------------------------------------------------------------------------- rule pass

_CNIC_WRITTEN = re.compile(r"\d{5}-\d{7}-\d")


def _rule_problems(root: etree._Element, lookups: Lookups) -> list[SchemaProblem]:
    problems = []
    code = (root.findtext("report_code") or "").strip()
    kind = lookups.report_codes.get(code)
    if kind is not None and kind.reason_required and not (root.findtext("reason") or "").strip():
        problems.append(
            SchemaProblem(
                "/report/reason",
                f"reason is required in {code} reports: the grounds for suspicion "
                "(the case narrative).",
                root.sourceline,
            )
        )
    if kind is not None and kind.conductor_required and root.find("transaction") is None:
        problems.append(
            SchemaProblem(
                "/report/transaction",
                f"{code} reports report a cash transaction; this one has none.",
                root.sourceline,
            )
        )
    if kind is not None and kind.conductor_required:
        for tx in root.iterfind("transaction"):
            sender = tx.find("t_from_my_client")
            if sender is None:
                sender = tx.find("t_from")
            if sender is not None and sender.find("t_conductor") is None:
                problems.append(
                    SchemaProblem(
                        f"{element_path(sender)}/t_conductor",
                        f"t_conductor is required in {code} reports: the person who "
                        "physically brought or took the cash.",
                        sender.sourceline,
                    )
                )
    for document in root.iter("identification"):
        doc_type = (document.findtext("type") or "").strip()
        number_el = document.find("number")
        if doc_type not in lookups.cnic_identifier_types or number_el is None:
            continue
        number = (number_el.text or "").strip()
        if not (_CNIC_WRITTEN.fullmatch(number) and cnic.is_valid(number)):
            problems.append(
                SchemaProblem(
                    element_path(number_el),
                    f"{number!r} is not a valid {doc_type} number: 13 digits written "
                    "12345-1234567-1.",
                    number_el.sourceline,
                )
            )
    return problems
