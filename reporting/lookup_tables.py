"""The FMU's lookup lists as table rows and back (plain Python; the rows live in LookupCode).

``rows_from_lookups(DEFAULT_LOOKUPS)`` seeds the table (data migration); ``lookups_from_rows``
turns the active rows into the ``Lookups`` the builder and the validator take.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from reporting.goaml.lookups import Lookups, ReportKind

# Lookups field -> table name, for the tables that are plain code -> description maps.
PLAIN_TABLES = (
    "transmodes",
    "funds_types",
    "identifier_types",
    "account_types",
    "account_statuses",
    "account_person_roles",
    "entity_person_roles",
    "legal_forms",
    "contact_types",
    "communication_types",
    "genders",
    "item_types",
    "indicators",
)
CODE_SETS = ("countries", "currencies", "districts")
INDICATOR_MAPS = ("typology_indicators", "report_default_indicators")


@dataclass(frozen=True)
class LookupRow:
    table: str
    code: str
    description: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def rows_from_lookups(lookups: Lookups) -> list[LookupRow]:
    rows: list[LookupRow] = []
    for code, kind in lookups.report_codes.items():
        data = {
            "reason_required": kind.reason_required,
            "conductor_required": kind.conductor_required,
        }
        rows.append(LookupRow("report_codes", code, kind.description, data))
    for table in PLAIN_TABLES:
        for code, description in getattr(lookups, table).items():
            data: dict[str, Any] = {}
            if table == "identifier_types" and code in lookups.cnic_identifier_types:
                data["nadra_number"] = True
            if table == "item_types" and code == lookups.virtual_asset_item_type:
                data["virtual_asset"] = True
            rows.append(LookupRow(table, code, description, data))
    for table in INDICATOR_MAPS:
        for code, indicators in getattr(lookups, table).items():
            rows.append(LookupRow(table, code, "", {"indicators": list(indicators)}))
    for table in CODE_SETS:
        rows.extend(LookupRow(table, code) for code in sorted(getattr(lookups, table)))
    return rows


def lookups_from_rows(rows: Iterable[LookupRow]) -> Lookups:
    tables: dict[str, dict[str, LookupRow]] = {}
    for row in rows:
        tables.setdefault(row.table, {})[row.code] = row

    def plain(table: str) -> MappingProxyType:
        return MappingProxyType({c: r.description for c, r in tables.get(table, {}).items()})

    def indicator_map(table: str) -> MappingProxyType:
        return MappingProxyType(
            {c: tuple(r.data.get("indicators", ())) for c, r in tables.get(table, {}).items()}
        )

    report_codes = {
        code: ReportKind(
            row.description,
            reason_required=bool(row.data.get("reason_required")),
            conductor_required=bool(row.data.get("conductor_required")),
        )
        for code, row in tables.get("report_codes", {}).items()
    }
    identifier_rows = tables.get("identifier_types", {})
    item_rows = tables.get("item_types", {})
    virtual_asset = next(
        (c for c, r in item_rows.items() if r.data.get("virtual_asset")), "VIRTUAL_ASSET"
    )
    return Lookups(
        report_codes=MappingProxyType(report_codes),
        cnic_identifier_types=frozenset(
            c for c, r in identifier_rows.items() if r.data.get("nadra_number")
        ),
        virtual_asset_item_type=virtual_asset,
        typology_indicators=indicator_map("typology_indicators"),
        report_default_indicators=indicator_map("report_default_indicators"),
        countries=frozenset(tables.get("countries", {})),
        currencies=frozenset(tables.get("currencies", {})),
        districts=frozenset(tables.get("districts", {})),
        **{table: plain(table) for table in PLAIN_TABLES},
    )
