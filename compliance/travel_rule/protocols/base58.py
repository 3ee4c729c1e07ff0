"""Base58 and Base58Check (Bitcoin alphabet): TRP Travel Addresses and TRON addresses use them."""

from __future__ import annotations

import hashlib

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}


class Base58Error(ValueError):
    pass


def encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(ALPHABET[rest])
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + "".join(reversed(out))


def decode(text: str) -> bytes:
    number = 0
    for ch in text:
        if ch not in _INDEX:
            raise Base58Error(f"{ch!r} is not a base58 character")
        number = number * 58 + _INDEX[ch]
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    pad = len(text) - len(text.lstrip("1"))
    return b"\0" * pad + body


def _checksum(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()[:4]


def check_encode(data: bytes) -> str:
    return encode(data + _checksum(data))


def check_decode(text: str) -> bytes:
    raw = decode(text)
    if len(raw) < 5 or _checksum(raw[:-4]) != raw[-4:]:
        raise Base58Error("bad checksum")
    return raw[:-4]
