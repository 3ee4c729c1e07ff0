"""Watchlist file parsers: each reads one source format and yields `ListedEntry` records.

- `parse_un(source)`: UN Security Council consolidated list XML (CONSOLIDATED_LIST with
  INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY); the entry id is the REFERENCE_NUMBER (QDi.001).
- `parse_ofac_sdn(source)`: OFAC SDN XML (sdnList/sdnEntry, in the Treasury's XML namespace);
  "Digital Currency Address - XBT" ids become wallets; the entry id is the uid.
- `parse_nacta(source)`: NACTA CSV, either Fourth Schedule persons
  (`sr_no,name,father_name,cnic,province,district,status`) or proscribed organizations
  (`sr_no,name,aliases,date_of_notification,status`); the entry id is the CNIC for a person
  (a stable hash of name, father's name and district when there is none) and ORG-<sr_no> for an
  organization.
- `parse_house_csv(source)`: the house format of API.md (`entry_id,list,kind,name,aliases,
  date_of_birth,nationality,id_numbers,wallet_addresses,program`, multi-valued cells split on
  `;`, an ID as `TYPE:number` or a bare number, a wallet as `CHAIN:address` or a bare address).

`source` is a path or a binary/text file object. The XML parsers stream (lxml iterparse, each
record cleared once read) so a full list never sits in memory; all parsers raise
`WatchlistFormatError` when the file is not in their format. `PARSERS` maps the import command's
`--source` codes to them. `ListedEntry.fingerprint()` is a stable hash of an entry's content,
for computing what changed between two imports; `ListedEntry.to_party(key)` gives the record the
matcher indexes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from lxml import etree

from compliance.screening.identifiers import (
    birth_dates,
    chain_code,
    country_code,
    format_cnic,
    guess_chain,
    is_cnic,
    normalize_id_number,
)
from compliance.screening.matcher import Party

Source = str | Path | IO[bytes] | IO[str]


class WatchlistFormatError(ValueError):
    """The file is not in the format its source code says."""


@dataclass
class ListedEntry:
    entry_id: str
    list_code: str
    kind: str
    name: str
    aliases: list[tuple[str, str | None]] = field(default_factory=list)
    dobs: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    id_numbers: list[tuple[str, str]] = field(default_factory=list)
    wallets: list[tuple[str, str]] = field(default_factory=list)
    program: str = ""
    remarks: str = ""
    father_name: str = ""

    def fingerprint(self) -> str:
        """Hash of the content that screening depends on; the order of multi-valued fields and
        the entry id do not count."""
        content = asdict(self)
        content.pop("entry_id")
        for key in ("aliases", "dobs", "nationalities", "id_numbers", "wallets"):
            content[key] = sorted(content[key], key=lambda v: json.dumps(v, ensure_ascii=False))
        blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def to_party(self, key: Any) -> Party:
        primary = f"{self.name} s/o {self.father_name}" if self.father_name else self.name
        names = [primary] + [alias for alias, _ in self.aliases]
        return Party(
            key=key,
            ref=self.entry_id,
            source=self.list_code,
            kind=self.kind,
            names=tuple(names),
            alias_quality=(None, *(quality for _, quality in self.aliases)),
            dobs=tuple(self.dobs),
            nationalities=tuple(country_code(n) for n in self.nationalities),
            id_numbers=tuple(normalize_id_number(n) for _, n in self.id_numbers),
            wallets=tuple(self.wallets),
            program=self.program,
        )


# --- helpers ---------------------------------------------------------------------------------


@contextmanager
def _binary(source: Source) -> Iterator[IO[bytes]]:
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            yield handle
    elif isinstance(source, io.TextIOBase):
        yield io.BytesIO(source.read().encode("utf-8"))
    else:
        yield source  # type: ignore[misc]


@contextmanager
def _text(source: Source) -> Iterator[IO[str]]:
    if isinstance(source, str | Path):
        with open(source, encoding="utf-8-sig", newline="") as handle:
            yield handle
    elif isinstance(source, io.TextIOBase):
        yield source
    else:
        wrapper = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")  # type: ignore[arg-type]
        try:
            yield wrapper
        finally:
            wrapper.detach()


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _t(element: etree._Element | None, child: str) -> str:
    if element is None:
        return ""
    found = element.find(f"{{*}}{child}")
    return " ".join((found.text or "").split()) if found is not None and found.text else ""


def _all(element: etree._Element, path: str) -> list[etree._Element]:
    return element.findall("/".join(f"{{*}}{part}" for part in path.split("/")))


def _stream(source: Source, root_name: str, record_names: set[str]) -> Iterator[etree._Element]:
    """Record elements of an XML file, each cleared after the caller is done with it."""
    with _binary(source) as handle:
        events = etree.iterparse(
            handle, events=("start", "end"), huge_tree=True, resolve_entities=False
        )
        try:
            started = False
            for event, element in events:
                if not started:
                    started = True
                    if _local(element.tag) != root_name:
                        raise WatchlistFormatError(
                            f"expected a <{root_name}> document, found <{_local(element.tag)}>"
                        )
                    continue
                if event == "end" and _local(element.tag) in record_names:
                    yield element
                    element.clear()
                    while element.getprevious() is not None:
                        del element.getparent()[0]
            if not started:
                raise WatchlistFormatError(f"empty file, expected a <{root_name}> document")
        except etree.XMLSyntaxError as error:
            raise WatchlistFormatError(
                f"not a well-formed <{root_name}> XML file: {error}"
            ) from error


def _dedupe(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(v for v in values if v))


def _id_type(kind: str, number: str, country: str = "") -> str:
    """'CNIC' for a 13-digit Pakistani national identity number, else the list's own label."""
    normalized = normalize_id_number(number)
    label = kind.strip() or "ID"
    if is_cnic(normalized) and (
        country_code(country) in ("PK", "")
        and re.search(r"national|identity|cnic|nic\b", label, re.I)
    ):
        return "CNIC"
    return label


