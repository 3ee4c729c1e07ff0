"""Hits: raised once per pair, false positives remembered, true matches take two officers and
freeze the customer, delta rescreens touch only what changed, delisting closes hits."""

from __future__ import annotations

from datetime import date

import pytest
from screening_fixtures import *  # noqa: F403
from screening_helpers import entry

from compliance.screening import services
from compliance.screening.models import FalsePositiveMemory, ScreeningHit, WatchlistVersion
from compliance.screening.signals import true_match_confirmed
from core.actors import Actor
from core.audit import events_for
from core.errors import FourEyesViolation, InvalidTransition, ValidationFailed
from core.models import WebhookDelivery, WebhookEndpoint
from kyc.models import Customer

pytestmark = pytest.mark.django_db

TAHIR = entry("OF-1", "Muhammad Tahir Anwar", date_of_birth="1971-03-05", nationality="PK")


@pytest.fixture
def listed(import_house):
    return import_house([TAHIR, entry("OF-2", "Zia ul Haq Lashkari")])


@pytest.fixture
def hit(listed, make_customer):
    customer = make_customer(full_name="Mohd Tahir Anwar", date_of_birth=date(1971, 3, 5))
    (found,) = services.screen_customer(customer=customer)
    return found


def test_screening_a_customer_raises_a_hit_with_score_reasons_and_list_version(hit, listed):
    assert hit.status == ScreeningHit.Status.OPEN
    assert hit.entry.entry_id == "OF-1" and hit.list_version == listed.version
    assert hit.matched_name == "Muhammad Tahir Anwar" and hit.score >= 0.8
    assert any("Mohd" in reason for reason in hit.reasons)
    assert hit.subject_kind == ScreeningHit.SubjectKind.CUSTOMER


def test_screening_again_does_not_duplicate_an_undecided_hit(hit):
    assert services.screen_customer(customer=hit.customer) == []
    assert ScreeningHit.objects.filter(customer=hit.customer).count() == 1


def test_false_positive_is_remembered_for_the_same_pair(hit, staff_user):
    analyst = Actor.for_user(staff_user("Analyst"))
    services.mark_false_positive(hit=hit, actor=analyst, reason="different father, DOB source")
    memory = FalsePositiveMemory.objects.get(customer=hit.customer, entry=hit.entry)
    assert memory.customer_fingerprint == hit.subject_fingerprint
    assert services.screen_customer(customer=hit.customer) == []


def test_false_positive_alerts_again_after_the_customers_name_changes(hit, staff_user, system):
    from kyc import services as kyc

    analyst = Actor.for_user(staff_user("Analyst"))
    services.mark_false_positive(hit=hit, actor=analyst, reason="not the listed person")
    kyc.update_customer(
        customer=hit.customer, actor=system, changes={"full_name": "Muhammad Tahir Anwar"}
    )
    (again,) = services.screen_customer(customer=hit.customer)
    assert again.entry == hit.entry and again.status == ScreeningHit.Status.OPEN


def test_false_positive_alerts_again_after_the_entry_changes(hit, staff_user, import_house):
    analyst = Actor.for_user(staff_user("Analyst"))
    services.mark_false_positive(hit=hit, actor=analyst, reason="not the listed person")
    import_house([{**TAHIR, "aliases": "Tahir Anwar Butt"}, entry("OF-2", "Zia ul Haq Lashkari")])
    (again,) = services.screen_customer(customer=hit.customer)
    assert again.entry_id == hit.entry_id


def test_every_decision_needs_a_reason(hit, staff_user):
    analyst = Actor.for_user(staff_user("Analyst"))
    with pytest.raises(ValidationFailed):
        services.mark_false_positive(hit=hit, actor=analyst, reason="  ")
    with pytest.raises(ValidationFailed):
        services.mark_true_match(hit=hit, actor=analyst, reason="")


def test_proposer_cannot_confirm_their_own_true_match(hit, staff_user):
    mlro = Actor.for_user(staff_user("MLRO"))
    services.mark_true_match(hit=hit, actor=mlro, reason="DOB and CNIC match the listing")
    with pytest.raises(FourEyesViolation):
        services.confirm_true_match(hit=hit, actor=mlro, reason="confirmed")
    hit.refresh_from_db()
    assert hit.status == ScreeningHit.Status.PENDING_CONFIRMATION


