"""Builders for reporting tests: a fully-KYC'd customer, transactions and an escalated case,
made directly in the database (the engines that make them are tested in their own suites)."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Officers are made per test; the production hasher costs half a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def goaml_drop_dir(settings, tmp_path):
    settings.GOAML_DROP_DIR = tmp_path / "goaml-drop"
    settings.GOAML_SUBMITTER = "reporting.submission.SandboxGoAML"
    return settings.GOAML_DROP_DIR


@pytest.fixture
def make_customer(db):
    from kyc.models import Customer

    def make(**fields):
        n = next(_serial)
        today = timezone.localdate()
        defaults = {
            "external_id": f"RPT-{n}-{uuid.uuid4().hex[:6]}",
            "status": Customer.Status.APPROVED,
            "full_name": "Muhammad Usman Tariq",
            "father_or_spouse_name": "Tariq Mehmood",
            "mother_maiden_name": "Nasreen Bibi",
            "date_of_birth": date(1990, 4, 12),
            "place_of_birth": "Lahore",
            "gender": "M",
            "nationality": "PK",
            "country_of_residence": "PK",
            "id_type": "CNIC",
            "id_issue_date": today - timedelta(days=1000),
            "id_expiry_date": today + timedelta(days=2000),
            "mobile": "+923001234567",
            "email": "usman@example.pk",
            "present_address": {
                "line1": "House 12, Street 4",
                "line2": "Model Town",
                "city": "Lahore",
                "district": "Lahore",
                "province": "Punjab",
                "postal_code": "54700",
                "country": "PK",
            },
            "occupation": "business_owner",
            "source_of_funds": "business_income",
            "risk_level": "medium",
            "approved_at": timezone.now() - timedelta(days=200),
        }
        defaults.update(fields)
        id_number = defaults.pop("id_number", f"35202{n % 10_000_000:07d}1")
        customer = Customer(**defaults)
        customer.id_number = id_number
        customer.save()
        return customer

    return make


@pytest.fixture
def customer(make_customer):
    return make_customer()


@pytest.fixture
def make_tx(db):
    from compliance.monitoring.models import Transaction

    def make(customer, **fields):
        n = next(_serial)
        defaults = {
            "external_id": f"TX-RPT-{n}-{uuid.uuid4().hex[:6]}",
            "kind": "deposit",
            "channel": "cash",
            "asset": "PKR",
            "amount": Decimal("2000000.00"),
            "amount_pkr": Decimal("2000000.00"),
            "occurred_at": timezone.now() - timedelta(hours=2),
            "request_hash": uuid.uuid4().hex,
            "status": Transaction.Status.SCREENED,
        }
        defaults.update(fields)
        return Transaction.objects.create(customer=customer, **defaults)

    return make


@pytest.fixture
def make_case(db):
    from compliance.cases.models import Case

    def make(customer, *, suspicion_formed_at=None, **fields):
        formed = suspicion_formed_at or timezone.now() - timedelta(hours=3)
        defaults = {
            "priority": "high",
            "status": Case.Status.ESCALATED,
            "opened_at": formed - timedelta(days=1),
            "sla_due_at": formed + timedelta(days=2),
            "sla_at_risk_at": formed + timedelta(days=1),
            "escalated_at": formed,
            "suspicion_formed_at": formed,
            "summary": "Cash deposits just under the CTR threshold",
            "narrative": (
                "Three cash deposits of PKR 1.9M within 48 hours, each just under the PKR 2M "
                "CTR threshold, converted to USDT and withdrawn to a foreign VASP."
            ),
        }
        defaults.update(fields)
        return Case.objects.create(customer=customer, **defaults)

    return make


@pytest.fixture
def link_alert(db):
    """Attach an alert over ``transactions`` to ``case``."""
    from compliance.cases.models import CaseAlert
    from compliance.monitoring.models import Alert, AlertTransaction, Rule, RuleVersion

    def link(case, transactions, *, typology="STRUCTURING"):
        rule = Rule.objects.create(
            code=f"r-{uuid.uuid4().hex[:8]}",
            name=typology.title(),
            typology=typology,
            kind=Rule.Kind.TEMPLATE,
            status=Rule.Status.ACTIVE,
        )
        version = RuleVersion.objects.create(
            rule=rule, number=1, template=typology, severity="high", created_by_label="tests"
        )
        alert = Alert.objects.create(
            customer=case.customer,
            typology=typology,
            rule=rule,
            rule_version=version,
            severity="high",
            score=Decimal("0.900"),
            status=Alert.Status.IN_CASE,
            explanation=f"{typology} pattern",
            dedupe_key=uuid.uuid4().hex,
        )
        for tx in transactions:
            AlertTransaction.objects.create(alert=alert, transaction=tx)
        CaseAlert.objects.create(case=case, alert=alert, linked_at=timezone.now())
        return alert

    return link


@pytest.fixture
def officers(staff_user):
    return {
        "analyst": staff_user("Analyst"),
        "mlro": staff_user("MLRO"),
        "mlro2": staff_user("MLRO"),
        "regulator": staff_user("Regulator"),
    }


@pytest.fixture
def as_actor():
    from core.actors import Actor

    return Actor.for_user


@pytest.fixture
def make_str(make_tx, make_case, link_alert, officers, as_actor):
    """``make_str(customer, filed=True)``: an STR drafted from an escalated case, and filed
    (analyst prepares, MLRO approves and submits; the sandbox FMU acknowledges)."""
    from reporting import services

    def make(customer, *, filed: bool = True, case=None):
        if case is None:
            case = make_case(customer)
            link_alert(case, [make_tx(customer, amount_pkr=Decimal("1950000"))])
        report = services.draft_str_from_case(case=case, actor=as_actor(officers["analyst"]))
        if filed:
            services.submit_for_approval(report=report, actor=as_actor(officers["analyst"]))
            services.approve(report=report, actor=as_actor(officers["mlro"]))
            report = services.submit(report=report, actor=as_actor(officers["mlro"]))
        return report

    return make
