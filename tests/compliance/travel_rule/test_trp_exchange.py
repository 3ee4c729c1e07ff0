"""TRP 3.1.0 over real HTTP on localhost.

A full exchange between two Nigraan roles (originating and beneficiary VASP) through the live
server's TRP endpoints; then a small threaded counterparty that misbehaves on purpose: a forged
answer signature, a hang, garbage, a 503 before recovering.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from travel_fixtures import *  # noqa: F403
from travel_fixtures import make_customer, peer_vasp, transfer_body

from compliance.travel_rule.models import Message, Transfer
from compliance.travel_rule.protocols import signing, travel_address, trp
from compliance.travel_rule.services import addresses, delivery
from core.actors import Actor

ACTOR = Actor.automated("tests")


@pytest.mark.django_db(transaction=True)
def test_a_full_exchange_between_two_nigraan_vasps_over_trp(live_server, settings, api_client):
    settings.TRAVEL_RULE_BASE_URL = live_server.url
    settings.TRAVEL_RULE_VASP_CODE = "peer-exchange"  # the key id both roles sign with
    peer_vasp(live_server.url)
    sender = make_customer(full_name="Ayesha Khan")
    receiver = make_customer(full_name="Bilal Ahmed")
    address, _ = addresses.issue_travel_address(
        customer=receiver, wallet_address="0xBeneficiaryDeposit01", actor=ACTOR
    )
    body = transfer_body(
        sender,
        counterparty_vasp=None,
        travel_address=address,
        beneficiary_wallet="0xBeneficiaryDeposit01",
    )
    response = api_client.post("/api/v1/travel-rule/transfers/", body, format="json")
    assert response.status_code == 201, response.json()
    # Sent on commit (eager task in tests), answered synchronously by the beneficiary role.
    outgoing = Transfer.objects.get(pk=response.json()["id"])
    assert outgoing.status == Transfer.Status.READY, (outgoing.reasons, outgoing.last_error)
    incoming = Transfer.objects.get(
        direction="incoming", request_identifier=outgoing.request_identifier
    )
    assert incoming.customer == receiver and incoming.status == Transfer.Status.ACCEPTED
    assert incoming.originator_name == "Ayesha Khan"
    received = incoming.messages.get(kind="inquiry")
    assert received.signature_valid is True and received.protocol_version == trp.API_VERSION
    answer = outgoing.messages.get(kind="resolution", direction="received")
    assert answer.http_status == 200 and answer.signature_valid is True

    confirmed = api_client.post(
        f"/api/v1/travel-rule/transfers/{outgoing.pk}/confirm/",
        {"txid": "0xfeedbeef"},
        format="json",
    )
    assert confirmed.status_code == 200, confirmed.json()
    incoming.refresh_from_db()
    assert incoming.txid == "0xfeedbeef"
    assert outgoing.messages.filter(
        kind="confirmation", direction="received", http_status=200
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_an_unsigned_or_forged_inquiry_is_refused_401(live_server, settings):
    import urllib.error
    import urllib.request

    settings.TRAVEL_RULE_BASE_URL = live_server.url
    receiver = make_customer()
    _, url = addresses.issue_travel_address(customer=receiver, wallet_address="w", actor=ACTOR)
    peer_vasp(live_server.url)
    body = b'{"asset":{},"amount":1,"callback":"http://x/cb","IVMS101":{}}'
    forged = signing.sign(
        Ed25519PrivateKey.generate(),
        "peer-exchange",
        "POST",
        url.split(live_server.url)[1],
        "r-1",
        body,
    )
    for extra in ({}, {"signature": forged}):
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "api-version": "3.1.0",
                "request-identifier": "r-1",
                "content-type": "application/json",
                **extra,
            },
        )
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=5)
        assert caught.value.code == 401
    assert not Transfer.objects.filter(direction="incoming").exists()


# -- a misbehaving counterparty ---------------------------------------------------------------

COUNTERPARTY_KEY = Ed25519PrivateKey.generate()
FORGER_KEY = Ed25519PrivateKey.generate()


class Counterparty(BaseHTTPRequestHandler):
    script: list[str] = []
    seen: list[dict] = []

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length)
        Counterparty.seen.append({"headers": dict(self.headers), "body": raw})
        mode = Counterparty.script.pop(0) if Counterparty.script else "approve"
        if mode == "hang":
            time.sleep(3)
            return
        if mode == "503":
            self._send(503, b"busy", COUNTERPARTY_KEY)
            return
        if mode == "garbage":
            self._send(200, b"<html>not json</html>", COUNTERPARTY_KEY)
            return
        body = json.dumps(
            {
                "version": "3.1.0",
                "approved": {
                    "address": json.loads(raw)["extensions"]["beneficiaryWallet"],
                    "callback": f"http://127.0.0.1:{self.server.server_port}/confirm",
                },
            }
        ).encode()
        self._send(200, body, FORGER_KEY if mode == "forged" else COUNTERPARTY_KEY)

    def _send(self, status: int, body: bytes, key) -> None:
        request_id = self.headers.get("request-identifier", "")
        path = self.path.split("?")[0]
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("request-identifier", request_id)
        self.send_header(
            "signature", signing.sign(key, "cp", trp.RESPONSE_METHOD, path, request_id, body)
        )
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def counterparty(db, settings):
    settings.TRAVEL_RULE_HTTP_TIMEOUT = "1"
    settings.TRAVEL_RULE_MAX_ATTEMPTS = "3"
    server = ThreadingHTTPServer(("127.0.0.1", 0), Counterparty)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Counterparty.script, Counterparty.seen = [], []
    endpoint = f"http://127.0.0.1:{server.server_port}"
    public = (
        COUNTERPARTY_KEY.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    peer_vasp(endpoint, code="cp", public_key=public)
    yield endpoint
    server.shutdown()
    server.server_close()


def awaiting_transfer(api_client, endpoint: str) -> Transfer:
    customer = make_customer()
    address = travel_address.encode(f"{endpoint}/trp/inquiry/abc/")
    body = transfer_body(customer, counterparty_vasp=None, travel_address=address)
    response = api_client.post("/api/v1/travel-rule/transfers/", body, format="json")
    assert response.json()["status"] == "awaiting_counterparty", response.json()
    return Transfer.objects.get(pk=response.json()["id"])


def test_the_inquiry_carries_the_trp_headers_and_a_valid_signature(counterparty, api_client):
    from compliance.travel_rule import conf

    transfer = awaiting_transfer(api_client, counterparty)
    assert delivery.deliver(transfer_id=transfer.pk) is None
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.READY
    seen = Counterparty.seen[0]
    headers = {k.lower(): v for k, v in seen["headers"].items()}
    assert headers["api-version"] == "3.1.0"
    assert headers["request-identifier"] == transfer.request_identifier
    assert headers["api-extensions"] == "message-signature"
    signing.verify(
        conf.public_key_pem(),
        headers["signature"],
        "POST",
        "/trp/inquiry/abc/",
        transfer.request_identifier,
        seen["body"],
    )
    sent = json.loads(seen["body"])
    assert sent["asset"] == {"slip0044": 60} and sent["amount"] == 4000
    assert sent["callback"].endswith(f"/trp/callback/{transfer.pk}/")


def test_a_forged_answer_signature_is_not_acted_on_nor_retried(counterparty, api_client):
    transfer = awaiting_transfer(api_client, counterparty)
    Counterparty.script = ["forged"]
    assert delivery.deliver(transfer_id=transfer.pk) is None
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.REVIEW and transfer.attempts == 1
    assert "answer signature" in transfer.reasons[-1]
    answer = transfer.messages.get(direction="received")
    assert answer.signature_valid is False


def test_a_hanging_counterparty_times_out_within_the_bound_and_is_retried(counterparty, api_client):
    transfer = awaiting_transfer(api_client, counterparty)
    Counterparty.script = ["hang"]
    started = time.monotonic()
    wait = delivery.deliver(transfer_id=transfer.pk)
    assert time.monotonic() - started < 2.0  # the 1 s bound, never the 3 s the peer sleeps
    assert wait == 2
    sent = transfer.messages.get()
    assert "no complete answer within 1 s" in sent.error
    assert delivery.deliver(transfer_id=transfer.pk) is None  # the next try gets through
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.READY and transfer.attempts == 2


def test_busy_then_garbage_then_approval_backs_off_exponentially(counterparty, api_client):
    transfer = awaiting_transfer(api_client, counterparty)
    Counterparty.script = ["503", "garbage"]
    assert delivery.deliver(transfer_id=transfer.pk) == 2
    assert delivery.deliver(transfer_id=transfer.pk) == 4
    assert delivery.deliver(transfer_id=transfer.pk) is None
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.READY and transfer.attempts == 3
    statuses = list(
        transfer.messages.filter(direction="received").values_list("http_status", flat=True)
    )
    assert statuses == [503, 200, 200]


def test_after_the_last_attempt_the_transfer_is_held_for_an_officer(counterparty, api_client):
    transfer = awaiting_transfer(api_client, counterparty)
    Counterparty.script = ["503", "503", "503"]
    assert delivery.deliver(transfer_id=transfer.pk) == 2
    assert delivery.deliver(transfer_id=transfer.pk) == 4
    assert delivery.deliver(transfer_id=transfer.pk) is None
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.REVIEW
    assert "gave up after retries" in transfer.reasons[-1]
    assert Message.objects.filter(transfer=transfer, direction="sent").count() == 3


@pytest.mark.worker
def test_a_real_worker_sends_retries_after_backoff_and_settles(
    real_worker, settings, make_api_client
):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Counterparty)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        Counterparty.script, Counterparty.seen = ["503"], []
        endpoint = f"http://127.0.0.1:{server.server_port}"
        public = (
            COUNTERPARTY_KEY.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        peer_vasp(endpoint, code="cp", public_key=public)
        worker = real_worker(
            queues="default", concurrency=1, extra_env={"TRAVEL_RULE_HTTP_TIMEOUT": "2"}
        )
        worker.wait_ready()
        transfer = awaiting_transfer(make_api_client(), endpoint)
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            transfer.refresh_from_db()
            if transfer.status != Transfer.Status.AWAITING:
                break
            time.sleep(0.5)
        assert transfer.status == Transfer.Status.READY, (transfer.reasons, worker.output())
        assert transfer.attempts == 2  # a 503, then the approval after the 2 s backoff
        assert len(Counterparty.seen) == 2
    finally:
        server.shutdown()
        server.server_close()
