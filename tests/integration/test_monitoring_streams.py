"""The sample month through the REST API with a real worker: the same alerts in any order, and
after a worker is killed mid-stream.

The sample (`/work/shared/data/monitoring`: 200 customers, ~2,700 transactions, 8 planted
typologies) is streamed through `/transactions/bulk/` once per delivery, each delivery with its
own copies of the customers (external ids prefixed), into one database evaluated by a real
Celery worker on the broker. Customers are stored approved (the stream is what is under test,
not onboarding).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections
from rest_framework.test import APIClient

from compliance.monitoring import services
from compliance.monitoring.models import Alert, Transaction
from core.actors import Actor
from core.api_keys import create_api_key
from core.models import WebhookDelivery, WebhookEndpoint
from kyc.models import Customer, Tier
from reporting.models import Report
from reporting.services import generate_ctrs

pytestmark = pytest.mark.worker
SAMPLE = Path(os.environ.get("NIGRAAN_MONITORING_SAMPLE", "/work/shared/data/monitoring"))
CHUNK = 100  # transactions per bulk request
LIMIT = 1200  # the kill test streams the first 1,200 of the month twice (keeps it near a minute)
DOWN = "amqp://guest:guest@127.0.0.1:1//"  # nothing listens on port 1


@pytest.fixture
def own_queue(settings):
    from config.celery import app

    name = f"monitoring-streams-{os.getpid()}"
    settings.MONITORING_QUEUE = name
    yield name
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(name)


@pytest.fixture
def sample(transactional_db):
    call_command("import_watchlist", "--source", "csv", str(SAMPLE / "watchlist.csv"),
                 "--no-rescreen", verbosity=0)  # fmt: skip
    _, key = create_api_key(name="streams", scopes=["*"], actor=Actor.automated("tests"))
    return {
        "customers": json.loads((SAMPLE / "customers.json").read_text()),
        "transactions": json.loads((SAMPLE / "transactions.json").read_text()),
        "truth": json.loads((SAMPLE / "truth.json").read_text()),
        "key": key,
    }


def _customers(sample: dict, prefix: str) -> None:
    tier = Tier.objects.get(code="enhanced")
    Customer.objects.bulk_create(
        [
            Customer(
                external_id=prefix + body["external_id"],
                full_name=body["full_name"],
                status="approved",
                risk_level="low",
                tier=tier,
                approved_at=datetime(2026, 9, 1, tzinfo=UTC),
                expected_monthly_turnover_pkr=Decimal(body["expected_monthly_turnover_pkr"]),
                nationality=body["nationality"],
                country_of_residence=body["country_of_residence"],
            )
            for body in sample["customers"]
        ]
    )


def _stream(
    sample: dict, prefix: str, order: str, clients: int = 1, kill=None, limit=None, hooks=None
) -> None:
    """POST the month (its first ``limit`` transactions) in ``order`` (time, reversed,
    shuffled) from ``clients`` threads, CHUNK per request; ``kill()`` runs in a thread of its
    own a third of the way in; ``hooks[i]()`` runs before request ``i``."""
    _customers(sample, prefix)
    bodies = [
        {**b, "external_id": prefix + b["external_id"], "customer": prefix + b["customer"]}
        for b in sample["transactions"][:limit]
    ]
    bodies.sort(key=lambda b: (b["occurred_at"], b["external_id"]))
    if order == "reversed":
        bodies.reverse()
    elif order == "shuffled":
        random.Random(12).shuffle(bodies)
    chunks = [bodies[i : i + CHUNK] for i in range(0, len(bodies), CHUNK)]
    queue = list(enumerate(chunks))
    lock, failures, killers = threading.Lock(), [], []

    def client() -> None:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Api-Key {sample['key']}")
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    index, chunk = queue.pop(0)
                if hooks and index in hooks:
                    hooks[index]()
                if kill is not None and index == len(chunks) // 3:
                    killers.append(threading.Thread(target=kill))
                    killers[-1].start()
                response = api.post("/api/v1/transactions/bulk/", {"transactions": chunk}, "json")
                statuses = {r["status"] for r in response.json()["results"]}
                if response.status_code != 200 or statuses != {"created"}:
                    failures.append((response.status_code, statuses))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads + killers:
        thread.join()
    assert not failures, failures[:3]


def _wait_screened(prefix: str, worker_output, deadline_s: float = 120) -> int:
    """Until nothing of this delivery is pending; a stall of 4 s runs the sweeper, as beat
    would (after a killed worker the broker redelivers, and the sweeper is the safety net)."""
    rows = Transaction.objects.filter(external_id__startswith=prefix, status="pending")
    deadline, last, moved = time.monotonic() + deadline_s, -1, time.monotonic()
    swept = 0
    while (left := rows.count()) and time.monotonic() < deadline:
        if left != last:
            last, moved = left, time.monotonic()
        elif time.monotonic() - moved > 4:
            swept += services.sweep_pending(older_than=timedelta(0))
            moved = time.monotonic()
        time.sleep(0.2)
    assert not rows.exists(), worker_output()[-3000:]
    return swept


@contextlib.contextmanager
def _broker_at(url: str):
    """Enqueue through the broker at ``url`` (a port where nothing listens: the broker is
    down) for a while, then through the real one again."""
    from config.celery import app

    saved = app.conf.broker_url, app.conf.broker_write_url

    def point(read: str, write: str | None) -> None:
        app.conf.broker_url, app.conf.broker_write_url = read, write
        app._pool = None  # the connection and producer pools are keyed by the URL
        app.amqp._producer_pool = None

    point(url, url)
    try:
        yield
    finally:
        point(*saved)


def _names(prefix: str) -> dict[str, str]:
    names = {
        str(pk): ext[len(prefix) :]
        for pk, ext in Customer.objects.filter(external_id__startswith=prefix).values_list(
            "id", "external_id"
        )
    }
    names.update(
        (str(pk), ext[len(prefix) :])
        for pk, ext in Transaction.objects.filter(external_id__startswith=prefix).values_list(
            "id", "external_id"
        )
    )
    return names


def _plain(text: str, names: dict[str, str]) -> str:
    for uid, name in names.items():
        if uid in text:
            text = text.replace(uid, name)
    return text


def _alerts(prefix: str) -> set:
    """(rule, customer, episode, transactions) of the open alerts, ids as the sample's."""
    names = _names(prefix)
    links = defaultdict(set)
    alerts = Alert.objects.filter(
        customer__external_id__startswith=prefix, is_shadow=False, superseded=""
    ).select_related("rule")
    for alert_id, tx_id in Alert.transactions.through.objects.filter(alert__in=alerts).values_list(
        "alert_id", "transaction_id"
    ):
        links[alert_id].add(names[str(tx_id)])
    out = set()
    for a in alerts:
        assert a.status == Alert.Status.OPEN
        out.add((a.rule.code, names[str(a.customer_id)], _plain(a.dedupe_key, names),
                 frozenset(links[a.pk])))  # fmt: skip
    return out


