"""The hit queue in the admin: decisions ask for a reason, then go through the services."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from screening_fixtures import *  # noqa: F403
from screening_helpers import entry

from compliance.screening import services
from compliance.screening.models import ScreeningHit
from kyc.models import Customer

pytestmark = pytest.mark.django_db


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    if user.groups.filter(name__in=["MLRO", "Admin"]).exists():
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def hit(import_house, make_customer):
    import_house([entry("UN-1", "Muhammad Tahir Anwar", date_of_birth="1971-03-05", list="UN")])
    customer = make_customer(full_name="Mohd Tahir Anwar", date_of_birth=date(1971, 3, 5))
    return services.screen_customer(customer=customer)[0]


def _decide(client, decision: str, hit, reason: str):
    url = reverse("admin:screening_screeninghit_decide", args=[decision])
    return client.post(url, {"ids": str(hit.pk), "reason": reason})


def test_hit_page_shows_score_reasons_and_listed_entry(hit, staff_user):
    page = _client_for(staff_user("Analyst")).get(
        reverse("admin:screening_screeninghit_change", args=[hit.pk])
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "UN-1" in html and "Mohd" in html


def test_true_match_through_the_admin_takes_two_officers_and_reasons(hit, staff_user):
    analyst, mlro = _client_for(staff_user("Analyst")), _client_for(staff_user("MLRO"))
    assert _decide(analyst, "true_match", hit, "").status_code == 200  # the form again
    assert _decide(analyst, "true_match", hit, "DOB and name match").status_code == 302
    assert _decide(analyst, "confirm", hit, "agree").status_code == 403  # not an MLRO
    _decide(mlro, "confirm", hit, "confirmed against the UN notice")
    hit.refresh_from_db()
    assert hit.status == ScreeningHit.Status.TRUE_MATCH
    assert Customer.objects.get(pk=hit.customer_id).status == Customer.Status.FROZEN


def test_false_positive_through_the_admin(hit, staff_user):
    _decide(_client_for(staff_user("Analyst")), "false_positive", hit, "different DOB source")
    hit.refresh_from_db()
    assert hit.status == ScreeningHit.Status.FALSE_POSITIVE and hit.reason


def test_queue_lists_undecided_hits(hit, staff_user):
    page = _client_for(staff_user("Analyst")).get(
        reverse("admin:screening_screeninghit_changelist") + "?queue=undecided"
    )
    assert page.status_code == 200 and "Mohd Tahir Anwar" in page.content.decode()


@pytest.mark.parametrize(
    "model", ["watchlist", "watchlistversion", "watchlistentry", "falsepositivememory"]
)
def test_list_pages_open_for_an_officer(hit, staff_user, model):
    client = _client_for(staff_user("MLRO"))
    assert client.get(reverse(f"admin:screening_{model}_changelist")).status_code == 200


def test_entry_page_shows_names_and_dates(hit, staff_user):
    page = _client_for(staff_user("Analyst")).get(
        reverse("admin:screening_watchlistentry_change", args=[hit.entry_id])
    )
    assert page.status_code == 200 and "1971" in page.content.decode()


def test_matcher_configuration_is_proposed_in_the_admin_and_activated_by_another_mlro(
    staff_user,
):
    import json

    from compliance.screening.matcher_config import default_config
    from compliance.screening.models import MatcherConfiguration

    maker, checker = _client_for(staff_user("MLRO")), _client_for(staff_user("MLRO"))
    add = reverse("admin:screening_matcherconfiguration_add")
    assert maker.get(add).status_code == 200
    values = {**default_config().to_dict(), "threshold": 0.9}
    response = maker.post(add, {"values": json.dumps(values), "note": "stricter"})
    assert response.status_code == 302
    version = MatcherConfiguration.objects.get(is_active=False, note="stricter")
    changelist = reverse("admin:screening_matcherconfiguration_changelist")
    maker.post(changelist, {"action": "activate", "_selected_action": [version.pk]})
    assert not MatcherConfiguration.objects.get(pk=version.pk).is_active  # four eyes
    checker.post(changelist, {"action": "activate", "_selected_action": [version.pk]})
    assert MatcherConfiguration.objects.get(pk=version.pk).is_active
    page = checker.get(reverse("admin:screening_matcherconfiguration_change", args=[version.pk]))
    assert page.status_code == 200 and "0.9" in page.content.decode()
