"""Mutual TLS to a counterparty (TRP's transport security): a server that demands our client
certificate answers when we present it and the handshake fails, retryably, when we do not."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import threading
from http.server import ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from test_trp_exchange import COUNTERPARTY_KEY, Counterparty
from travel_fixtures import *  # noqa: F403
from travel_fixtures import make_customer, peer_vasp, transfer_body

from compliance.travel_rule.models import Transfer
from compliance.travel_rule.services import delivery


def _cert(subject: str, key, issuer_key, issuer_name=None, *, ca=False, server=False):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name or name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _write(path, *items) -> str:
    data = b""
    for item in items:
        if isinstance(item, x509.Certificate):
            data += item.public_bytes(serialization.Encoding.PEM)
        else:
            data += item.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
    path.write_bytes(data)
    return str(path)


@pytest.fixture
def tls_counterparty(db, settings, tmp_path):
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("Test travel-rule CA", ca_key, ca_key, ca=True)
    server_key, client_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    server_cert = _cert("peer.test", server_key, ca_key, ca.subject, server=True)
    client_cert = _cert("nigraan.test", client_key, ca_key, ca.subject)
    files = {
        "ca": _write(tmp_path / "ca.pem", ca),
        "server": _write(tmp_path / "server.pem", server_cert, server_key),
        "client_cert": _write(tmp_path / "client.pem", client_cert),
        "client_key": _write(tmp_path / "client.key", client_key),
    }
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(files["server"])
    context.load_verify_locations(files["ca"])
    context.verify_mode = ssl.CERT_REQUIRED  # no client certificate, no connection
    server = ThreadingHTTPServer(("127.0.0.1", 0), Counterparty)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Counterparty.script, Counterparty.seen = [], []
    settings.TRAVEL_RULE_HTTP_TIMEOUT = "2"
    settings.TRAVEL_RULE_TLS_CA = files["ca"]
    public = (
        COUNTERPARTY_KEY.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    peer_vasp(
        f"https://127.0.0.1:{server.server_port}/trp/inquiry/abc/", code="cp", public_key=public
    )
    yield files
    server.shutdown()
    server.server_close()


def _awaiting(api_client) -> Transfer:
    body = transfer_body(make_customer(), counterparty_vasp="cp")
    response = api_client.post("/api/v1/travel-rule/transfers/", body, format="json")
    assert response.json()["status"] == "awaiting_counterparty", response.json()
    return Transfer.objects.get(pk=response.json()["id"])


def test_without_our_client_certificate_the_handshake_fails_and_is_retried(
    tls_counterparty, api_client
):
    transfer = _awaiting(api_client)
    assert delivery.deliver(transfer_id=transfer.pk) == 2
    sent = transfer.messages.get()
    assert "SSL" in sent.error or "certificate" in sent.error.lower(), sent.error
    assert Counterparty.seen == []


def test_with_our_client_certificate_the_exchange_completes(tls_counterparty, api_client, settings):
    settings.TRAVEL_RULE_TLS_CERT = tls_counterparty["client_cert"]
    settings.TRAVEL_RULE_TLS_KEY = tls_counterparty["client_key"]
    transfer = _awaiting(api_client)
    assert delivery.deliver(transfer_id=transfer.pk) is None
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.READY, (transfer.reasons, transfer.last_error)
