"""Identifiers that confirm or rule out a name match: dates of birth, nationalities, ID numbers
(CNIC), and wallet addresses. Plain functions over strings, shared by the parsers and the matcher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- dates of birth ------------------------------------------------------------------------

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")
_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_TEXT_DATE = re.compile(r"^(?:(\d{1,2})\s+)?([a-z]{3,9})\.?\s+(\d{4})$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*(?:to|-|–|/)\s*(\d{4})$")


@dataclass(frozen=True, slots=True)
class BirthDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def exact(self) -> bool:
        return self.day is not None

    def __str__(self) -> str:
        if self.day is not None and self.month is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"


def parse_birth_date(text: str | None) -> BirthDate | None:
    """'1961-03-12', '1961', '1961-03', '12/03/1961', '12 Mar 1961', 'circa 1961'."""
    if not text:
        return None
    value = text.strip().lower().removeprefix("circa").removeprefix("approximately").strip()
    value = value.removeprefix("ca.").removeprefix("c.").strip()
    found = _ISO.match(value)
    if found:
        year, month, day = (int(g) if g else None for g in found.groups())
        return _valid(year, month, day)
    found = _DMY.match(value)
    if found:
        day, month, year = (int(g) for g in found.groups())
        return _valid(year, month, day)
    found = _TEXT_DATE.match(value)
    if found and found.group(2)[:3] in _MONTHS:
        day = int(found.group(1)) if found.group(1) else None
        return _valid(int(found.group(3)), _MONTHS[found.group(2)[:3]], day)
    return None


def _valid(year: int | None, month: int | None, day: int | None) -> BirthDate | None:
    if year is None or not 1850 <= year <= 2100:
        return None
    if month is not None and not 1 <= month <= 12:
        return BirthDate(year)
    if day is not None and not 1 <= day <= 31:
        return BirthDate(year, month)
    return BirthDate(year, month, day)


def birth_dates(text: str | None) -> list[str]:
    """Normalized dates ('YYYY-MM-DD', 'YYYY-MM' or 'YYYY') from a list's date text.

    A range of years ('1960 to 1962') gives each year; unreadable text gives nothing.
    """
    if not text:
        return []
    value = text.strip().lower().removeprefix("circa").strip()
    found = _YEAR_RANGE.match(value)
    if found:
        start, end = int(found.group(1)), int(found.group(2))
        if 0 <= end - start <= 10:
            return [str(y) for y in range(start, end + 1)]
    parsed = parse_birth_date(value)
    return [str(parsed)] if parsed else []


# --- nationalities ---------------------------------------------------------------------------

# fmt: off
COUNTRY_CODES: dict[str, str] = {
    "pakistan": "PK", "pakistani": "PK", "afghanistan": "AF", "afghan": "AF", "india": "IN",
    "indian": "IN", "iran": "IR", "iran (islamic republic of)": "IR", "iranian": "IR", "iraq": "IQ",
    "iraqi": "IQ", "saudi arabia": "SA", "saudi": "SA", "kingdom of saudi arabia": "SA",
    "united arab emirates": "AE", "uae": "AE", "emirati": "AE", "yemen": "YE", "yemeni": "YE",
    "syria": "SY", "syrian arab republic": "SY", "syrian": "SY", "egypt": "EG", "egyptian": "EG",
    "jordan": "JO", "kuwait": "KW", "qatar": "QA", "bahrain": "BH", "oman": "OM", "lebanon": "LB",
    "libya": "LY", "somalia": "SO", "sudan": "SD", "turkey": "TR", "turkiye": "TR", "türkiye": "TR",
    "uzbekistan": "UZ", "tajikistan": "TJ", "turkmenistan": "TM", "kazakhstan": "KZ",
    "kyrgyzstan": "KG", "bangladesh": "BD", "sri lanka": "LK", "nepal": "NP", "china": "CN",
    "russia": "RU", "russian federation": "RU", "united states": "US",
    "united states of america": "US", "usa": "US", "united kingdom": "GB", "uk": "GB",
    "united kingdom of great britain and northern ireland": "GB", "germany": "DE", "france": "FR",
    "malaysia": "MY", "indonesia": "ID", "philippines": "PH", "nigeria": "NG", "north korea": "KP",
    "democratic people's republic of korea": "KP", "south korea": "KR", "mali": "ML",
    "algeria": "DZ", "morocco": "MA", "tunisia": "TN", "palestine": "PS",
    "state of palestine": "PS", "maldives": "MV", "ethiopia": "ET", "kenya": "KE",
    "australia": "AU", "canada": "CA", "belgium": "BE", "netherlands": "NL", "spain": "ES",
    "italy": "IT", "sweden": "SE", "denmark": "DK", "norway": "NO", "azerbaijan": "AZ",
    "chechnya": "RU", "bosnia and herzegovina": "BA", "kosovo": "XK", "eritrea": "ER", "chad": "TD",
    "niger": "NE", "mauritania": "MR", "gambia": "GM", "senegal": "SN",
}
# fmt: on


def country_code(text: str | None) -> str:
    """ISO 3166 alpha-2 code for a country name or code; unknown names come back casefolded."""
    if not text:
        return ""
    value = text.strip()
    if len(value) == 2 and value.isalpha():
        return value.upper()
    return COUNTRY_CODES.get(value.casefold(), value.casefold())


# --- ID numbers ------------------------------------------------------------------------------

_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")


def normalize_id_number(text: str | None) -> str:
    """Comparable form of an ID number: a CNIC as its 13 digits, others upper-case alphanumerics."""
    if not text:
        return ""
    value = _NON_ALNUM.sub("", text).upper()
    return value


def is_cnic(normalized: str) -> bool:
    """A Pakistani CNIC/NICOP: 13 digits (printed 12345-1234567-1)."""
    return len(normalized) == 13 and normalized.isdigit()


def format_cnic(normalized: str) -> str:
    return (
        f"{normalized[:5]}-{normalized[5:12]}-{normalized[12]}"
        if is_cnic(normalized)
        else normalized
    )


# --- wallets ---------------------------------------------------------------------------------

# fmt: off
CHAIN_CODES: dict[str, str] = {
    "xbt": "BTC", "btc": "BTC", "bitcoin": "BTC", "eth": "ETH", "ethereum": "ETH", "erc20": "ETH",
    "usdt": "USDT", "usdc": "USDC", "trx": "TRX", "tron": "TRX", "trc20": "TRX", "ltc": "LTC",
    "litecoin": "LTC", "xmr": "XMR", "monero": "XMR", "bch": "BCH", "bsv": "BSV", "btg": "BTG",
    "zec": "ZEC", "dash": "DASH", "etc": "ETC", "xrp": "XRP", "ripple": "XRP", "bsc": "BSC",
    "bnb": "BSC", "bep20": "BSC", "arb": "ARB", "arbitrum": "ARB", "matic": "POLYGON",
    "polygon": "POLYGON", "sol": "SOL", "solana": "SOL", "xlm": "XLM", "xvg": "XVG", "ton": "TON",
}
# fmt: on
_EVM = re.compile(r"^0x[0-9a-fA-F]{40}$")
_BECH32 = re.compile(r"^(bc|tb|bcrt|ltc|tltc)1[02-9ac-hj-np-z]{6,87}$", re.IGNORECASE)
_CASHADDR = re.compile(r"^(bitcoincash|bchtest):[qp][02-9ac-hj-np-z]{40,}$", re.IGNORECASE)


def chain_code(text: str | None) -> str:
    if not text:
        return ""
    value = text.strip()
    if value.lower().startswith("digital currency address"):
        value = value.rsplit("-", 1)[-1]
    return CHAIN_CODES.get(value.strip().lower(), value.strip().upper())


def guess_chain(address: str) -> str:
    value = address.strip()
    if _EVM.match(value):
        return "ETH"
    if _BECH32.match(value):
        return "LTC" if value.lower().startswith(("ltc", "tltc")) else "BTC"
    if value[:1] in ("1", "3") and 25 <= len(value) <= 35:
        return "BTC"
    if value.startswith("T") and len(value) == 34:
        return "TRX"
    if value[:1] in ("L", "M") and 26 <= len(value) <= 35:
        return "LTC"
    if value[:1] in ("4", "8") and len(value) in (95, 106):
        return "XMR"
    if _CASHADDR.match(value):
        return "BCH"
    return ""


def normalize_address(address: str) -> str:
    """Comparable form: hex (EVM) and bech32 addresses are case-insensitive, so lower-cased;
    base58 addresses (legacy BTC, TRON, Monero...) are case-sensitive and kept exactly."""
    value = address.strip()
    if _EVM.match(value) or _BECH32.match(value) or _CASHADDR.match(value):
        return value.lower()
    return value