def _quality(alerts: set, truth: dict) -> dict[str, tuple]:
    """Per typology: (planted, alerted, recall, precision) by customer."""
    typology = {
        "PK-STRUCTURING-CTR": "STRUCTURING", "PK-LARGE-CASH-CTR": "LARGE_CASH",
        "PK-RAPID-MOVEMENT": "RAPID_MOVEMENT", "PK-SANCTIONED-COUNTERPARTY":
        "SANCTIONED_COUNTERPARTY", "PK-PROFILE-DEVIATION": "PROFILE_DEVIATION",
        "PK-TRAVEL-RULE": "TRAVEL_RULE_MISSING", "PK-FAN-IN": "FAN_IN",
        "PK-FATF-CALL-FOR-ACTION": "HIGH_RISK_JURISDICTION",
        "PK-FATF-INCREASED-MONITORING": "HIGH_RISK_JURISDICTION", "PK-TIER-LIMIT": "TIER_LIMIT",
    }  # fmt: skip
    flagged = defaultdict(set)
    for rule, customer, _, _ in alerts:
        flagged[typology.get(rule, rule)].add(customer)
    out = {}
    for code in sorted(set(flagged) | {t for ts in truth.values() for t in ts}):
        planted = {c for c, ts in truth.items() if code in ts}
        hit = flagged[code]
        out[code] = (
            len(planted), len(hit),
            round(len(planted & hit) / len(planted), 3) if planted else None,
            round(len(planted & hit) / len(hit), 3) if hit else None,
        )  # fmt: skip
    return out


def test_the_sample_month_gives_the_same_alerts_in_time_order_reversed_and_shuffled(
    sample, own_queue, real_worker
):
    worker = real_worker(queues=own_queue, concurrency=2)
    runs = {}
    for prefix, order, clients in (
        ("TO-", "time", 1),
        ("RV-", "reversed", 1),
        ("SH-", "shuffled", 4),
    ):
        started = time.monotonic()
        _stream(sample, prefix, order, clients)
        _wait_screened(prefix, worker.output)
        runs[order] = _alerts(prefix)
        quality = _quality(runs[order], sample["truth"])
        per_rule = Counter(rule for rule, *_ in runs[order])
        print(f"{order}: {len(runs[order])} alerts in {time.monotonic() - started:.1f} s, "
              f"{dict(sorted(per_rule.items()))}\n  quality {quality}")  # fmt: skip
        runs[order + " quality"] = quality

    assert runs["time"], "the planted month must raise alerts"
    assert runs["reversed"] == runs["time"]
    assert runs["shuffled"] == runs["time"]
    assert runs["reversed quality"] == runs["shuffled quality"] == runs["time quality"]
    planted = {c: q for c, q in runs["time quality"].items() if q[0]}
    assert all(q[2] == 1.0 for q in planted.values()), planted  # every planted customer found


