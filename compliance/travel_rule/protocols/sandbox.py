"""A deterministic counterparty exchange for the demo, tests and benchmarks (no network).

It answers like a TRP beneficiary VASP would, from the data alone, so the same inquiry always
gets the same answer:

- a beneficiary whose legal name contains "reject" is refused ("unknown beneficiary");
- a beneficiary wallet ending in "0000" is answered later (pending: awaiting the counterparty);
- otherwise the transfer is approved, to the beneficiary wallet.
"""

from __future__ import annotations

import json
from typing import Any

from . import trp
from .base import APPROVED, PENDING, REJECTED, Counterparty, Exchange, Inquiry, Outcome

VERSION = f"sandbox/{trp.API_VERSION}"


def _beneficiary_names(ivms101: dict[str, Any]) -> list[str]:
    names = []
    for person in ivms101.get("beneficiary", {}).get("beneficiaryPersons", []):
        natural = person.get("naturalPerson", {})
        for n in natural.get("name", {}).get("nameIdentifier", []):
            names.append(f"{n.get('secondaryIdentifier', '')} {n.get('primaryIdentifier', '')}")
        legal = person.get("legalPerson", {})
        for n in legal.get("name", {}).get("nameIdentifier", []):
            names.append(n.get("legalPersonName", ""))
    return names


class SandboxAdapter:
    protocol = "sandbox"
    version = VERSION

    def send_inquiry(self, counterparty: Counterparty, inquiry: Inquiry) -> Outcome:
        body = trp.dumps(trp.inquiry_body(inquiry))
        sent = Exchange(
            kind="inquiry", direction="sent", url=f"sandbox:{counterparty.code}", body=body
        )
        wallet = inquiry.beneficiary_wallet
        if any("reject" in name.lower() for name in _beneficiary_names(inquiry.ivms101)):
            answer = {"version": trp.API_VERSION, "rejected": "unknown beneficiary"}
            outcome = Outcome(REJECTED, reason="unknown beneficiary")
        elif wallet.endswith("0000"):
            answer, outcome = None, Outcome(PENDING)
        else:
            confirm = f"sandbox:{counterparty.code}/confirm/{inquiry.request_identifier}"
            answer = {
                "version": trp.API_VERSION,
                "approved": {"address": wallet, "callback": confirm},
            }
            outcome = Outcome(APPROVED, address=wallet, confirm_url=confirm)
        received = Exchange(
            kind="resolution",
            direction="received",
            url=sent.url,
            body=json.dumps(answer).encode() if answer else b"",
            http_status=200 if answer else 202,
        )
        return Outcome(**{**outcome.__dict__, "exchanges": (sent, received)})

    def send_confirmation(
        self, counterparty: Counterparty, url: str, request_identifier: str, body: dict[str, Any]
    ) -> Outcome:
        sent = Exchange(kind="confirmation", direction="sent", url=url, body=trp.dumps(body))
        return Outcome(APPROVED, exchanges=(sent,))
