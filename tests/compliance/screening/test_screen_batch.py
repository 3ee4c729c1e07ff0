"""``manage.py screen_batch input.csv --output results.csv`` (API.md "Screening")."""

from __future__ import annotations

import csv

import pytest
from django.core.management import CommandError, call_command
from screening_fixtures import *  # noqa: F403
from screening_helpers import entry, write

pytestmark = pytest.mark.django_db

INPUT = """ref,name,date_of_birth,nationality,kind
Q1,Mohd Tahir Anwar,1971-03-05,PK,person
Q2,Ayesha Siddiqui,,,person
Q3,Al Rasheed Trust,,,entity
Q4,Tahir Anwar,,,
"""


@pytest.fixture
def lists(import_house):
    import_house(
        [
            entry("QDi.001", "Muhammad Tahir Anwar", date_of_birth="1971-03-05", list="UN"),
            entry("QDi.002", "Tahir Anwar Khan", list="UN"),
            entry("QDe.005", "Al-Rashid Trust", kind="entity", list="UN"),
        ]
    )


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_results_have_one_row_per_match_best_first_and_none_for_no_match(lists, tmp_path):
    source = write(tmp_path, "in.csv", INPUT)
    output = tmp_path / "out.csv"
    call_command("screen_batch", str(source), "--output", str(output))
    rows = _rows(output)
    assert rows[0] == ["ref", "entry_id", "list", "matched_name", "score"]
    by_ref: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        by_ref.setdefault(row[0], []).append(row)
    assert by_ref["Q1"][0][1:4] == ["QDi.001", "UN", "Muhammad Tahir Anwar"]
    assert "Q2" not in by_ref
    assert by_ref["Q3"][0][1] == "QDe.005"
    for matches in by_ref.values():
        scores = [float(r[4]) for r in matches]
        assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)


def test_a_blank_kind_screens_against_persons_and_entities(lists, tmp_path):
    source = write(tmp_path, "in.csv", INPUT)
    output = tmp_path / "out.csv"
    call_command("screen_batch", str(source), "--output", str(output))
    assert any(row[0] == "Q4" for row in _rows(output))


def test_an_input_without_the_header_is_refused(tmp_path):
    source = write(tmp_path, "in.csv", "id,full_name\n1,Tahir\n")
    with pytest.raises(CommandError, match="header"):
        call_command("screen_batch", str(source), "--output", str(tmp_path / "out.csv"))