def _pool(worker) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == worker.process.pid:
                found.append(int(entry.name))
    return found


def _in_flight() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state = 'idle in transaction' "
            "AND backend_type = 'client backend'"
        )
        return cursor.fetchone()[0] > 0


def _effects(prefix: str) -> dict:
    """Alerts, webhooks (event type and what they name) and CTR drafts, ids as the sample's."""
    names = _names(prefix)
    webhooks = Counter()
    alert_names = {
        str(a.pk): (a.rule.code, _plain(a.dedupe_key, names))
        for a in Alert.objects.filter(customer__external_id__startswith=prefix).select_related(
            "rule"
        )
    }
    for event, body in WebhookDelivery.objects.values_list("event_type", "body"):
        data = json.loads(body)["data"]
        if event == "transaction.screened" and data["external_id"].startswith(prefix):
            webhooks[(event, names[data["id"]])] += 1
        elif event == "alert.created" and data["id"] in alert_names:
            webhooks[(event, alert_names[data["id"]])] += 1
    ctrs = Counter(
        names[origin.split(":", 1)[1]]
        for origin in Report.objects.filter(
            kind="CTR", customer__external_id__startswith=prefix
        ).values_list("origin", flat=True)
    )
    return {"alerts": _alerts(prefix), "webhooks": webhooks, "ctrs": ctrs}


def test_a_worker_killed_mid_stream_changes_no_alert_webhook_or_ctr(
    sample, own_queue, real_worker, settings
):
    settings.MONITORING_BATCH_SIZE = 50
    WebhookEndpoint.objects.create(
        name="exchange", url="http://127.0.0.1:9/hooks", secret="s" * 32, is_active=True
    )
    queues = f"{own_queue},reports"
    worker = real_worker(queues=queues, concurrency=2)
    _stream(sample, "CL-", "time", limit=LIMIT)
    _wait_screened("CL-", worker.output)
    chunks = range(0, LIMIT, CHUNK)

    killed = []

    def kill() -> None:  # SIGKILL the worker and its pool while a batch holds its transaction
        try:
            deadline = time.monotonic() + 20
            while not _in_flight() and time.monotonic() < deadline:
                time.sleep(0.005)
            for pid in _pool(worker):
                os.kill(pid, signal.SIGKILL)
            worker.kill()
            screened = Transaction.objects.filter(external_id__startswith="KL-", status="screened")
            killed.append(screened.count())
        finally:
            connections.close_all()

    outage = contextlib.ExitStack()
    hooks = {  # while the worker is dead, the broker goes down for a sixth of the stream
        len(chunks) // 2: lambda: outage.enter_context(_broker_at(DOWN)),
        2 * len(chunks) // 3: outage.close,
    }
    _stream(sample, "KL-", "time", kill=kill, limit=LIMIT, hooks=hooks)
    outage.close()
    assert killed, "the kill must land mid-stream"
    second = real_worker(queues=queues, concurrency=2)
    swept = _wait_screened("KL-", second.output)
    assert swept > 0, "what was not enqueued during the outage comes back through the sweeper"
    # CTR drafts are their own tasks on the reports queue. One the killed worker had taken
    # comes back only after the broker's visibility timeout; beat's CTR sweep is the safety
    # net, so a stall of 10 s runs it, as beat would.
    started = time.monotonic()
    while time.monotonic() < started + 60:
        clean, after_kill = _effects("CL-"), _effects("KL-")
        if sum(after_kill["ctrs"].values()) >= sum(clean["ctrs"].values()):
            break
        if time.monotonic() > started + 10:  # as of the sample month, so its look-back holds it
            generate_ctrs(now=datetime(2026, 11, 1, tzinfo=UTC))
        time.sleep(0.5)

    assert clean["alerts"] and clean["ctrs"] and clean["webhooks"]
    assert after_kill["alerts"] == clean["alerts"]
    assert after_kill["webhooks"] == clean["webhooks"]
    assert set(after_kill["webhooks"].values()) == {1}  # each event queued once
    assert after_kill["ctrs"] == clean["ctrs"] and set(after_kill["ctrs"].values()) == {1}
    assert not Transaction.objects.filter(status="pending").exists()
    hooks, ctrs = sum(clean["webhooks"].values()), len(clean["ctrs"])
    print(f"killed with {killed[0]} screened; {len(clean['alerts'])} alerts, {hooks} webhooks, "
          f"{ctrs} CTRs alike")  # fmt: skip
