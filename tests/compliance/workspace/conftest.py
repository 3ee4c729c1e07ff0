"""A busy customer for the workspace pages: many transactions and alerts, a case with notes,
screening hits. Customers, transactions and cases go through their services; alerts and hits
are stored directly (the rules and the matcher have their own tests) so their number is exact.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

_serial = itertools.count(7000)
PASSWORD = "correct-horse-battery-staple"


def individual(**overrides) -> dict:
    n = next(_serial)
    today = timezone.localdate()
    data = {
        "external_id": f"WS-{n}",
        "customer_type": "individual",
        "full_name": "Bilal Ahmed Qureshi",
        "father_or_spouse_name": "Ahmed Qureshi",
        "date_of_birth": date(1986, 2, 3),
        "gender": "M",
        "id_type": "CNIC",
        "id_number": f"35202-{n:07d}-1",
        "id_issue_date": today - timedelta(days=700),
        "id_expiry_date": today + timedelta(days=2000),
        "mobile": "03001234567",
        "email": "bilal@example.pk",
        "permanent_address": {
            "line1": "House 3, Street 9, Gulberg III",
            "city": "Lahore",
            "district": "Lahore",
            "province": "Punjab",
            "postal_code": "54660",
            "country": "PK",
        },
        "occupation": "business_owner",
        "source_of_funds": "business_income",
        "purpose_of_account": "investment",
        "expected_monthly_turnover_pkr": Decimal("500000.00"),
        "is_pep_declared": False,
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_customer(db):
    from core.actors import Actor
    from kyc import services

    def make(**overrides):
        return services.create_customer(
            actor=Actor.automated("tests"), data=individual(**overrides)
        )

    return make


def cash_deposits(customer, count: int, *, start=None, amount_pkr: str = "1900000.00") -> list:
    """``count`` cash deposits of ``amount_pkr``, six hours apart, stored by the service."""
    from compliance.monitoring.services.ingest import ingest_bulk
    from core.actors import Actor

    start = start or timezone.now() - timedelta(days=30)
    items = [
        {
            "external_id": f"{customer.external_id}-TX-{i}",
            "customer": customer.external_id,
            "kind": "deposit",
            "channel": "cash",
            "asset": "PKR",
            "amount": amount_pkr,
            "amount_pkr": amount_pkr,
            "occurred_at": (start + timedelta(hours=6 * i)).isoformat(),
        }
        for i in range(count)
    ]
    results = ingest_bulk(items=items, actor=Actor.automated("tests"))
    assert all(r.status != "invalid" for r in results), results[:3]
    return results


def store_alerts(customer, count: int, *, typology: str = "STRUCTURING") -> list:
    from compliance.monitoring.models import Alert, AlertTransaction, Rule, Transaction

    rule = Rule.objects.select_related("active_version").get(code="PK-STRUCTURING-CTR")
    alerts = Alert.objects.bulk_create(
        Alert(
            customer=customer,
            typology=typology,
            rule=rule,
            rule_version=rule.active_version,
            severity=("low", "medium", "high", "critical")[i % 4],
            score=Decimal("0.900"),
            explanation=f"3 cash deposits just under PKR 2,000,000 (episode {i})",
            dedupe_key=f"{customer.pk}:episode:{i}",
            finding_size=3,
        )
        for i in range(count)
    )
    txs = list(Transaction.objects.filter(customer=customer).order_by("occurred_at")[:count])
    AlertTransaction.objects.bulk_create(
        AlertTransaction(alert=alert, transaction=tx) for alert, tx in zip(alerts, txs)
    )
    return alerts


def store_hits(customer, count: int) -> list:
    from compliance.screening.models import (
        ScreeningHit,
        Watchlist,
        WatchlistEntry,
        WatchlistVersion,
    )

    watchlist, _ = Watchlist.objects.get_or_create(
        code="un-test", defaults={"name": "UN test list", "source_kind": "un"}
    )
    version = WatchlistVersion.objects.create(
        watchlist=watchlist,
        number=WatchlistVersion.objects.filter(watchlist=watchlist).count() + 1,
        imported_at=timezone.now(),
        file_sha256="0" * 64,
        imported_by="tests",
    )
    hits = []
    for i in range(count):
        entry = WatchlistEntry.objects.create(
            watchlist=watchlist,
            entry_id=f"QDi.{next(_serial)}",
            list_code="UN",
            kind="person",
            primary_name=f"Bilal Ahmad Qureshy {i}",
            fingerprint="f" * 64,
            first_version=version,
            last_version=version,
        )
        hits.append(
            ScreeningHit(
                customer=customer,
                subject_kind="customer",
                subject_key="name",
                subject_name=customer.full_name,
                entry=entry,
                list_version=version,
                origin="onboarding",
                score=Decimal("0.8800"),
                matched_name=entry.primary_name,
                reasons=["name similarity 0.88", "date of birth not listed"],
            )
        )
    return ScreeningHit.objects.bulk_create(hits)


def populate(customer, analyst, *, transactions: int, alerts: int, hits: int, notes: int):
    """Give ``customer`` transactions, alerts, hits, and a live case (ten alerts at most) that
    ``analyst`` investigates with ``notes`` notes."""
    from compliance.cases.services.grouping import group_into_cases
    from compliance.cases.services.workflow import add_note, start_investigation
    from core.actors import Actor

    cash_deposits(customer, transactions, start=timezone.now() - timedelta(days=120))
    stored = store_alerts(customer, alerts)
    store_hits(customer, hits)
    case = group_into_cases(alert_ids=[a.pk for a in stored[:10]]).cases[0]
    start_investigation(case=case, actor=Actor.for_user(analyst))  # takes the case
    for i in range(notes):
        add_note(case=case, text=f"Checked deposit slip {i}", actor=Actor.for_user(analyst))
    return customer


@pytest.fixture
def busy_customer(make_customer, staff_user):
    """250 transactions, 60 alerts (10 in a live case with 3 notes), 5 screening hits."""
    return populate(
        make_customer(), staff_user("Analyst"), transactions=250, alerts=60, hits=5, notes=3
    )


@pytest.fixture
def quiet_customer(make_customer, staff_user):
    """A little of everything: 3 transactions, 1 alert in a case with a note, 1 hit."""
    return populate(
        make_customer(), staff_user("Analyst"), transactions=3, alerts=1, hits=1, notes=1
    )


@pytest.fixture
def officer_client(client, staff_user):
    """``officer_client("MLRO")``: a logged-in client in that role, two-factor verified when the
    role requires it (as the TOTP login would leave the session)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def make(role: str):
        user = staff_user(role)
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return make
