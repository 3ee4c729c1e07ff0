"""Requests the platform makes to addresses an Admin configured (webhooks), made safe.

An endpoint URL must be ``https`` (``http`` only where ``WEBHOOK_ALLOW_HTTP`` is on, which it
is with ``DEBUG``), and its host must resolve only to public addresses (no loopback, private,
link-local - cloud metadata -, reserved or multicast ones; ``WEBHOOK_ALLOW_PRIVATE_ADDRESSES``
lifts that for development). The check runs when the URL is saved and again at every
delivery, and the connection goes to the very address that was checked, so a DNS answer that
changes in between (rebinding) cannot redirect it. Redirects are not followed. Failures are
told in a few fixed words, never with the network's own error text (which would make the
webhook form a port scanner).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings


class Refused(Exception):
    """The URL or the address it resolves to is not allowed."""


class Failed(Exception):
    """The request did not complete (connection, TLS, timeout)."""


def url_problems(url: str) -> list[str]:
    """What is wrong with ``url`` as a webhook target, without resolving it."""
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.WEBHOOK_ALLOW_HTTP else ("https",)
    problems = []
    if parts.scheme not in allowed:
        problems.append(f"The URL must start with {' or '.join(s + '://' for s in allowed)}.")
    if not parts.hostname:
        problems.append("The URL needs a host name.")
    if parts.username or parts.password:
        problems.append("The URL must not carry a user name or password.")
    return problems


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(url: str) -> str:
    """The address to connect to: every address the host resolves to must be allowed."""
    if problems := url_problems(url):
        raise Refused(" ".join(problems))
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise Refused("The host name does not resolve.") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise Refused("The host name does not resolve.")
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES and not all(_public(a) for a in addresses):
        raise Refused("The host resolves to an address that is not public.")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> int:
    """POST ``body``; the response status (a redirect is a status like any other)."""
    address = resolve(url)
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    connection_class = _PinnedHTTPS if secure else _PinnedHTTP
    connection = connection_class(parts.hostname, port, address, timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        return connection.getresponse().status
    except TimeoutError:
        raise Failed("Timed out.") from None
    except ssl.SSLError:
        raise Failed("TLS handshake failed.") from None
    except (OSError, http.client.HTTPException):
        raise Failed("Connection failed.") from None
    finally:
        connection.close()
