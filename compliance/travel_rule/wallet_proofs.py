"""Proof that a customer controls an unhosted wallet: a message signed with the wallet's key.

- Ethereum (and EVM chains): ``personal_sign`` (EIP-191 version 0x45): Keccak-256 of
  ``"\\x19Ethereum Signed Message:\\n" + len(message) + message``; the signer's address is the
  last 20 bytes of Keccak-256 of the recovered public key.
- TRON: ``signMessageV2`` (TIP-191): the same with ``"\\x19TRON Signed Message:\\n"``; the
  address is Base58Check of ``0x41`` + those 20 bytes.

Signatures are 65 bytes ``r || s || v`` in hex (``v`` 27/28 or 0/1). Pure Python: secp256k1
public-key recovery from ``coincurve`` (libsecp256k1), Keccak from ``pycryptodome``.
"""

from __future__ import annotations

from coincurve import PublicKey
from Crypto.Hash import keccak

from .protocols.base58 import Base58Error, check_decode, check_encode

EVM_CHAINS = frozenset({"ethereum", "bsc", "polygon"})
ETH_PREFIX = b"\x19Ethereum Signed Message:\n"
TRON_PREFIX = b"\x19TRON Signed Message:\n"


class ProofError(ValueError):
    pass


def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def _prefixed_hash(prefix: bytes, message: str) -> bytes:
    raw = message.encode()
    return keccak256(prefix + str(len(raw)).encode() + raw)


def _signature_bytes(signature: str) -> bytes:
    text = signature.strip().lower().removeprefix("0x")
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise ProofError("the signature is not hex") from None
    if len(raw) != 65:
        raise ProofError("a signature is 65 bytes (r, s, v)")
    v = raw[64]
    if v >= 27:
        v -= 27
    if v not in (0, 1):
        raise ProofError("the signature's recovery id (v) is not 27/28 or 0/1")
    return raw[:64] + bytes([v])


def _recover_key_hash(prefix: bytes, message: str, signature: str) -> bytes:
    digest = _prefixed_hash(prefix, message)
    try:
        public = PublicKey.from_signature_and_message(
            _signature_bytes(signature), digest, hasher=None
        )
    except ProofError:
        raise
    except Exception as exc:  # noqa: BLE001 - libsecp256k1 refuses malformed points variously
        raise ProofError(f"no key recovers from this signature: {exc}") from None
    return keccak256(public.format(compressed=False)[1:])[-20:]


def eth_checksum_address(address_bytes: bytes) -> str:
    """EIP-55 mixed-case form of a 20-byte address."""
    hex_address = address_bytes.hex()
    digest = keccak256(hex_address.encode()).hex()
    return "0x" + "".join(
        ch.upper() if ch.isalpha() and int(digest[i], 16) >= 8 else ch
        for i, ch in enumerate(hex_address)
    )


def _eth_address(address: str) -> bytes:
    text = address.strip()
    body = text.removeprefix("0x")
    if len(body) != 40:
        raise ProofError("an Ethereum address is 0x and 40 hex digits")
    try:
        raw = bytes.fromhex(body)
    except ValueError:
        raise ProofError("an Ethereum address is 0x and 40 hex digits") from None
    mixed = body != body.lower() and body != body.upper()
    if mixed and eth_checksum_address(raw) != "0x" + body:
        raise ProofError("the address's EIP-55 checksum is wrong")
    return raw


def tron_address(key_hash: bytes) -> str:
    return check_encode(b"\x41" + key_hash)


def _tron_address(address: str) -> bytes:
    try:
        raw = check_decode(address.strip())
    except Base58Error as exc:
        raise ProofError(f"not a TRON address: {exc}") from None
    if len(raw) != 21 or raw[0] != 0x41:
        raise ProofError("a TRON address is 0x41 and 20 bytes, Base58Check (T...)")
    return raw[1:]


def verify_control(*, chain: str, address: str, message: str, signature: str) -> str:
    """The proof method if ``signature`` over ``message`` was made by ``address``'s key, else
    ``ProofError`` saying why."""
    chain = chain.lower()
    if chain in EVM_CHAINS:
        expected, method, prefix = _eth_address(address), "eip191", ETH_PREFIX
    elif chain == "tron":
        expected, method, prefix = _tron_address(address), "tron", TRON_PREFIX
    else:
        raise ProofError(f"signed-message proofs are verified for Ethereum and TRON, not {chain}")
    if not message.strip():
        raise ProofError("the signed message is empty")
    if _recover_key_hash(prefix, message, signature) != expected:
        raise ProofError("the signature was not made by this address's key")
    return method
