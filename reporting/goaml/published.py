"""Check our XML against a goAML schema file as an FIU publishes it (structure, not codes).

The FIU's published XSD (goAML 5.0.1 is XSD 1.1: ``vc:minVersion="1.1"``) carries that FIU's
lookup lists as enumerations. The FMU's lists are data in Nigraan (``reporting.goaml.lookups``,
checked by ``validation``), so a value refused only because it is not on the *file's*
enumeration of a lookup type is left to the lookup pass; every other refusal (element order,
missing or unknown elements, lengths, dates, amounts) is reported.

The published file is not shipped with Nigraan: point ``check_published`` (or the
``goaml_check_published`` command) at the copy the FMU hands to registered entities.
"""

from __future__ import annotations

import functools
from pathlib import Path

import xmlschema
from lxml import etree

from reporting.goaml.validation import SchemaProblem, element_path

# The goAML simple types that are lookup lists (the FIU's codes): their enumeration is data.
LOOKUP_TYPES = frozenset(
    {
        "report_type", "funds_type", "conduction_type", "account_type", "account_status_type",
        "identifier_type", "gender_type", "contact_type", "communication_type",
        "legal_form_type", "entity_person_role_type", "account_person_role_type",
        "report_indicator_type", "trans_item_type", "trans_item_status", "currency_type",
        "country_type", "party_role_type", "report_party_role_type", "submission_type",
    }
)  # fmt: skip


@functools.cache
def load(path: str) -> xmlschema.XMLSchemaBase:
    """The published schema at ``path``: XSD 1.1 when it declares so, else 1.0."""
    head = Path(path).read_text(encoding="utf-8", errors="replace")[:4000]
    schema_class = xmlschema.XMLSchema11 if 'minVersion="1.1"' in head else xmlschema.XMLSchema10
    return schema_class(path)


def _lookup_enumeration(error: xmlschema.XMLSchemaValidationError) -> bool:
    if type(error.validator).__name__ != "XsdEnumerationFacets":
        return False
    simple_type = getattr(error.validator, "parent", None)
    return getattr(simple_type, "local_name", None) in LOOKUP_TYPES


def check_published(xml: bytes, xsd_path: str | Path) -> list[SchemaProblem]:
    """Problems of ``xml`` against the published schema at ``xsd_path``, codes aside."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    root = etree.fromstring(xml, parser)
    problems = []
    for error in load(str(xsd_path)).iter_errors(etree.ElementTree(root)):
        if _lookup_enumeration(error):
            continue
        el = error.elem
        path = element_path(el) if el is not None and isinstance(el.tag, str) else "/"
        line = el.sourceline if el is not None and isinstance(el.tag, str) else None
        problems.append(SchemaProblem(path, error.reason or str(error), line))
    return problems
