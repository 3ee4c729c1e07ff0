"""Screening on kyc's events and on schedule: profile changes, new wallets, configured lists."""

from __future__ import annotations

import pytest
from screening_fixtures import *  # noqa: F403
from screening_helpers import entry, house_csv, write

from compliance.screening.models import ScreeningHit, WatchlistVersion
from compliance.screening.tasks import configured_sources, import_scheduled_lists
from kyc import services as kyc

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(import_house):
    return import_house(
        [
            entry("UN-1", "Muhammad Tahir Anwar", list="UN"),
            entry(
                "OF-W",
                "Garantex",
                kind="entity",
                wallet_addresses="ETH:0x4444444444444444444444444444444444444444",
            ),
        ]
    )


def test_changing_a_screened_field_rescreens_the_customer(
    listed, make_customer, system, django_capture_on_commit_callbacks
):
    customer = make_customer(full_name="Kamran Akmal")
    kyc.submit_customer(customer=customer, actor=system)
    with django_capture_on_commit_callbacks(execute=True):
        kyc.update_customer(
            customer=customer, actor=system, changes={"full_name": "Mohd Tahir Anwar"}
        )
    assert customer.screening_hits.get().origin == ScreeningHit.Origin.PROFILE_CHANGE


def test_changing_an_unscreened_field_does_not_rescreen(
    listed, make_customer, system, django_capture_on_commit_callbacks, monkeypatch
):
    from compliance.screening import tasks

    calls = []
    monkeypatch.setattr(tasks.screen_customer, "delay", lambda *a, **k: calls.append(a))
    customer = make_customer(full_name="Muhammad Tahir Anwar")
    kyc.submit_customer(customer=customer, actor=system)
    with django_capture_on_commit_callbacks(execute=True):
        kyc.update_customer(customer=customer, actor=system, changes={"email": "new@example.pk"})
    assert calls == []


def test_a_registered_wallet_on_a_list_raises_a_wallet_hit(
    listed, make_customer, system, django_capture_on_commit_callbacks
):
    customer = make_customer(full_name="Usman Ghani")
    with django_capture_on_commit_callbacks(execute=True):
        wallet, _ = kyc.register_wallet(
            customer=customer,
            actor=system,
            chain="ethereum",
            address="0x4444444444444444444444444444444444444444",
        )
    hit = customer.screening_hits.get()
    assert hit.subject_kind == ScreeningHit.SubjectKind.WALLET and hit.wallet == wallet


def test_configured_sources_are_read_from_the_setting():
    assert configured_sources("un=/lists/un.xml, ofac_sdn=https://x.test/sdn.xml,bad") == [
        ("un", "/lists/un.xml"),
        ("ofac_sdn", "https://x.test/sdn.xml"),
    ]


def test_scheduled_import_loads_each_configured_file_and_reports_failures(db, tmp_path, settings):
    good = write(tmp_path, "house.csv", house_csv([entry("H-1", "Bilal Ahmed Khan")]))
    settings.WATCHLIST_SOURCES = f"csv={good},un={tmp_path / 'missing.xml'}"
    outcome = import_scheduled_lists()
    assert outcome["csv"] == "1 added, 0 changed, 0 removed"
    assert outcome["un"].startswith("failed")
    assert WatchlistVersion.objects.get().watchlist.code == "HOUSE"
