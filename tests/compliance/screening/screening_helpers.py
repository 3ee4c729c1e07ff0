"""Plain helpers of the screening tests: list files in the house format, customer data."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

HOUSE_HEADER = [
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
]
_serial = itertools.count(301)


def house_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HOUSE_HEADER)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in HOUSE_HEADER})
    return out.getvalue()


def entry(entry_id: str, name: str, **fields) -> dict:
    return {"entry_id": entry_id, "list": "OFAC", "kind": "person", "name": name, **fields}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def cnic(gender: str = "M") -> str:
    n = next(_serial)
    return f"35202-{n:03d}4567-{'1' if gender == 'M' else '2'}"


def individual(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "external_id": f"SCR-{next(_serial)}",
        "full_name": "Ahmed Raza",
        "father_or_spouse_name": "Ghulam Raza",
        "date_of_birth": date(1988, 2, 14),
        "gender": "M",
        "nationality": "PK",
        "id_type": "CNIC",
        "id_number": cnic("M"),
        "id_issue_date": today - timedelta(days=700),
        "id_expiry_date": today + timedelta(days=3000),
        "mobile": "03001234567",
        "email": "ahmed.raza@example.pk",
        "permanent_address": {
            "line1": "House 7, Street 2, Johar Town",
            "city": "Lahore",
            "district": "Lahore",
            "province": "Punjab",
            "country": "PK",
        },
        "occupation": "salaried_private",
        "source_of_funds": "salary",
        "purpose_of_account": "investment",
        "expected_monthly_turnover_pkr": Decimal("150000"),
    }
    data.update(overrides)
    return data