def test_confirming_needs_the_confirm_match_permission(hit, staff_user):
    services.mark_true_match(
        hit=hit, actor=Actor.for_user(staff_user("Analyst")), reason="DOB matches"
    )
    with pytest.raises(FourEyesViolation):
        services.confirm_true_match(
            hit=hit, actor=Actor.for_user(staff_user("Analyst")), reason="agree"
        )


def test_second_officer_confirming_freezes_the_customer_and_tells_the_exchange(
    hit, staff_user, monkeypatch, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(
        name="exchange", url="http://127.0.0.1:9/hook", secret="s", event_types=["customer.frozen"]
    )
    sent = []
    monkeypatch.setattr(true_match_confirmed, "send", lambda sender, hit_id: sent.append(hit_id))
    analyst = Actor.for_user(staff_user("Analyst"))
    mlro = Actor.for_user(staff_user("MLRO"))
    services.mark_true_match(hit=hit, actor=analyst, reason="DOB and name match the listing")
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_true_match(hit=hit, actor=mlro, reason="confirmed against UN notice")
    hit.refresh_from_db()
    assert hit.status == ScreeningHit.Status.TRUE_MATCH
    assert hit.confirmed_by == mlro.user and hit.decided_by == analyst.user
    assert Customer.objects.get(pk=hit.customer_id).status == Customer.Status.FROZEN
    assert WebhookDelivery.objects.filter(event_type="customer.frozen").count() == 1
    assert sent == [hit.pk]
    actions = list(events_for(hit).values_list("action", flat=True))
    assert actions == [
        "screening.hit_created",
        "screening.true_match_proposed",
        "screening.true_match_confirmed",
    ]
    assert events_for(hit.customer).filter(action="customer.frozen").exists()


def test_a_returned_proposal_is_open_again(hit, staff_user):
    services.mark_true_match(hit=hit, actor=Actor.for_user(staff_user("Analyst")), reason="dob")
    services.return_true_match(
        hit=hit, actor=Actor.for_user(staff_user("MLRO")), reason="father's name differs"
    )
    hit.refresh_from_db()
    assert hit.status == ScreeningHit.Status.OPEN and hit.decided_by is None
    with pytest.raises(InvalidTransition):
        services.return_true_match(
            hit=hit, actor=Actor.for_user(staff_user("MLRO")), reason="again"
        )


def test_delta_rescreen_screens_only_added_and_changed_entries(import_house, make_customer):
    import_house([TAHIR, entry("OF-2", "Zia ul Haq Lashkari"), entry("OF-3", "Bilal Ahmed Khan")])
    make_customer(full_name="Muhammad Tahir Anwar")  # matches OF-1, which does not change
    zia = make_customer(full_name="Ziaul Haq Lashkari")
    bilal = make_customer(full_name="Bilal Ahmad Khan")
    second = import_house(
        [
            TAHIR,
            entry("OF-2", "Zia ul Haq Lashkari", nationality="PK"),  # changed (was unknown)
            entry("OF-3", "Bilal Ahmed Khan"),
            entry("OF-4", "Qari Saifullah Akhtar"),  # added
        ]
    )
    result = services.rescreen_version(version=second.version)
    assert result.entries == 2  # OF-2 and OF-4, not OF-1 or OF-3
    assert {(h.customer_id, h.entry.entry_id) for h in result.hits} == {(zia.pk, "OF-2")}
    assert bilal.screening_hits.count() == 0
    version = WatchlistVersion.objects.get(pk=second.version.pk)
    assert version.rescreen_entries == 2 and version.rescreen_hits == 1
    assert version.rescreen_finished_at is not None


def test_import_rescreens_after_commit_through_the_task(
    import_house, make_customer, django_capture_on_commit_callbacks
):
    import_house([entry("OF-9", "Bilal Ahmed Khan")])
    customer = make_customer(full_name="Hafiz Saeed Ahmad")
    with django_capture_on_commit_callbacks(execute=True):
        second = import_house(
            [entry("OF-9", "Bilal Ahmed Khan"), entry("OF-10", "Hafiz Muhammad Saeed Ahmad")],
            rescreen=True,
        )
    version = WatchlistVersion.objects.get(pk=second.version.pk)
    assert version.rescreen_entries == 1 and version.rescreen_batches_done == 1
    assert customer.screening_hits.get().origin == ScreeningHit.Origin.LIST_UPDATE


def test_delta_rescreen_finds_a_listed_cnic_whatever_the_name(import_house, make_customer):
    customer = make_customer(full_name="Kamran Yousaf", id_number="35202-7777888-1")
    version = import_house(
        [entry("4S-1", "Abu Hamza Punjabi", id_numbers="CNIC:35202-7777888-1", list="NACTA")]
    ).version
    (found,) = services.rescreen_version(version=version).hits
    assert found.customer_id == customer.pk and found.score == 1
    assert any("exact match" in reason for reason in found.reasons)


def test_delta_rescreen_screens_beneficial_owners_entity_names_and_wallets(import_house, system):
    from screening_helpers import cnic

    from kyc import services as kyc

    company = kyc.create_customer(
        actor=system,
        data={
            "external_id": "ENT-1",
            "customer_type": "entity",
            "legal_name": "Al Rasheed Trust",
            "entity_type": "trust",
            "registration_number": "0011223",
            "incorporation_date": date(2010, 1, 1),
            "country_of_incorporation": "PK",
            "registered_address": {
                "line1": "Plot 3, Gulberg III",
                "city": "Lahore",
                "district": "Lahore",
                "province": "Punjab",
                "country": "PK",
            },
            "business_activity": "Charity",
            "source_of_funds": "business_income",
            "purpose_of_account": "business_treasury",
            "beneficial_owners": [
                {
                    "full_name": "Mufti Rashid Ahmed Ludhianvi",
                    "id_type": "CNIC",
                    "id_number": cnic("M"),
                    "date_of_birth": date(1960, 1, 1),
                    "nationality": "PK",
                    "ownership_pct": "100",
                }
            ],
        },
    )
    wallet, _ = kyc.register_wallet(
        customer=company,
        actor=system,
        chain="ethereum",
        address="0x2222222222222222222222222222222222222222",
    )
    version = import_house(
        [
            entry("UN-E1", "Al-Rashid Trust", kind="entity", list="UN"),
            entry("UN-I1", "Rashid Ahmed Ludhianvi", list="UN"),
            entry(
                "OF-W1",
                "Wallet Holder Unknown",
                wallet_addresses="ETH:0x2222222222222222222222222222222222222222",
            ),
        ]
    ).version
    hits = services.rescreen_version(version=version).hits
    kinds = {(h.subject_kind, h.entry.entry_id) for h in hits}
    assert kinds == {
        ("entity_name", "UN-E1"),
        ("ubo", "UN-I1"),
        ("wallet", "OF-W1"),
    }
    assert next(h for h in hits if h.subject_kind == "wallet").wallet == wallet


def test_removed_entry_closes_its_undecided_hits_only(hit, import_house, staff_user, make_customer):
    other = make_customer(full_name="Zia-ul-Haq Lashkari")
    (cleared,) = services.screen_customer(customer=other)
    services.mark_false_positive(
        hit=cleared, actor=Actor.for_user(staff_user("Analyst")), reason="not him"
    )
    result = import_house([entry("OF-5", "Someone Else Entirely")], allow_mass_removal=True)
    hit.refresh_from_db()
    cleared.refresh_from_db()
    assert hit.status == ScreeningHit.Status.CLOSED_ENTRY_REMOVED
    assert cleared.status == ScreeningHit.Status.FALSE_POSITIVE
    assert result.hits_closed == 1
    assert events_for(hit).filter(action="screening.hit_closed_entry_removed").exists()


def test_a_counterparty_wallet_on_a_list_raises_a_hit_naming_the_transaction(
    import_house, make_customer
):
    customer = make_customer(full_name="Usman Ghani")
    import_house(
        [
            entry(
                "OF-W2", "Garantex", kind="entity", wallet_addresses="TRX:TXyzListedTronAddress0001"
            )
        ]
    )
    (found,) = services.screen_counterparty(
        customer=customer, transaction_ref="TX-77", chain="TRX", address="TXyzListedTronAddress0001"
    )
    assert found.subject_kind == ScreeningHit.SubjectKind.COUNTERPARTY
    assert found.transaction_ref == "TX-77" and found.score == 1
