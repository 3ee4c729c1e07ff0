"""``screen_batch`` output opened in a spreadsheet runs no formula (OWASP CSV injection)."""

from __future__ import annotations

import csv

import pytest
from django.core.management import call_command
from screening_fixtures import *  # noqa: F403
from screening_helpers import entry, write

pytestmark = pytest.mark.django_db


def test_formula_cells_in_screen_batch_output_are_text(import_house, tmp_path):
    import_house([entry("QDi.900", "Muhammad Tahir Anwar", list="UN")])
    source = write(
        tmp_path,
        "in.csv",
        "ref,name,date_of_birth,nationality,kind\n"
        '"=HYPERLINK(""http://x"")",Muhammad Tahir Anwar,,,person\n',
    )
    output = tmp_path / "out.csv"
    call_command("screen_batch", str(source), "--output", str(output))
    with open(output, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 2
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
