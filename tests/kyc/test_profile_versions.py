"""Profile changes are versioned: who, when, what; history is never overwritten."""

from __future__ import annotations

import pytest

from core import audit
from core.errors import Conflict, InvalidTransition, ValidationFailed
from kyc import services
from kyc.models import CustomerVersion
from tests.kyc.conftest import entity_data, new_cnic

pytestmark = pytest.mark.django_db


def test_creation_is_version_one(make_customer):
    customer = make_customer()
    [version] = customer.versions.all()
    assert version.version == 1
    assert version.snapshot["full_name"] == "Muhammad Ali Khan"


def test_a_change_adds_a_version_with_who_and_what_and_keeps_the_old_one(
    make_customer, staff_user, actor_for
):
    customer = make_customer()
    officer = staff_user("Analyst")
    services.update_customer(
        customer=customer,
        actor=actor_for(officer),
        changes={"mobile": "03219876543", "occupation": "business_owner"},
        reason="customer called in",
    )
    assert customer.version == 2
    v1, v2 = customer.versions.order_by("version")
    assert v1.snapshot["mobile"] == "+923001234567"  # untouched
    assert v2.changes == {
        "mobile": ["+923001234567", "+923219876543"],
        "occupation": ["salaried_private", "business_owner"],
    }
    assert v2.actor_user == officer and v2.reason == "customer called in"
    event = audit.events_for(customer).get(action="customer.profile_changed")
    assert event.after == {"mobile": "+923219876543", "occupation": "business_owner"}


def test_an_unchanged_patch_adds_no_version(make_customer, system_actor):
    customer = make_customer()
    services.update_customer(customer=customer, actor=system_actor, changes={"gender": "M"})
    assert customer.versions.count() == 1


def test_profile_change_is_announced_with_the_changed_fields(
    make_customer, system_actor, django_capture_on_commit_callbacks
):
    from kyc.signals import customer_profile_changed

    seen = []

    def receiver(sender, customer_id, changed_fields, **kwargs):
        seen.append((customer_id, changed_fields))

    customer_profile_changed.connect(receiver, dispatch_uid="test-profile")
    try:
        customer = make_customer()
        with django_capture_on_commit_callbacks(execute=True):
            services.update_customer(
                customer=customer, actor=system_actor, changes={"full_name": "Ali Khan Niazi"}
            )
    finally:
        customer_profile_changed.disconnect(dispatch_uid="test-profile")
    assert seen == [(customer.pk, ["full_name"])]


def test_versions_hold_id_numbers_masked_only(make_customer, system_actor):
    customer = make_customer()
    new_number = new_cnic("M")
    services.update_customer(
        customer=customer, actor=system_actor, changes={"id_number": new_number}
    )
    latest = customer.versions.get(version=2)
    assert "id_number" in latest.changes
    assert new_number not in str(latest.changes) + str(latest.snapshot)
    assert customer.id_number == new_number


def test_a_change_is_validated_against_the_whole_profile(make_customer, system_actor):
    customer = make_customer()  # male, odd CNIC digit
    with pytest.raises(ValidationFailed) as caught:
        services.update_customer(customer=customer, actor=system_actor, changes={"gender": "F"})
    assert caught.value.errors["gender"] == ["CNIC gender digit says male, gender is F."]


def test_changing_to_another_customers_cnic_is_a_conflict(make_customer, system_actor):
    first, second = make_customer(), make_customer()
    with pytest.raises(Conflict) as caught:
        services.update_customer(
            customer=second, actor=system_actor, changes={"id_number": first.id_number}
        )
    assert caught.value.extra["existing_external_id"] == first.external_id


def test_a_rejected_customer_cannot_be_changed(make_customer, system_actor):
    customer = make_customer()
    services.submit_customer(customer=customer, actor=system_actor)
    services.reject_customer(customer=customer, actor=system_actor, reason="fraud")
    with pytest.raises(InvalidTransition):
        services.update_customer(customer=customer, actor=system_actor, changes={"email": "a@b.pk"})


def test_replacing_beneficial_owners_keeps_the_removed_ones_stamped(system_actor):
    customer = services.create_customer(actor=system_actor, data=entity_data())
    owners = entity_data()["beneficial_owners"]
    owners[0]["ownership_pct"] = 100
    services.update_customer(
        customer=customer, actor=system_actor, changes={"beneficial_owners": owners[:1]}
    )
    assert customer.beneficial_owners.count() == 3  # two originals + the new one, none deleted
    assert customer.current_beneficial_owners.count() == 1
    version = CustomerVersion.objects.get(customer=customer, version=2)
    assert [o["ownership_pct"] for o in version.changes["beneficial_owners"][1]] == ["100.00"]


def test_a_beneficial_owner_becoming_a_pep_is_a_new_version(system_actor):
    customer = services.create_customer(actor=system_actor, data=entity_data())
    owners = [{**o, "id_number": o["id_number"]} for o in entity_data()["beneficial_owners"]]
    current = list(customer.current_beneficial_owners.order_by("created_at", "full_name"))
    for owner, row in zip(owners, current, strict=True):
        owner.update(full_name=row.full_name, id_number=row.id_number)
    owners[0]["is_pep_declared"] = True
    services.update_customer(
        customer=customer, actor=system_actor, changes={"beneficial_owners": owners}
    )
    assert customer.version == 2
    assert customer.current_beneficial_owners.filter(is_pep_declared=True).count() == 1
    assert customer.current_beneficial_owners.count() == 2
