"""TRP Travel Addresses: ``ta`` + Base58Check of the inquiry URL without its scheme, carrying
the ``t=i`` query parameter (TRP core specification 3.1, "Travel Address"). HTTPS is implied;
``http`` is accepted for localhost and the sandbox only.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .base58 import Base58Error, check_decode, check_encode

PREFIX = "ta"


class TravelAddressError(ValueError):
    pass


def encode(url: str) -> str:
    parts = urlsplit(url if "//" in url else f"//{url}")
    if not parts.hostname:
        raise TravelAddressError("the URL has no host")
    query = dict(parse_qsl(parts.query))
    query["t"] = "i"
    bare = urlunsplit(("", parts.netloc, parts.path, urlencode(query), "")).lstrip("/")
    return PREFIX + check_encode(bare.encode())


def decode(address: str) -> str:
    """The HTTPS URL of a travel address (``http`` for localhost), or ``TravelAddressError``."""
    if not address.startswith(PREFIX):
        raise TravelAddressError("a travel address starts with 'ta'")
    try:
        bare = check_decode(address[len(PREFIX) :]).decode()
    except (Base58Error, UnicodeDecodeError) as exc:
        raise TravelAddressError(f"not a travel address: {exc}") from None
    parts = urlsplit(f"//{bare}")
    if "://" in bare or not parts.hostname:
        raise TravelAddressError("a travel address carries host and path, without a scheme")
    if dict(parse_qsl(parts.query)).get("t") != "i":
        raise TravelAddressError("a travel address carries the query parameter t=i")
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    return urlunsplit(("http" if local else "https", parts.netloc, parts.path, parts.query, ""))
