"""A bounded HTTP POST: the whole exchange, connect to last byte, ends within a deadline and
reads at most ``max_bytes``, so a counterparty that hangs or floods never holds a worker.

Standard library only (``http.client``); mutual TLS when a client certificate is configured.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_RESPONSE_BYTES = 256 * 1024


class TransportError(Exception):
    """The exchange did not complete (connection, TLS, timeout, oversized answer)."""


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: dict[str, str]
    body: bytes
    duration_ms: int


def _tls_context(client_cert: tuple[str, str] | None, ca_file: str) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=ca_file or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if client_cert:
        context.load_cert_chain(*client_cert)
    return context


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    client_cert: tuple[str, str] | None = None,
    ca_file: str = "",
    max_bytes: int = MAX_RESPONSE_BYTES,
) -> HttpAnswer:
    started = time.monotonic()
    deadline = started + timeout
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TransportError(f"not an http(s) URL: {url!r}")
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"

    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TransportError(f"no complete answer within {timeout:g} s")
        return left

    if parts.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname,
            parts.port,
            timeout=remaining(),
            context=_tls_context(client_cert, ca_file),
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=remaining())
    try:
        connection.request("POST", path, body=body, headers=headers)
        connection.sock.settimeout(remaining())
        response = connection.getresponse()
        chunks, size = [], 0
        while True:
            if connection.sock is not None:
                connection.sock.settimeout(remaining())
            chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise TransportError(f"answer larger than {max_bytes} bytes")
            chunks.append(chunk)
        return HttpAnswer(
            status=response.status,
            headers={k.lower(): v for k, v in response.getheaders()},
            body=b"".join(chunks),
            duration_ms=int((time.monotonic() - started) * 1000),
        )
    except (TimeoutError, OSError, http.client.HTTPException, ssl.SSLError) as exc:
        if time.monotonic() >= deadline or isinstance(exc, socket.timeout | TimeoutError):
            raise TransportError(f"no complete answer within {timeout:g} s") from None
        raise TransportError(f"{exc.__class__.__name__}: {exc}") from None
    finally:
        connection.close()
