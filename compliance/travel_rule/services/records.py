"""Regulator records: sender and recipient of every transfer at or above our PKR threshold in
a period, as JSON or CSV (Pakistan's draft VASP regulations: records above PKR 1 million)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q

from compliance.travel_rule import selectors

KARACHI = ZoneInfo("Asia/Karachi")
COLUMNS = [
    "transfer_id",
    "direction",
    "created_at",
    "status",
    "asset",
    "amount",
    "amount_pkr",
    "originator_name",
    "originator_wallet",
    "originating_vasp",
    "beneficiary_name",
    "beneficiary_wallet",
    "beneficiary_vasp",
    "txid",
    "transaction",
    "reasons",
]


def _period(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    start = datetime.combine(date_from, time.min, tzinfo=KARACHI)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=KARACHI)
    return start, end


def records(*, date_from: date, date_to: date) -> dict[str, Any]:
    ours = selectors.our_policy(selectors.active_policies())
    start, end = _period(date_from, date_to)
    rows = []
    for t in selectors.regulator_records(start, end, ours.threshold_amount):
        outgoing = t.direction == "outgoing"
        counterparty = t.counterparty_name or (
            t.counterparty_vasp.name if t.counterparty_vasp else ""
        )
        counterparty = counterparty or ("unhosted wallet" if t.wallet_kind == "unhosted" else "")
        rows.append(
            {
                "transfer_id": str(t.pk),
                "direction": t.direction,
                "created_at": t.created_at.astimezone(KARACHI).isoformat(),
                "status": t.status,
                "asset": t.asset,
                "amount": str(t.amount.normalize()),
                "amount_pkr": str(t.amount_pkr),
                "originator_name": t.originator_name,
                "originator_wallet": t.originator_wallet,
                "originating_vasp": "self" if outgoing else counterparty,
                "beneficiary_name": t.beneficiary_name,
                "beneficiary_wallet": t.beneficiary_wallet,
                "beneficiary_vasp": counterparty if outgoing else "self",
                "txid": t.txid,
                "transaction": t.transaction.external_id if t.transaction else "",
                "reasons": "; ".join(t.reasons),
                "ivms101": t.ivms101_redacted,
            }
        )
    return {
        "period": {
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "timezone": "Asia/Karachi",
        },
        "threshold": {"amount": str(ours.threshold_amount), "currency": ours.threshold_currency},
        "count": len(rows),
        "records": rows,
    }


def _cell(value: Any) -> str:
    text = str(value)
    # A spreadsheet must not run a cell as a formula (CSV injection).
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def as_csv(data: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in data["records"]:
        writer.writerow([_cell(row[c]) for c in COLUMNS])
    return out.getvalue()


def customer_transfers(customer_ids) -> list[dict[str, Any]]:
    """Every travel-rule transfer of these customers with its messages (bodies redacted), for
    the supervisor's inspection export."""
    out = []
    for t in selectors.transfers_for_customer_q(Q(customer_id__in=list(customer_ids))).order_by(
        "created_at", "id"
    ):
        out.append(
            {
                "id": str(t.pk),
                "customer": str(t.customer_id),
                "direction": t.direction,
                "external_id": t.external_id,
                "status": t.status,
                "reasons": t.reasons,
                "asset": t.asset,
                "amount": str(t.amount),
                "amount_pkr": str(t.amount_pkr),
                "originator_name": t.originator_name,
                "beneficiary_name": t.beneficiary_name,
                "originator_wallet": t.originator_wallet,
                "beneficiary_wallet": t.beneficiary_wallet,
                "counterparty": t.counterparty_name,
                "txid": t.txid,
                "created_at": t.created_at.isoformat(),
                "ivms101": t.ivms101_redacted,
                "messages": [
                    {
                        "at": m.created_at.isoformat(),
                        "direction": m.direction,
                        "kind": m.kind,
                        "protocol": m.protocol,
                        "version": m.protocol_version,
                        "http_status": m.http_status,
                        "signature_valid": m.signature_valid,
                        "sha256": m.body_sha256,
                        "error": m.error,
                        "body": m.body_redacted,
                    }
                    for m in t.messages.all()
                ],
            }
        )
    return out
