"""Customers, VASPs and request bodies for the travel-rule tests (import with ``*``)."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from compliance.travel_rule import conf
from compliance.travel_rule.models import Vasp
from kyc.models import Customer

_serial = itertools.count(1)
ETH_WALLET = "0x52908400098527886E0F7030069857D2E4169EE7"


def make_customer(**fields) -> Customer:
    n = next(_serial)
    customer = Customer(
        external_id=fields.pop("external_id", f"TR-C-{n}"),
        full_name=fields.pop("full_name", "Ayesha Khan"),
        status=Customer.Status.APPROVED,
        date_of_birth=date(1990, 4, 1),
        place_of_birth="Karachi",
        nationality="PK",
        country_of_residence="PK",
        id_type="CNIC",
        permanent_address={
            "line1": "House 12, Block 5, Clifton",
            "city": "Karachi",
            "province": "Sindh",
            "postal_code": "75600",
            "country": "PK",
        },
        **fields,
    )
    customer.id_number = f"42101-{1234560 + n:07d}-1"
    customer.save()
    return customer


@pytest.fixture
def customer(db) -> Customer:
    return make_customer()


def transfer_body(customer: Customer, **overrides) -> dict:
    n = next(_serial)
    body = {
        "external_id": f"W-{n}",
        "customer": customer.external_id,
        "asset": "USDT",
        "chain": "ethereum",
        "amount": "4000.00",
        "amount_pkr": "1120000.00",
        "beneficiary_wallet": ETH_WALLET,
        "beneficiary": {
            "naturalPerson": {
                "name": {
                    "nameIdentifier": [
                        {
                            "primaryIdentifier": "Ahmed",
                            "secondaryIdentifier": "Bilal",
                            "nameIdentifierType": "LEGL",
                        }
                    ]
                }
            }
        },
        "counterparty_vasp": "sandbox-counterparty",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def peer_vasp(endpoint: str, *, code: str = "peer-exchange", public_key: str = "") -> Vasp:
    """A TRP counterparty at ``endpoint``; by default it signs with our own key (the test
    exchanges messages with a second Nigraan role served by the same process)."""
    return Vasp.objects.create(
        code=code,
        name="Peer Exchange FZE",
        jurisdiction="AE",
        protocol="trp",
        endpoint=endpoint,
        public_key=public_key or conf.public_key_pem(),
    )
