"""Travel addresses, message signatures and the TRP wire format, without a database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from compliance.travel_rule.protocols import signing, travel_address, trp


def test_a_travel_address_round_trips_to_its_https_inquiry_url():
    address = travel_address.encode("https://beneficiary.example.com/trp/inquiry/abc123")
    assert address.startswith("ta")
    assert travel_address.decode(address) == (
        "https://beneficiary.example.com/trp/inquiry/abc123?t=i"
    )


def test_localhost_travel_addresses_use_http_for_tests_and_the_sandbox():
    address = travel_address.encode("http://127.0.0.1:8123/trp/inquiry/x/")
    assert travel_address.decode(address) == "http://127.0.0.1:8123/trp/inquiry/x/?t=i"


@pytest.mark.parametrize("bad", ["xx123", "ta0OIl", "ta" + "1" * 10])
def test_a_corrupt_travel_address_is_refused(bad):
    with pytest.raises(travel_address.TravelAddressError):
        travel_address.decode(bad)


def test_a_one_character_change_breaks_the_checksum():
    address = travel_address.encode("https://vasp.example.com/trp/inquiry/abc")
    flipped = address[:-1] + ("2" if address[-1] != "2" else "3")
    with pytest.raises(travel_address.TravelAddressError, match="checksum"):
        travel_address.decode(flipped)


def _pem(key: Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def test_a_signature_covers_method_path_request_id_and_body():
    key = Ed25519PrivateKey.generate()
    header = signing.sign(key, "peer", "POST", "/trp/inquiry/a/", "req-1", b'{"x":1}')
    assert signing.key_id(header) == "peer"
    signing.verify(_pem(key), header, "POST", "/trp/inquiry/a/", "req-1", b'{"x":1}')
    for args in (
        ("POST", "/trp/inquiry/b/", "req-1", b'{"x":1}'),
        ("POST", "/trp/inquiry/a/", "req-2", b'{"x":1}'),
        ("POST", "/trp/inquiry/a/", "req-1", b'{"x":2}'),
    ):
        with pytest.raises(signing.SignatureError, match="does not match"):
            signing.verify(_pem(key), header, *args)
    with pytest.raises(signing.SignatureError, match="does not match"):
        signing.verify(
            _pem(Ed25519PrivateKey.generate()),
            header,
            "POST",
            "/trp/inquiry/a/",
            "req-1",
            b'{"x":1}',
        )
    with pytest.raises(signing.SignatureError, match="not signed"):
        signing.verify(_pem(key), "", "POST", "/", "req-1", b"")


def test_amounts_travel_as_exact_json_numbers():
    body = trp.dumps({"amount": Decimal("0.000000000000000021"), "callback": "x"})
    assert b'"amount":0.000000000000000021' in body
    assert trp.loads(body)["amount"] == Decimal("0.000000000000000021")


def test_resolutions_are_read_or_refused_as_garbage():
    assert trp.read_resolution(b'{"approved":{"address":"T1","callback":"https://x/c"}}') == (
        "approved",
        "",
        "T1",
        "https://x/c",
    )
    assert trp.read_resolution(b'{"rejected":"unknown beneficiary"}')[:2] == (
        "rejected",
        "unknown beneficiary",
    )
    for garbage in (b"<html>", b"[]", b'{"approved": "yes"}', b'{"status": "ok"}'):
        with pytest.raises(ValueError):
            trp.read_resolution(garbage)


def test_trp_headers_are_checked():
    assert trp.check_headers({"api-version": "3.1.0", "request-identifier": "r"}) == {}
    errors = trp.check_headers({"api-version": "2.0", "content-type": "text/xml"})
    assert set(errors) == {"api-version", "request-identifier", "content-type"}


def test_the_deploy_check_asks_for_a_signing_key_of_its_own(settings):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from compliance.travel_rule.apps import signing_key_is_configured

    settings.TRAVEL_RULE_SIGNING_KEY = ""
    assert [w.id for w in signing_key_is_configured()] == ["travel_rule.W001"]
    settings.TRAVEL_RULE_SIGNING_KEY = (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    assert signing_key_is_configured() == []
