"""The demo customers: a realistic spread, created through the services, idempotent."""

from __future__ import annotations

import io

import pytest

from kyc import demo
from kyc.models import Customer

pytestmark = pytest.mark.django_db


def test_demo_seeds_about_fifty_customers_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo.seed(stdout=io.StringIO())
    count = Customer.objects.count()
    demo.seed(stdout=io.StringIO())
    assert Customer.objects.count() == count
    assert 45 <= count <= 55
    statuses = set(Customer.objects.values_list("status", flat=True))
    assert {"draft", "approved", "in_review", "rejected", "frozen"} <= statuses
    assert {"low", "medium", "high"} <= set(Customer.objects.values_list("risk_level", flat=True))
    pep = Customer.objects.get(external_id=demo.PEP_AWAITING_MLRO)
    assert pep.is_pep_declared and pep.status == "in_review" and pep.risk_level == "high"
    entity = Customer.objects.get(external_id=demo.ENTITY_WITH_UBOS)
    assert entity.is_entity and entity.current_beneficial_owners.count() == 2
    assert all(c.versions.exists() for c in Customer.objects.all())
