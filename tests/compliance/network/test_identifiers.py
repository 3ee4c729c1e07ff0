"""Link-key normalization: plain Python, no database."""

from __future__ import annotations

import pytest

from compliance.network import identifiers as ids
from kyc.validation import InvalidValue, clean_device_id, clean_ip_address


@pytest.mark.parametrize("raw", ["03001234567", "+92 300 1234567", "0092-300-1234567"])
def test_pakistani_mobiles_in_every_spelling_are_one_e164_key(raw):
    key = ids.phone_key(raw)
    assert key.value == "+923001234567"
    assert "1234567" not in key.label


def test_unparseable_phone_links_nobody():
    assert ids.phone_key("call me") is None
    assert ids.phone_key("") is None


def test_gmail_ignores_dots_and_tags_other_providers_only_case():
    assert ids.email_key("Ali.Khan+crypto@GoogleMail.com").value == "alikhan@gmail.com"
    assert ids.email_key("ali.khan+x@outlook.com").value == "ali.khan@outlook.com"
    assert ids.email_key("Ali.Khan@Example.PK").value == "ali.khan@example.pk"
    assert ids.email_key("not-an-email") is None


def test_address_spellings_fold_to_one_key_and_a_city_alone_is_no_key():
    a = ids.address_key({"line1": "House # 12, Street 4", "city": "Lahore", "country": "PK"})
    b = ids.address_key({"line1": "h 12 st. 4", "city": "LAHORE"})
    assert a.value == b.value
    assert ids.address_key({"line1": "", "city": "Lahore"}) is None
    assert ids.address_key(None) is None


def test_valid_iban_is_an_iban_anything_else_a_bank_qualified_account():
    iban = ids.bank_account_key("pk36 scbl 0000 0011 2345 6702")
    assert (iban.kind, iban.value) == ("iban", "PK36SCBL0000001123456702")
    account = ids.bank_account_key("0011-2345", bank="Meezan Bank")
    assert account.kind == "account"
    assert account.value != ids.bank_account_key("0011-2345", bank="HBL").value


def test_wallets_are_per_chain_and_only_case_insensitive_where_the_chain_is():
    evm = ids.wallet_key("0xAbCdEf0000000000000000000000000000000001", "ethereum")
    assert evm.value == "ethereum:0xabcdef0000000000000000000000000000000001"
    bsc = ids.wallet_key("0xAbCdEf0000000000000000000000000000000001", "BEP20")
    assert bsc.value.startswith("bsc:") and bsc.value != evm.value
    tron = ids.wallet_key("TXyzABC123", "TRC20")
    assert tron.value == "tron:TXyzABC123"  # base58: case is meaning
    assert ids.wallet_key("bc1QXYZ", "btc").value == "bitcoin:bc1qxyz"


def test_private_and_loopback_addresses_link_nobody_public_ones_do():
    assert ids.ip_key("192.168.1.10") is None
    assert ids.ip_key("10.0.0.1") is None
    assert ids.ip_key("127.0.0.1") is None
    assert ids.ip_key("::ffff:8.8.8.8").value == "8.8.8.8"
    assert ids.ip_key("2001:4860:4860:0000:0000:0000:0000:8888").value == "2001:4860:4860::8888"


def test_malformed_ip_and_oversized_device_are_refused_by_the_validators():
    with pytest.raises(InvalidValue):
        clean_ip_address("300.1.1.1")
    with pytest.raises(InvalidValue):
        clean_device_id("x" * 10_000)
    assert clean_device_id("  dev-1 ") == "dev-1"
    assert ids.device_key("x" * 10_000) is None


def test_id_numbers_enter_only_as_kyc_keyed_hash():
    key = ids.id_number_key("a" * 64)
    assert key.value == "a" * 64 and key.label == "ID #aaaaaaaa"
    assert ids.id_number_key("") is None
