"""Builders for rule-quality tests: a live rule with versions, customers, alerts made in the
database (the engine is tested in monitoring's suite) and officers for real case decisions."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_customer(db):
    from kyc.models import Customer

    def make(**fields):
        n = next(_serial)
        fields.setdefault("external_id", f"RQ-{n}-{uuid.uuid4().hex[:6]}")
        fields.setdefault("full_name", f"Quality Customer {n}")
        fields.setdefault("status", Customer.Status.APPROVED)
        return Customer.objects.create(**fields)

    return make


@pytest.fixture
def rule(db):
    """An active cash-structuring rule (template) with one approved version."""
    from compliance.monitoring.models import Rule, RuleVersion

    rule = Rule.objects.create(
        code=f"rq-structuring-{uuid.uuid4().hex[:6]}",
        name="Cash structuring",
        typology="STRUCTURING",
        kind=Rule.Kind.TEMPLATE,
        status=Rule.Status.ACTIVE,
    )
    version = RuleVersion.objects.create(
        rule=rule,
        number=1,
        template="STRUCTURING",
        params={"min_count": 3},
        severity="high",
        created_by_label="tests",
        approved_by_label="tests",
        approved_at=timezone.now(),
    )
    rule.active_version = version
    rule.save(update_fields=["active_version"])
    return rule


@pytest.fixture
def make_alert(db):
    from compliance.monitoring.models import Alert

    def make(customer, rule, *, version=None, created_at=None, **fields):
        alert = Alert.objects.create(
            customer=customer,
            typology=rule.typology,
            rule=rule,
            rule_version=version or rule.active_version,
            severity="high",
            score=Decimal("0.900"),
            explanation="Three cash deposits just under PKR 2,000,000 within 3 days.",
            dedupe_key=uuid.uuid4().hex,
            **fields,
        )
        if created_at is not None:
            Alert.objects.filter(pk=alert.pk).update(created_at=created_at)
            alert.refresh_from_db()
        return alert

    return make


@pytest.fixture
def officers(staff_user):
    return {
        "analyst": staff_user("Analyst"),
        "analyst2": staff_user("Analyst"),
        "mlro": staff_user("MLRO"),
        "mlro2": staff_user("MLRO"),
    }


@pytest.fixture
def act(officers):
    from core.actors import Actor

    return {name: Actor.for_user(user) for name, user in officers.items()}


@pytest.fixture
def days_ago():
    def at(days: float):
        return timezone.now() - timedelta(days=days)

    return at


@pytest.fixture
def client_for(db):
    """``client_for(user)``: a logged-in admin client; two-factor verified for MLROs."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        if user.groups.filter(name__in=["MLRO", "Admin"]).exists():
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return make
