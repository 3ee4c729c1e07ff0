"""No CSV the platform writes hands a spreadsheet a formula (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from core import audit, spreadsheets
from core.actors import Actor
from reporting import exports

pytestmark = pytest.mark.django_db
FORMULA = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start):
    out = io.StringIO()
    spreadsheets.writer(out).writerow([f"{start}1+1", "plain", 5, -3])
    cell, plain, five, minus = next(csv.reader(io.StringIO(out.getvalue())))
    assert cell == f"'{start}1+1" and plain == "plain" and (five, minus) == ("5", "-3")


def test_a_formula_in_a_legal_name_is_text_in_the_inspection_export(
    make_customer, make_str, officers
):
    customer = make_customer(full_name=FORMULA)
    make_str(customer)
    # The customer's own events name it (object_repr begins with the legal name).
    audit.record(actor=Actor.automated("tests"), action="customer.noted", obj=customer)
    export = exports.build_inspection_export(
        actor=Actor.for_user(officers["regulator"]), customer=customer
    )
    events = zipfile.ZipFile(io.BytesIO(export.content)).read("audit/events.csv").decode()
    rows = list(csv.DictReader(io.StringIO(events)))
    assert rows
    for row in rows:
        for value in row.values():
            assert not value.startswith(spreadsheets.FORMULA_START), value
    assert any(FORMULA in value for row in rows for value in row.values())
