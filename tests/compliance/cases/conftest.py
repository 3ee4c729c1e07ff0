"""Builders for case tests: customers, alerts and screening hits made directly in the database
(the monitoring and screening engines are tested in their own suites)."""

from __future__ import annotations

import itertools
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Officers are made per test; the production hasher's work factor would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_customer(db):
    from kyc.models import Customer

    def make(**fields):
        n = next(_serial)
        fields.setdefault("external_id", f"CASE-TEST-{n}-{uuid.uuid4().hex[:6]}")
        fields.setdefault("full_name", f"Test Customer {n}")
        fields.setdefault("status", Customer.Status.APPROVED)
        return Customer.objects.create(**fields)

    return make


@pytest.fixture
def customer(make_customer):
    return make_customer()


@pytest.fixture
def make_alert(db):
    from compliance.monitoring.models import Alert, Rule, RuleVersion

    rules: dict[str, tuple] = {}

    def make(customer, *, typology="STRUCTURING", severity="medium", **fields):
        if typology not in rules:
            rule = Rule.objects.create(
                code=f"t-{typology.lower()}-{uuid.uuid4().hex[:6]}",
                name=typology.title(),
                typology=typology,
                kind=Rule.Kind.TEMPLATE,
                status=Rule.Status.ACTIVE,
            )
            version = RuleVersion.objects.create(
                rule=rule, number=1, template=typology, severity=severity, created_by_label="t"
            )
            rules[typology] = (rule, version)
        rule, version = rules[typology]
        return Alert.objects.create(
            customer=customer,
            typology=typology,
            rule=rule,
            rule_version=version,
            severity=severity,
            score=Decimal("0.900"),
            explanation=f"{typology}: three deposits just under PKR 2,000,000 within 3 days.",
            dedupe_key=uuid.uuid4().hex,
            **fields,
        )

    return make


@pytest.fixture
def make_hit(db):
    from compliance.screening.models import (
        ScreeningHit,
        Watchlist,
        WatchlistEntry,
        WatchlistVersion,
    )

    state: dict = {}

    def make(customer, **fields):
        if "version" not in state:
            watchlist = Watchlist.objects.create(
                code=f"UN-{uuid.uuid4().hex[:6]}", name="UN 1267", source_kind="un"
            )
            state["version"] = WatchlistVersion.objects.create(
                watchlist=watchlist,
                number=1,
                imported_at=timezone.now(),
                file_sha256="0" * 64,
                imported_by="tests",
            )
        version = state["version"]
        entry = WatchlistEntry.objects.create(
            watchlist=version.watchlist,
            entry_id=f"QDi.{next(_serial):03d}",
            list_code="UN",
            kind="person",
            primary_name="Listed Person",
            fingerprint="f" * 64,
            first_version=version,
            last_version=version,
        )
        fields.setdefault("status", ScreeningHit.Status.OPEN)
        return ScreeningHit.objects.create(
            customer=customer,
            subject_kind="customer",
            subject_key="customer:name",
            subject_name=customer.full_name,
            entry=entry,
            list_version=version,
            origin="onboarding",
            score=Decimal("0.9300"),
            matched_name="Listed Person",
            reasons=["name"],
            **fields,
        )

    return make


@pytest.fixture
def officers(staff_user):
    """Two analysts and two MLROs: enough people for every four-eyes pairing."""
    return {
        "analyst": staff_user("Analyst"),
        "analyst2": staff_user("Analyst"),
        "mlro": staff_user("MLRO"),
        "mlro2": staff_user("MLRO"),
        "regulator": staff_user("Regulator"),
        "auditor": staff_user("Auditor"),
    }


@pytest.fixture
def as_actor():
    from core.actors import Actor

    return Actor.for_user
