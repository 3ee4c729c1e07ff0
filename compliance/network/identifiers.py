"""Link keys: the normalized form of an identifier two customers can share. Plain Python.

A key is ``(kind, value)``; two customers are linked when they hold the same key. Values are
normalized so that trivial differences do not hide a link (``0300 1234567`` and
``+923001234567``), and never more than is safe (an e-mail's dots are only ignored where the
provider ignores them). Personal values are stored as a keyed hash (``core.pii.keyed_hash``)
with a masked label; ID numbers only ever enter as the keyed hash kyc already stores, never
in clear.

Anything that cannot be normalized yields no key (``None``) rather than a wrong link.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import phonenumbers
from stdnum import iban as stdnum_iban

from kyc.validation import InvalidValue, clean_device_id, clean_ip_address


class Kind:
    DEVICE = "device"
    IP = "ip"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    IBAN = "iban"
    ACCOUNT = "account"
    WALLET = "wallet"
    ID_NUMBER = "id_number"
    CUSTOMER = "customer"

    CHOICES = (
        (DEVICE, "Device"),
        (IP, "IP address"),
        (PHONE, "Phone"),
        (EMAIL, "E-mail"),
        (ADDRESS, "Address"),
        (IBAN, "IBAN"),
        (ACCOUNT, "Bank account"),
        (WALLET, "Wallet"),
        (ID_NUMBER, "ID number (hashed)"),
        (CUSTOMER, "Customer"),
    )
    # Kinds whose value is personal data: stored hashed, shown masked.
    PERSONAL = frozenset({PHONE, EMAIL, ADDRESS, ID_NUMBER})
    # External counterparties money flows to and from (nodes of their own in the view).
    COUNTERPARTIES = frozenset({WALLET, IBAN, ACCOUNT})


@dataclass(frozen=True)
class LinkKey:
    """A normalized identifier: ``value`` is what is compared, ``label`` what officers see."""

    kind: str
    value: str
    label: str


def device_key(value: str) -> LinkKey | None:
    try:
        device = clean_device_id(value)
    except InvalidValue:
        return None
    if not device:
        return None
    # Device ids are opaque tokens: only case and surrounding blanks are ignored.
    return LinkKey(Kind.DEVICE, device.lower(), device[:60])


def ip_key(value: str | None) -> LinkKey | None:
    """Only public addresses link customers: a private or loopback address (10.x, 192.168.x)
    is the exchange's own network or a home router, shared by strangers everywhere."""
    try:
        text = clean_ip_address(value)
    except InvalidValue:
        return None
    if text is None:
        return None
    address = ipaddress.ip_address(text)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if not address.is_global:
        return None
    return LinkKey(Kind.IP, str(address), str(address))


def phone_key(value: str, region: str = "PK") -> LinkKey | None:
    """E.164; a number that does not parse links nobody."""
    if not value or not value.strip():
        return None
    try:
        number = phonenumbers.parse(value.strip(), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return LinkKey(Kind.PHONE, e164, _mask_tail(e164, keep_head=4, keep_tail=3))


# Providers that deliver ``a.b+tag@`` to ``ab@`` (documented behaviour); elsewhere dots and
# tags may name different mailboxes, so only the case is folded.
_DOTS_IGNORED = frozenset({"gmail.com"})
_PLUS_TAGS = frozenset({"gmail.com", "outlook.com", "hotmail.com", "live.com", "icloud.com"})
_DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}


def email_key(value: str) -> LinkKey | None:
    text = (value or "").strip().lower()
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain:
        return None
    domain = _DOMAIN_ALIASES.get(domain, domain)
    if domain in _PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in _DOTS_IGNORED:
        local = local.replace(".", "")
    if not local:
        return None
    normalized = f"{local}@{domain}"
    return LinkKey(Kind.EMAIL, normalized, f"{local[:2]}***@{domain}")


