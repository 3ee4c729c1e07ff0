"""ID numbers are encrypted at rest, found by keyed hash, and re-encrypted on key rotation."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from core import pii
from kyc import services
from kyc.models import BeneficialOwner, Customer
from tests.kyc.conftest import entity_data

pytestmark = pytest.mark.django_db


def raw_rows(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return [" ".join(str(v) for v in row) for row in cursor.fetchall()]


def test_the_raw_customer_row_holds_no_plaintext_cnic(make_customer):
    customer = make_customer()
    cnic = customer.id_number
    [row] = raw_rows("kyc_customer")
    assert cnic not in row
    assert cnic.replace("-", "") not in row
    assert pii.keyed_hash(cnic) in row  # the lookup hash is there instead


def test_no_kyc_table_holds_the_plaintext_cnic(system_actor):
    customer = services.create_customer(actor=system_actor, data=entity_data())
    numbers = [o.id_number for o in customer.beneficial_owners.all()]
    for table in ("kyc_customer", "kyc_beneficialowner", "kyc_customerversion", "core_auditevent"):
        text = "\n".join(raw_rows(table))
        for number in numbers:
            assert number not in text and number.replace("-", "") not in text, table


def test_rotation_re_encrypts_under_the_new_key_and_old_keys_can_go(
    make_customer, system_actor, settings
):
    customer = make_customer()
    services.create_customer(actor=system_actor, data=entity_data())
    cnic = customer.id_number
    old_token = Customer.objects.get(pk=customer.pk).id_number_encrypted
    new_key = Fernet.generate_key().decode()
    settings.PII_KEYS = [new_key, *settings.PII_KEYS]
    out = io.StringIO()
    call_command("rotate_pii_key", stdout=out)
    assert "Re-encrypted 1 customer and 2 beneficial-owner" in out.getvalue()
    settings.PII_KEYS = [new_key]  # the old key is retired
    fresh = Customer.objects.get(pk=customer.pk)
    assert fresh.id_number_encrypted != old_token
    assert fresh.id_number == cnic
    assert all(o.id_number for o in BeneficialOwner.objects.all())


def test_rehash_after_a_hash_key_change_keeps_duplicates_detectable(
    make_customer, system_actor, settings
):
    customer = make_customer()
    settings.PII_HASH_KEY = "a-new-hash-key"
    call_command("rotate_pii_key", "--rehash", stdout=io.StringIO())
    assert Customer.objects.get(pk=customer.pk).id_number_hash == pii.keyed_hash(customer.id_number)