# --- UN consolidated list ------------------------------------------------------------------


def parse_un(source: Source) -> Iterator[ListedEntry]:
    for element in _stream(source, "CONSOLIDATED_LIST", {"INDIVIDUAL", "ENTITY"}):
        yield _un_entry(element)


def _un_entry(el: etree._Element) -> ListedEntry:
    is_person = _local(el.tag) == "INDIVIDUAL"
    prefix = "INDIVIDUAL" if is_person else "ENTITY"
    parts = [_t(el, tag) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    name = " ".join(p for p in parts if p)
    aliases: list[tuple[str, str | None]] = []
    for alias in _all(el, f"{prefix}_ALIAS"):
        alias_name = _t(alias, "ALIAS_NAME")
        if alias_name and alias_name != name:
            aliases.append((alias_name, _t(alias, "QUALITY").lower() or None))
    original = _t(el, "NAME_ORIGINAL_SCRIPT")
    if original:
        aliases.append((original, "original script"))
    dobs: list[str] = []
    for dob in _all(el, "INDIVIDUAL_DATE_OF_BIRTH"):
        kind = _t(dob, "TYPE_OF_DATE").upper()
        if _t(dob, "DATE"):
            dobs += birth_dates(_t(dob, "DATE")[:10])
        elif kind == "BETWEEN" and _t(dob, "FROM_YEAR") and _t(dob, "TO_YEAR"):
            dobs += birth_dates(f"{_t(dob, 'FROM_YEAR')} to {_t(dob, 'TO_YEAR')}")
        elif _t(dob, "YEAR"):
            dobs += birth_dates(_t(dob, "YEAR"))
    nationalities = [
        v.text.strip() for v in _all(el, "NATIONALITY/VALUE") if v.text and v.text.strip()
    ]
    id_numbers: list[tuple[str, str]] = []
    for doc in _all(el, "INDIVIDUAL_DOCUMENT"):
        number = _t(doc, "NUMBER")
        if number:
            id_numbers.append(
                (_id_type(_t(doc, "TYPE_OF_DOCUMENT"), number, _t(doc, "ISSUING_COUNTRY")), number)
            )
    reference = _t(el, "REFERENCE_NUMBER") or _t(el, "DATAID")
    if not reference or not name:
        raise WatchlistFormatError(f"UN {prefix.lower()} without reference number or name")
    return ListedEntry(
        entry_id=reference,
        list_code="UN",
        kind="person" if is_person else "entity",
        name=name,
        aliases=_dedupe(aliases),
        dobs=_dedupe(dobs),
        nationalities=_dedupe(nationalities),
        id_numbers=_dedupe(id_numbers),
        program=_t(el, "UN_LIST_TYPE"),
        remarks=_t(el, "COMMENTS1"),
    )


# --- OFAC SDN ------------------------------------------------------------------------------


def parse_ofac_sdn(source: Source) -> Iterator[ListedEntry]:
    for element in _stream(source, "sdnList", {"sdnEntry"}):
        yield _ofac_entry(element)


def _ofac_name(el: etree._Element) -> str:
    return " ".join(p for p in (_t(el, "firstName"), _t(el, "lastName")) if p)


def _ofac_entry(el: etree._Element) -> ListedEntry:
    uid = _t(el, "uid")
    name = _ofac_name(el)
    if not uid or not name:
        raise WatchlistFormatError("OFAC sdnEntry without uid or name")
    aliases = []
    for aka in _all(el, "akaList/aka"):
        alias = _ofac_name(aka)
        if alias and alias != name:
            aliases.append((alias, "low" if _t(aka, "category").lower() == "weak" else "good"))
    id_numbers: list[tuple[str, str]] = []
    wallets: list[tuple[str, str]] = []
    for ident in _all(el, "idList/id"):
        kind, number = _t(ident, "idType"), _t(ident, "idNumber")
        if not number:
            continue
        if kind.lower().startswith("digital currency address"):
            wallets.append((chain_code(kind), number))
        else:
            id_numbers.append((_id_type(kind, number, _t(ident, "idCountry")), number))
    dobs: list[str] = []
    for item in _all(el, "dateOfBirthList/dateOfBirthItem"):
        dobs += birth_dates(_t(item, "dateOfBirth"))
    countries = [_t(n, "country") for n in _all(el, "nationalityList/nationality")]
    countries += [_t(n, "country") for n in _all(el, "citizenshipList/citizenship")]
    programs = [
        p.text.strip() for p in _all(el, "programList/program") if p.text and p.text.strip()
    ]
    return ListedEntry(
        entry_id=uid,
        list_code="OFAC",
        kind="person" if _t(el, "sdnType").lower() == "individual" else "entity",
        name=name,
        aliases=_dedupe(aliases),
        dobs=_dedupe(dobs),
        nationalities=_dedupe(countries),
        id_numbers=_dedupe(id_numbers),
        wallets=_dedupe(wallets),
        program="; ".join(_dedupe(programs)),
        remarks=_t(el, "remarks"),
    )


# --- CSV formats ---------------------------------------------------------------------------


def _csv(handle: IO[str], label: str) -> tuple[set[str], Iterator[tuple[int, dict[str, str]]]]:
    """(column names, rows as dicts) of a CSV file whose header names its columns."""
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        raise WatchlistFormatError(f"empty file, expected a {label} CSV") from None
    except (csv.Error, UnicodeDecodeError) as error:
        raise WatchlistFormatError(f"not a {label} CSV: {error}") from error
    columns = [re.sub(r"[^a-z0-9]+", "_", h.strip().lower()).strip("_") for h in header]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for line, row in enumerate(reader, start=2):
                if any(cell.strip() for cell in row):
                    yield (
                        line,
                        {
                            c: (row[i].strip() if i < len(row) else "")
                            for i, c in enumerate(columns)
                        },
                    )
        except (csv.Error, UnicodeDecodeError) as error:
            raise WatchlistFormatError(f"not a {label} CSV: {error}") from error

    return set(columns), rows()


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


HOUSE_COLUMNS = {
    "entry_id",
    "list",
    "kind",
    "name",
    "aliases",
    "date_of_birth",
    "nationality",
    "id_numbers",
    "wallet_addresses",
    "program",
}


def parse_house_csv(source: Source) -> Iterator[ListedEntry]:
    with _text(source) as handle:
        columns, rows = _csv(handle, "house-format watchlist")
        missing = HOUSE_COLUMNS - columns
        if missing:
            raise WatchlistFormatError(
                f"not a house-format watchlist CSV: missing column(s) {', '.join(sorted(missing))}"
            )
        for line, row in rows:
            yield _house_entry(line, row)


def _house_entry(line: int, row: dict[str, str]) -> ListedEntry:
    kind = row["kind"].lower()
    if kind not in ("person", "entity") or not row["entry_id"] or not row["name"]:
        raise WatchlistFormatError(f"line {line}: needs entry_id, name and kind person|entity")
    id_numbers = []
    for item in _split(row["id_numbers"]):
        label, _, number = item.rpartition(":")
        if not label:
            label = "CNIC" if is_cnic(normalize_id_number(number)) else "ID"
        id_numbers.append((label.strip(), number.strip()))
    wallets = []
    for item in _split(row["wallet_addresses"]):
        label, _, address = item.partition(":")
        if address and chain_code(label) and label.lower() not in ("bitcoincash", "bchtest"):
            wallets.append((chain_code(label), address.strip()))
        else:
            wallets.append((guess_chain(item), item))
    dobs = [d for cell in _split(row["date_of_birth"]) for d in birth_dates(cell)]
    return ListedEntry(
        entry_id=row["entry_id"],
        list_code=row["list"] or "CSV",
        kind=kind,
        name=row["name"],
        aliases=[(a, None) for a in _split(row["aliases"])],
        dobs=_dedupe(dobs),
        nationalities=_split(row["nationality"]),
        id_numbers=id_numbers,
        wallets=wallets,
        program=row["program"],
        remarks=row.get("remarks", ""),
    )


NACTA_PERSON_COLUMNS = {"name", "father_name", "cnic"}
NACTA_ORGANIZATION_COLUMNS = {"name", "date_of_notification"}


def parse_nacta(source: Source) -> Iterator[ListedEntry]:
    with _text(source) as handle:
        columns, rows = _csv(handle, "NACTA")
        if columns >= NACTA_PERSON_COLUMNS:
            yield from _nacta_persons(rows)
        elif columns >= NACTA_ORGANIZATION_COLUMNS:
            yield from _nacta_organizations(rows)
        else:
            raise WatchlistFormatError(
                "not a NACTA CSV: expected columns name,father_name,cnic (Fourth Schedule) "
                "or name,date_of_notification (proscribed organizations)"
            )


Rows = Iterator[tuple[int, dict[str, str]]]


def _nacta_persons(rows: Rows) -> Iterator[ListedEntry]:
    for _line, row in rows:
        if not row["name"]:
            continue
        cnic = normalize_id_number(row["cnic"])
        if is_cnic(cnic):
            entry_id = format_cnic(cnic)
        else:
            basis = "|".join(row.get(c, "").casefold() for c in ("name", "father_name", "district"))
            entry_id = "4S-" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:12].upper()
        place = ", ".join(p for p in (row.get("district", ""), row.get("province", "")) if p)
        yield ListedEntry(
            entry_id=entry_id,
            list_code="NACTA",
            kind="person",
            name=row["name"],
            nationalities=["PK"] if is_cnic(cnic) else [],
            id_numbers=[("CNIC", row["cnic"])] if cnic else [],
            program="NACTA-4TH-SCHEDULE",
            remarks="; ".join(p for p in (place, row.get("status", "")) if p),
            father_name=row["father_name"],
        )


def _nacta_organizations(rows: Rows) -> Iterator[ListedEntry]:
    for line, row in rows:
        if not row["name"]:
            continue
        number = row.get("sr_no") or str(line - 1)
        notified = row.get("date_of_notification", "")
        yield ListedEntry(
            entry_id=f"ORG-{number}",
            list_code="NACTA",
            kind="entity",
            name=row["name"],
            aliases=[(a, None) for a in _split(row.get("aliases", ""))],
            program="NACTA-PROSCRIBED",
            remarks="; ".join(
                p for p in (f"notified {notified}" if notified else "", row.get("status", "")) if p
            ),
        )


PARSERS: dict[str, Callable[[Source], Iterator[ListedEntry]]] = {
    "un": parse_un,
    "ofac_sdn": parse_ofac_sdn,
    "nacta": parse_nacta,
    "csv": parse_house_csv,
}
