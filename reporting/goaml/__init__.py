"""goAML 5.0.1 filings for Pakistan's FMU: build the XML, validate it, lookup defaults.

- ``reporting.goaml.builder``: input dataclasses and ``build_report_xml(report, lookups)``.
- ``reporting.goaml.validation``: ``validate_report_xml(xml, lookups)`` -> ``SchemaProblem``s,
  against ``SCHEMA_PATH`` (``schema/goaml_5_0_1.xsd``) and the lookup lists.
- ``reporting.goaml.lookups``: ``Lookups`` and ``DEFAULT_LOOKUPS`` (seed data for the tables).

Plain Python, no database; the Report model and services live elsewhere in ``reporting``.
"""

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
    Report,
    ReportingEntity,
    Signatory,
    Transaction,
    TransItem,
    build_report_xml,
)
from reporting.goaml.lookups import DEFAULT_LOOKUPS, Lookups, ReportKind
from reporting.goaml.validation import SCHEMA_PATH, SchemaProblem, validate_report_xml

__all__ = [
    "DEFAULT_LOOKUPS",
    "SCHEMA_PATH",
    "Account",
    "Address",
    "CryptoDetail",
    "Entity",
    "ForeignCurrency",
    "Identification",
    "Lookups",
    "Party",
    "Person",
    "Phone",
    "Report",
    "ReportKind",
    "ReportingEntity",
    "SchemaProblem",
    "Signatory",
    "TransItem",
    "Transaction",
    "build_report_xml",
    "validate_report_xml",
]
