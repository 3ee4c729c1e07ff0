"""CSV files people open in a spreadsheet: no cell may be taken for a formula.

OWASP (CSV injection): a text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is run as a formula by Excel, LibreOffice and Sheets (``=cmd|' /C calc'!A0``
in a legal name). Such cells are written with a leading apostrophe, which the spreadsheet
shows as text; the value is otherwise unchanged. Numbers are written as they are. Every CSV
the platform writes goes through ``writer``/``dict_writer``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Writer:
    def __init__(self, inner) -> None:
        self._inner = inner

    def writerow(self, row: Iterable[Any]):
        return self._inner.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _DictWriter:
    def __init__(self, inner: csv.DictWriter) -> None:
        self._inner = inner

    def writeheader(self):
        return self._inner.writeheader()

    def writerow(self, row: Mapping[str, Any]):
        return self._inner.writerow({k: safe_cell(v) for k, v in row.items()})


def writer(target, **options) -> _Writer:
    return _Writer(csv.writer(target, **options))


def dict_writer(target, fieldnames, **options) -> _DictWriter:
    return _DictWriter(csv.DictWriter(target, fieldnames=fieldnames, **options))