_ABBREVIATIONS = {
    "house": "h",
    "hno": "h",
    "street": "st",
    "road": "rd",
    "block": "blk",
    "sector": "sec",
    "phase": "ph",
    "flat": "flt",
    "apartment": "apt",
    "number": "no",
    "mohallah": "mohalla",
    "mohalla": "mohalla",
    "colony": "col",
    "town": "tn",
}
_NOISE = re.compile(r"[^\w\s]", re.UNICODE)


def _address_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _NOISE.sub(" ", text)
    return [_ABBREVIATIONS.get(word, word) for word in text.split()]


def address_key(address: Mapping[str, Any] | None) -> LinkKey | None:
    """Line 1, line 2, city and country, case, punctuation and common abbreviations folded
    ("House # 12, Street 4" and "h 12 st 4" are one address). Without a first line there is no
    key: a city alone links half the country."""
    if not isinstance(address, Mapping):
        return None
    line1 = str(address.get("line1") or "")
    words = _address_words(line1)
    if not words:
        return None
    words += _address_words(str(address.get("line2") or ""))
    city = _address_words(str(address.get("city") or ""))
    country = str(address.get("country") or "PK").strip().upper()[:2]
    value = " ".join(words) + " | " + " ".join(city) + " | " + country
    label = f"{' '.join(words[:2])} … {' '.join(city).title()} {country}".strip()
    return LinkKey(Kind.ADDRESS, value, label)


def bank_account_key(account: str, bank: str = "") -> LinkKey | None:
    """An IBAN when the number is a valid one (check digits), else the bank's account number
    qualified by the bank's name (account numbers are only unique within a bank)."""
    compact = re.sub(r"[\s-]", "", account or "").upper()
    if not compact:
        return None
    if stdnum_iban.is_valid(compact):
        return LinkKey(Kind.IBAN, compact, stdnum_iban.format(compact))
    bank_part = " ".join(_address_words(bank))
    return LinkKey(Kind.ACCOUNT, f"{bank_part}|{compact}", f"{bank.strip()} {compact}".strip())


# Chains whose addresses are hexadecimal and case-insensitive (EIP-55 case is a checksum only).
_EVM_CHAINS = frozenset({"ethereum", "bsc", "polygon"})
_CHAIN_ALIASES = {
    "eth": "ethereum",
    "erc20": "ethereum",
    "btc": "bitcoin",
    "trx": "tron",
    "trc20": "tron",
    "bep20": "bsc",
    "bnb": "bsc",
    "matic": "polygon",
    "sol": "solana",
    "ltc": "litecoin",
}


def wallet_key(address: str, chain: str = "") -> LinkKey | None:
    """A wallet is an address on a chain: the same hex string on two EVM chains is two wallets.
    EVM and bech32 addresses are case-insensitive; base58 ones (TRON, legacy Bitcoin, Solana)
    are not, so their case is kept."""
    text = (address or "").strip()
    if not text:
        return None
    network = (chain or "").strip().lower()
    network = _CHAIN_ALIASES.get(network, network)
    if not network and re.fullmatch(r"0x[0-9a-fA-F]{40}", text):
        network = "evm"
    bech32 = network in {"bitcoin", "litecoin"} and text.lower().startswith(("bc1", "ltc1", "tb1"))
    if network in _EVM_CHAINS or network == "evm" or bech32:
        text = text.lower()
    network = network or "unknown"
    return LinkKey(Kind.WALLET, f"{network}:{text}", f"{network}:{_mask_tail(text, 8, 6)}")


def id_number_key(id_number_hash: str) -> LinkKey | None:
    """From kyc's keyed hash of the ID number (CNIC, NICOP, passport); never the number."""
    if not id_number_hash:
        return None
    return LinkKey(Kind.ID_NUMBER, id_number_hash, f"ID #{id_number_hash[:8]}")


def _mask_tail(text: str, keep_head: int, keep_tail: int) -> str:
    if len(text) <= keep_head + keep_tail + 1:
        return text
    return f"{text[:keep_head]}…{text[-keep_tail:]}"
