"""Proof of control of unhosted wallets with real secp256k1 signatures made in the test."""

from __future__ import annotations

import pytest
from coincurve import PrivateKey

from compliance.travel_rule import wallet_proofs as wp

MESSAGE = "I, Ayesha Khan, control this wallet. Nigraan withdrawal W-77, 2026-12-04."


def eth_sign(key: PrivateKey, message: str) -> str:
    """What a wallet's personal_sign returns: r || s || v (v = 27 + recovery id)."""
    raw = message.encode()
    digest = wp.keccak256(wp.ETH_PREFIX + str(len(raw)).encode() + raw)
    sig = key.sign_recoverable(digest, hasher=None)
    return "0x" + (sig[:64] + bytes([sig[64] + 27])).hex()


def tron_sign(key: PrivateKey, message: str) -> str:
    """TronWeb's signMessageV2: the same over the TRON prefix."""
    raw = message.encode()
    digest = wp.keccak256(wp.TRON_PREFIX + str(len(raw)).encode() + raw)
    sig = key.sign_recoverable(digest, hasher=None)
    return "0x" + (sig[:64] + bytes([sig[64] + 27])).hex()


def eth_address(key: PrivateKey) -> str:
    return wp.eth_checksum_address(wp.keccak256(key.public_key.format(compressed=False)[1:])[-20:])


def tron_address(key: PrivateKey) -> str:
    return wp.tron_address(wp.keccak256(key.public_key.format(compressed=False)[1:])[-20:])


KEY = PrivateKey(bytes.fromhex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"))
OTHER = PrivateKey(bytes.fromhex("1" * 64))


def test_known_key_gives_the_documented_ethereum_address():
    # The web3.js documentation's sample account for this private key.
    assert eth_address(KEY) == "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"


def test_an_ethereum_personal_sign_by_the_wallet_proves_control():
    signature = eth_sign(KEY, MESSAGE)
    assert (
        wp.verify_control(
            chain="ethereum", address=eth_address(KEY), message=MESSAGE, signature=signature
        )
        == "eip191"
    )
    # lower-case addresses carry no checksum and are accepted as well
    assert wp.verify_control(
        chain="ethereum", address=eth_address(KEY).lower(), message=MESSAGE, signature=signature
    )


def test_a_signature_by_another_key_or_over_another_message_does_not():
    with pytest.raises(wp.ProofError, match="not made by this address"):
        wp.verify_control(
            chain="ethereum",
            address=eth_address(KEY),
            message=MESSAGE,
            signature=eth_sign(OTHER, MESSAGE),
        )
    with pytest.raises(wp.ProofError, match="not made by this address"):
        wp.verify_control(
            chain="ethereum",
            address=eth_address(KEY),
            message=MESSAGE + " ",
            signature=eth_sign(KEY, MESSAGE),
        )


def test_a_wrong_eip55_checksum_is_refused():
    address = eth_address(KEY)
    broken = address[:2] + address[2:].swapcase()
    with pytest.raises(wp.ProofError, match="checksum"):
        wp.verify_control(
            chain="ethereum", address=broken, message=MESSAGE, signature=eth_sign(KEY, MESSAGE)
        )


def test_a_tron_sign_message_v2_by_the_wallet_proves_control():
    address = tron_address(KEY)
    assert address.startswith("T") and len(address) == 34
    assert (
        wp.verify_control(
            chain="tron", address=address, message=MESSAGE, signature=tron_sign(KEY, MESSAGE)
        )
        == "tron"
    )


def test_an_ethereum_signature_is_not_a_tron_proof():
    with pytest.raises(wp.ProofError):
        wp.verify_control(
            chain="tron",
            address=tron_address(KEY),
            message=MESSAGE,
            signature=eth_sign(KEY, MESSAGE),
        )


def test_a_tron_address_with_a_bad_checksum_is_refused():
    address = tron_address(KEY)
    broken = address[:-1] + ("A" if address[-1] != "A" else "B")
    with pytest.raises(wp.ProofError, match="not a TRON address"):
        wp.verify_control(
            chain="tron", address=broken, message=MESSAGE, signature=tron_sign(KEY, MESSAGE)
        )


@pytest.mark.parametrize(
    ("signature", "message"),
    [("0x1234", "65 bytes"), ("zz" * 65, "not hex"), ("00" * 64 + "05", "recovery id")],
)
def test_malformed_signatures_are_refused_with_a_reason(signature, message):
    with pytest.raises(wp.ProofError, match=message):
        wp.verify_control(
            chain="ethereum", address=eth_address(KEY), message=MESSAGE, signature=signature
        )


def test_other_chains_are_not_verified():
    with pytest.raises(wp.ProofError, match="Ethereum and TRON"):
        wp.verify_control(chain="bitcoin", address="bc1q", message=MESSAGE, signature="00")
