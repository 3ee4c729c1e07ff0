"""Transaction monitoring benchmark, through the API with real workers.

1. Quality on the sample (`/work/shared/data/monitoring`): the watchlist is imported with
   `import_watchlist`, the 200 customers are created and submitted through `/customers/`
   (onboarding decides them), the ~2,700 transactions go through `/transactions/bulk/`, and once
   every one is screened the alerts are read from `/alerts/`. Per planted typology: recall
   (planted customers alerted with it) and precision (of customers alerted with it, the share
   where it was planted); and the share of clean customers with any alert.
2. Speed on synthetic data (default 20,000 transactions of 400 customers over 30 days; set
   `MONITORING_BENCH_TRANSACTIONS=100000` or `--transactions 100000` for the full size), in three
   deliveries of the same month, each with its own copy of the customers: in time order,
   shuffled, and in time order with 10 % of the transactions arriving one day late. For each:
   ingest rate through `/transactions/bulk/` (1,000 per request, several clients), end-to-end
   rate (first POST until every transaction is screened), and the alerts per typology (which
   must be the same in the three). Beside them, on the same machine, the raw PostgreSQL insert
   rate of the same rows into a copy of the table (COPY, 1,000 rows per transaction) as the
   yardstick, and the cost of late re-evaluation (late vs time order).
3. `/transactions/check/` latency, p50 and p99, with 1 and with 50 concurrent clients.

    .venv/bin/python bench/monitoring.py [--sample DIR] [--transactions 20000]
        [--customers N] [--clients 4] [--checks 1000] [--skip-quality] [--skip-speed]
        [--skip-check] [--keep-db]

It runs in its own database (`<DATABASE_URL name>_bench_<name>`, dropped at the end unless
--keep-db) and its own RabbitMQ virtual host, `<name>` being `monitoring` or
`NIGRAAN_BENCH_NAME` (two people benchmarking on one machine give different names). Processes: gunicorn (3 workers x 4 threads), a
Celery worker for `monitoring` (-c 2) and one for the other queues (-c 1), all on this machine;
the benchmark's HTTP clients run here too and take their share of the CPU.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from isolation import celery_worker, free_port, isolated_run, running, web_server

SAMPLE = Path(os.environ.get("NIGRAAN_MONITORING_SAMPLE", "/work/shared/data/monitoring"))
SEED = 20261001
PLANTED = (
    "STRUCTURING",
    "LARGE_CASH",
    "RAPID_MOVEMENT",
    "SANCTIONED_COUNTERPARTY",
    "PROFILE_DEVIATION",
    "TRAVEL_RULE_MISSING",
    "FAN_IN",
    "HIGH_RISK_JURISDICTION",
)


# --- the server and workers ----------------------------------------------------------------------


def processes(
    env: dict, port: int, logdir: Path, web: tuple[int, int]
) -> contextlib.AbstractContextManager[None]:
    """gunicorn and two Celery workers, stopped (by their own pid) on the way out."""
    return running(
        {
            "monitoring-worker": celery_worker("monitoring", 2, "bench-monitoring@%h"),
            "other-worker": celery_worker(
                "default,screening,network,reports,webhooks", 1, "bench-other@%h"
            ),
            "server": web_server(port, *web, backlog=2048),
        },
        env=env,
        logdir=logdir,
    )


def wait_until_ready(client: Api, deadline_s: float = 120) -> None:
    from config.celery import app

    deadline = time.monotonic() + deadline_s
    server_up = workers = False
    while time.monotonic() < deadline and not (server_up and workers):
        if not server_up:
            with contextlib.suppress(OSError, http.client.HTTPException):
                server_up = client.get("/whoami/")[0] == 200
        if not workers:
            workers = len(app.control.ping(timeout=1.0)) >= 2
        time.sleep(0.3)
    if not (server_up and workers):
        raise SystemExit(f"not ready: server={server_up} workers={workers} (see the logs)")


class Api:
    """A small keep-alive HTTP client (one per thread): less client CPU than requests."""

    def __init__(self, port: int, key: str):
        self.port = port
        self.headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
        self.local = threading.local()

    def _conn(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        return conn

    def request(self, method: str, path: str, body=None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(2):
            conn = self._conn()
            try:
                conn.request(method, "/api/v1" + path, body=data, headers=self.headers)
                response = conn.getresponse()
                raw = response.read()
                return response.status, (json.loads(raw) if raw else {})
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                self.local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str) -> tuple[int, dict]:
        return self.request("GET", path)

    def post(self, path: str, body) -> tuple[int, dict]:
        return self.request("POST", path, body)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def pending() -> int:
    from compliance.monitoring.models import Transaction

    return Transaction.objects.filter(status=Transaction.Status.PENDING).count()


SWEEPS: list[int] = []


def wait_screened(deadline_s: float, stall_s: float = 60) -> float:
    """Until nothing is pending. If nothing moves for ``stall_s`` the sweeper runs, as beat
    would in production; each such sweep is reported (it means a batch was lost)."""
    from compliance.monitoring.services import sweep_pending

    deadline = time.monotonic() + deadline_s
    last, moved = pending(), time.monotonic()
    while time.monotonic() < deadline:
        left = pending()
        if left == 0:
            return time.perf_counter()
        if left != last:
            last, moved = left, time.monotonic()
        elif time.monotonic() - moved > stall_s:
            SWEEPS.append(sweep_pending(older_than=timedelta(0)))
            moved = time.monotonic()
        time.sleep(0.05)
    raise SystemExit(f"{pending()} transactions still pending after {deadline_s:.0f} s")


def post_bulk(api: Api, bodies: list[dict], clients: int) -> dict:
    """Bodies in order, 1,000 per request, from ``clients`` threads; per-item outcomes."""
    chunks = [bodies[i : i + 1000] for i in range(0, len(bodies), 1000)]
    outcome: Counter = Counter()
    lock = threading.Lock()

    def send(chunk: list[dict]) -> None:
        status, body = api.post("/transactions/bulk/", {"transactions": chunk})
        with lock:
            if status != 200:
                outcome[f"http {status}"] += len(chunk)
                return
            outcome.update(r["status"] for r in body["results"])

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(send, chunks))
    return {"started": started, "ended": time.perf_counter(), "outcome": outcome}


# --- 1. quality on the sample --------------------------------------------------------------------


def bench_quality(api: Api, sample: Path) -> dict:
    from django.core.management import call_command

    from kyc.models import Customer

    call_command("import_watchlist", "--source", "csv", str(sample / "watchlist.csv"),
                 "--no-rescreen", verbosity=0)  # fmt: skip
    customers = json.loads((sample / "customers.json").read_text())
    transactions = json.loads((sample / "transactions.json").read_text())
    truth: dict[str, list[str]] = json.loads((sample / "truth.json").read_text())

    def onboard(body: dict) -> str:
        status, created = api.post("/customers/", body)
        if status not in (200, 201):
            return f"create {status}: {str(created)[:200]}"
        status, _ = api.post(f"/customers/{created['id']}/submit/", {})
        return "" if status == 202 else f"submit {status}"

    with ThreadPoolExecutor(max_workers=8) as pool:
        failures = [f for f in pool.map(onboard, customers) if f]
    ids = [c["external_id"] for c in customers]
    deadline = time.monotonic() + 300
    decided = Customer.objects.filter(
        external_id__in=ids, status__in=("approved", "in_review", "rejected")
    )
    while decided.count() < len(ids) - len(failures) and time.monotonic() < deadline:
        time.sleep(0.2)
    statuses = Counter(
        Customer.objects.filter(external_id__in=ids).values_list("status", flat=True)
    )
    posted = post_bulk(api, transactions, clients=1)
    finished = wait_screened(600)

    alerted: dict[str, set[str]] = defaultdict(set)
    by_id = dict(Customer.objects.filter(external_id__in=ids).values_list("id", "external_id"))
    path = "/alerts/?page_size=500"
    while path:
        status, page = api.get(path)
        assert status == 200, page
        for alert in page["results"]:
            alerted[by_id[uuid.UUID(alert["customer"])]].add(alert["typology"])
        path = page["next"].split("/api/v1", 1)[1] if page["next"] else None

    planted = {ext: set(typologies) for ext, typologies in truth.items()}
    clean = [ext for ext in ids if ext not in planted]
    rows = {}
    for typology in sorted(set(PLANTED) | {t for ts in alerted.values() for t in ts}):
        with_it = {ext for ext in ids if typology in planted.get(ext, ())}
        flagged = {ext for ext, ts in alerted.items() if typology in ts}
        rows[typology] = {
            "planted": len(with_it),
            "alerted": len(flagged),
            "recall": len(with_it & flagged) / len(with_it) if with_it else None,
            "precision": len(with_it & flagged) / len(flagged) if flagged else None,
            "missed": sorted(with_it - flagged),
            "false": sorted(flagged - with_it),
        }
    clean_alerted = [ext for ext in clean if alerted.get(ext)]
    return {
        "customers": len(ids),
        "customer_failures": failures,
        "statuses": dict(statuses),
        "transactions": len(transactions),
        "outcome": posted["outcome"],
        "screened_s": finished - posted["started"],
        "typologies": rows,
        "clean": len(clean),
        "clean_alerted": clean_alerted,
        "clean_alert_typologies": Counter(t for ext in clean_alerted for t in alerted[ext]),
    }


# --- 2. speed on synthetic data ---------------------------------------------------------------


def synthetic_customers(n: int, prefix: str = "SYN-") -> list[tuple[str, Decimal]]:
    """n approved customers stored directly (the benchmark is about transactions)."""
    from kyc.models import Customer, Tier

    rng = random.Random(SEED)
    tier = Tier.objects.get(code="enhanced")
    onboarded = datetime(2026, 1, 10, tzinfo=UTC)
    rows, out = [], []
    for i in range(n):
        turnover = Decimal(rng.choice(["150000", "400000", "1000000", "3000000", "8000000"]))
        rows.append(
            Customer(
                external_id=f"{prefix}{i:06d}", full_name=f"Synthetic Customer {i}",
                status="approved", risk_level="low", tier=tier, approved_at=onboarded,
                expected_monthly_turnover_pkr=turnover, nationality="PK",
                country_of_residence="PK",
            )
        )  # fmt: skip
        out.append((f"{prefix}{i:06d}", turnover))
    Customer.objects.bulk_create(rows, batch_size=2000)
    return out


def synthetic_transactions(
    customers: list[tuple[str, Decimal]], total: int, prefix: str = "SYN-"
) -> list[dict]:
    """A month of ordinary activity (deposits about half the declared turnover, trades,
    withdrawals days later, crypto transfers with travel-rule data), in time order; about 1%
    of customers also structure cash under the CTR threshold."""
    rng = random.Random(SEED + 1)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    per_customer = max(total // len(customers), 1)
    bodies: list[dict] = []
    serial = 0

    def body(ext, kind, channel, pkr, at, **extra) -> dict:
        nonlocal serial
        serial += 1
        amount = f"{pkr:.2f}"
        item = {"external_id": f"{prefix}TX-{serial:08d}", "customer": ext, "kind": kind,
                "channel": channel, "asset": "PKR", "amount": amount, "amount_pkr": amount,
                "occurred_at": at.isoformat()}  # fmt: skip
        if channel == "crypto":
            item["asset"], item["amount"] = "USDT", f"{pkr / Decimal('280.5'):.6f}"
        item.update(extra)
        return item

    for index, (ext, turnover) in enumerate(customers):
        # Each delivery's customers are copies: their own accounts, or the copies would share
        # one account and the network rules would see a ring of them.
        account = f"{sum(map(ord, prefix)) % 10}{index:015d}"
        bank = {"name": f"Own account {ext}", "iban": f"PK{index % 100:02d}MEZN{account}",
                "bank": "Meezan Bank", "country": "PK"}  # fmt: skip
        count = per_customer if index < len(customers) - 1 else total - len(bodies)
        if index % 100 == 7:  # planted: three cash deposits just under the CTR threshold
            for hours, amount in ((3, "1850000"), (30, "1920000"), (55, "1960000")):
                at = start + timedelta(days=12, hours=hours)
                bodies.append(body(ext, "deposit", "cash", Decimal(amount), at))
            count -= 3
        deposits = max(count // 4, 1)
        each = turnover / 2 / deposits
        for k in range(count):
            at = start + timedelta(seconds=rng.randrange(29 * 86400))
            roll = k % 4
            pkr = (each * Decimal(rng.randint(50, 150)) / 100).quantize(Decimal("0.01"))
            if roll == 0:
                bodies.append(body(ext, "deposit", "bank", pkr, at, counterparty=bank))
            elif roll == 1:
                bodies.append(body(ext, "trade_buy", "internal", pkr, at))
            elif roll == 2:
                bodies.append(body(ext, "trade_sell", "internal", pkr * Decimal("0.6"), at))
            elif rng.random() < 0.5:
                bodies.append(body(ext, "withdrawal", "bank", pkr * Decimal("0.4"), at,
                                   counterparty=bank))  # fmt: skip
            else:
                wallet = f"T{rng.randrange(10**30):030d}"
                bodies.append(
                    body(ext, "transfer_out", "crypto", pkr * Decimal("0.3"), at,
                         counterparty={"wallet_address": wallet, "chain": "TRON",
                                       "vasp_name": "Binance", "country": "AE"},
                         beneficiary={"name": f"Recipient {k}", "wallet_address": wallet})
                )  # fmt: skip
    bodies.sort(key=lambda b: b["occurred_at"])
    return bodies[:total]


def raw_insert_rate(bodies: list[dict], customer_ids: dict[str, uuid.UUID]) -> dict:
    """The same rows COPYed into an identical scratch table (indexes included), 1,000 rows per
    transaction: what PostgreSQL alone does on this machine."""
    from django.db import connection
    from psycopg.types.json import Jsonb

    from compliance.monitoring.intake import parse_transaction
    from compliance.monitoring.models import Transaction
    from compliance.monitoring.services.ingest import _values

    now = datetime.now(UTC)
    rows = []
    fields = Transaction._meta.concrete_fields
    names = [f.attname for f in fields]
    json_columns = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    for body in bodies:
        data = parse_transaction(body)
        values = _values(data, customer_ids[data.customer_ref], uuid.uuid4().hex, now)
        values["external_id"] = "RAW-" + values["external_id"]
        rows.append([Jsonb(values[n]) if n in json_columns else values[n] for n in names])
    columns = ", ".join(f.column for f in fields)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_tx")
        cursor.execute("CREATE TABLE bench_raw_tx (LIKE monitoring_transaction INCLUDING ALL)")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), 1000):
            with cursor.cursor.copy(f"COPY bench_raw_tx ({columns}) FROM STDIN") as copy:
                for row in rows[offset : offset + 1000]:
                    copy.write_row(row)
    copy_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw_tx")
    return {"rows": len(rows), "copy_s": copy_s}


SCENARIOS = {"time order": "SYN-", "shuffled": "SYS-", "10% one day late": "SYL-"}


def arrival(bodies: list[dict], scenario: str) -> list[dict]:
    """The order the exchange sends the month in."""
    rng = random.Random(SEED + 3)
    if scenario == "shuffled":
        out = bodies[:]
        rng.shuffle(out)
        return out
    if scenario == "10% one day late":
        late = {b["external_id"] for b in bodies if rng.random() < 0.10}

        def sent_at(b: dict) -> datetime:
            at = datetime.fromisoformat(b["occurred_at"])
            return at + timedelta(days=1) if b["external_id"] in late else at

        return sorted(bodies, key=sent_at)
    return bodies


def bench_speed(api: Api, n_tx: int, n_customers: int, clients: int) -> dict:
    from django.db.models import Count

    from compliance.monitoring.models import Alert
    from kyc.models import Customer

    out: dict = {"transactions": n_tx, "customers": n_customers, "clients": clients, "runs": {}}
    for scenario, prefix in SCENARIOS.items():
        # Each delivery starts on a quiet machine: the link analysis and case grouping the
        # previous one queued would otherwise bill the next for its work.
        wait_idle()
        customers = synthetic_customers(n_customers, prefix)
        bodies = synthetic_transactions(customers, n_tx, prefix)
        posted = post_bulk(api, arrival(bodies, scenario), clients)
        finished = wait_screened(3600)
        per_typology = dict(
            Alert.objects.filter(customer__external_id__startswith=prefix, superseded="")
            .values_list("typology")
            .annotate(n=Count("id"))
            .order_by("typology")
        )
        out["runs"][scenario] = {
            "outcome": posted["outcome"],
            "created": posted["outcome"].get("created", 0),
            "ingest_s": posted["ended"] - posted["started"],
            "end_to_end_s": finished - posted["started"],
            "alerts": per_typology,
            "merged": Alert.objects.filter(
                customer__external_id__startswith=prefix, superseded="merged"
            ).count(),
        }
        if "raw" not in out:
            ids = dict(
                Customer.objects.filter(external_id__startswith=prefix).values_list(
                    "external_id", "id"
                )
            )
            out["raw"] = raw_insert_rate(bodies, ids)
    return out


# --- 3. synchronous check latency --------------------------------------------------------------


def _waiting(connection, queue: str) -> int:
    """Messages waiting in ``queue``; a queue nobody declared yet holds none (a channel of its
    own: a broker may close the channel that asked about a missing queue)."""
    from amqp.exceptions import ChannelError

    channel = connection.channel()
    try:
        return channel.queue_declare(queue, passive=True).message_count
    except ChannelError:
        return 0
    finally:
        with contextlib.suppress(Exception):
            channel.close()


def wait_idle(deadline_s: float = 300) -> None:
    """Let the background work the ingest caused (case grouping, CTR drafts, webhooks) finish,
    so the check is timed on a quiet machine, as it would be between bursts."""
    from config.celery import app

    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        with app.connection_for_write() as conn:
            waiting = sum(
                _waiting(conn, name)
                for name in ("default", "screening", "network", "reports", "webhooks", "monitoring")
            )
        busy = any((app.control.inspect(timeout=1.0).active() or {}).values())
        if not waiting and not busy:
            return
        time.sleep(0.5)


def bench_check(api: Api, total: int) -> dict:
    from compliance.monitoring.models import CheckAttempt
    from kyc.models import Customer

    approved = Customer.objects.filter(status=Customer.Status.APPROVED)
    synthetic = approved.filter(external_id__startswith="SYN-")  # from the speed part
    customers = list(
        (synthetic if synthetic.exists() else approved).values_list("external_id", flat=True)[:500]
    )
    rng = random.Random(SEED + 2)
    serial = itertools.count()  # each check its own external_id, across the warm-up and phases

    def one(i: int) -> float:
        ext = customers[i % len(customers)]
        amount = f"{rng.randint(5, 400) * 1000}.00"
        body = {"external_id": f"CHK-{next(serial)}", "customer": ext, "kind": "withdrawal",
                "channel": "bank", "asset": "PKR", "amount": amount, "amount_pkr": amount,
                "counterparty": {"name": "Own account", "iban": "PK36MEZN0000001234567801",
                                 "country": "PK"}}  # fmt: skip
        started = time.perf_counter()
        status, answer = api.post("/transactions/check/", body)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            raise SystemExit(f"check failed: {status} {answer}")
        decisions[answer["decision"]] += 1
        return elapsed

    out = {}
    decisions: Counter = Counter()
    for warm in range(50):
        one(warm)
    floor = []
    for _ in range(300):  # the same client and server answering the cheapest authenticated call
        started = time.perf_counter()
        api.get("/whoami/")
        floor.append((time.perf_counter() - started) * 1000)
    out["floor_p50"], out["floor_p99"] = percentile(floor, 0.5), percentile(floor, 0.99)
    for clients in (1, 50):
        n = total if clients == 1 else total * 2
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            latencies = list(pool.map(one, range(n)))
        wall = time.perf_counter() - started
        service = [
            float(ms)
            for ms in CheckAttempt.objects.filter(external_id__startswith="CHK-")
            .order_by("-created_at")
            .values_list("duration_ms", flat=True)[:n]
        ]
        out[clients] = {
            "service_p50": percentile(service, 0.50),
            "service_p99": percentile(service, 0.99),
            "requests": n,
            "p50": percentile(latencies, 0.50),
            "p99": percentile(latencies, 0.99),
            "rate": n / wall,
        }
    out["decisions"] = dict(decisions)
    return out


# --- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    default_size = int(os.environ.get("MONITORING_BENCH_TRANSACTIONS", "20000"))
    parser.add_argument("--transactions", type=int, default=default_size)
    parser.add_argument("--customers", type=int, help="default: one per 50 transactions")
    parser.add_argument("--clients", type=int, default=4, help="concurrent bulk clients")
    parser.add_argument("--checks", type=int, default=1_000, help="check requests (1 client)")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn processes")
    parser.add_argument("--web-threads", type=int, default=4, help="gunicorn threads each")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-check", action="store_true")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    args.customers = args.customers or max(args.transactions // 50, 10)

    # Stopped from outside: still drop the database and stop the processes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    logdir = Path(tempfile.mkdtemp(prefix="bench-monitoring-"))
    quality = speed = check = None
    with isolated_run(
        os.environ.get("NIGRAAN_BENCH_NAME", "monitoring"),
        keep_database=args.keep_db,
        environ={"CELERY_TASK_ALWAYS_EAGER": "0"},
    ) as bench:
        from core import api_keys
        from core.actors import Actor

        _, key = api_keys.create_api_key(
            name="bench-exchange", scopes=["*"], actor=Actor.automated("bench")
        )
        port = free_port()
        api = Api(port, key)
        with processes(bench.env, port, logdir, (args.web_workers, args.web_threads)):
            wait_until_ready(api)
            if not args.skip_quality:
                quality = bench_quality(api, args.sample)
                report_quality(quality)
            if not args.skip_speed:
                speed = bench_speed(api, args.transactions, args.customers, args.clients)
                report_speed(speed)
            if not args.skip_check:
                wait_idle()
                check = bench_check(api, args.checks)
                report_check(check)
    if SWEEPS:
        print(f"Sweeper had to re-enqueue stalled transactions: {SWEEPS}")
    print(f"(server and worker logs: {logdir})")


def _ratio(value) -> str:
    return "   -" if value is None else f"{value:.2f}"


def report_quality(q: dict) -> None:
    print(f"Quality on the sample: {q['customers']} customers {q['statuses']}, "
          f"{q['transactions']} transactions {dict(q['outcome'])}, all screened "
          f"{q['screened_s']:.1f} s after the first POST")  # fmt: skip
    if q["customer_failures"]:
        print(
            f"  customer API failures: {len(q['customer_failures'])}: {q['customer_failures'][0]}"
        )
    print(f"  {'typology':<26}{'planted':>8}{'alerted':>8}{'recall':>8}{'precision':>10}")
    for typology, row in q["typologies"].items():
        print(f"  {typology:<26}{row['planted']:>8}{row['alerted']:>8}"
              f"{_ratio(row['recall']):>8}{_ratio(row['precision']):>10}"
              + (f"   missed {row['missed']}" if row["missed"] else "")
              + (f"   not planted {row['false'][:6]}" if row["false"] and row["planted"] else ""))  # fmt: skip
    share = len(q["clean_alerted"]) / q["clean"] if q["clean"] else 0.0
    print(f"  clean customers alerted: {len(q['clean_alerted'])} of {q['clean']} ({share:.1%})"
          + (f"; typologies {dict(q['clean_alert_typologies'])}" if q["clean_alerted"] else ""))  # fmt: skip


def report_speed(s: dict) -> None:
    raw_rate = s["raw"]["rows"] / s["raw"]["copy_s"]
    print(f"Speed: {s['transactions']:,} synthetic transactions of {s['customers']:,} customers "
          f"per delivery, {s['clients']} bulk clients x 1,000 per request; raw PostgreSQL COPY "
          f"of the same rows (same indexes, 1,000 per transaction): {raw_rate:,.0f} rows/s")  # fmt: skip
    print(f"  {'delivery':<18}{'ingest tx/s':>12}{'end-to-end tx/s':>17}{'% of COPY':>11}"
          f"{'seconds':>9}  alerts per typology (merged on the way)")  # fmt: skip
    rates = {}
    for scenario, run in s["runs"].items():
        rate = rates[scenario] = run["created"] / run["end_to_end_s"]
        print(f"  {scenario:<18}{run['created'] / run['ingest_s']:>12,.0f}{rate:>17,.0f}"
              f"{rate / raw_rate:>11.1%}{run['end_to_end_s']:>9.1f}  {run['alerts']} "
              f"({run['merged']})" + ("" if set(run["outcome"]) == {"created"}
                                     else f" outcomes {dict(run['outcome'])}"))  # fmt: skip
    alert_sets = {tuple(sorted(run["alerts"].items())) for run in s["runs"].values()}
    print(f"  alerts per typology the same in every delivery: {len(alert_sets) == 1}")
    if "time order" in rates and "10% one day late" in rates:
        cost = 1 - rates["10% one day late"] / rates["time order"]
        print(
            f"  cost of late re-evaluation (10% one day late vs time order): {cost:.1%} "
            "of the end-to-end rate"
        )


def report_check(c: dict) -> None:
    print(f"/transactions/check/ (decisions {c['decisions']}; for scale, GET /whoami/ from one "
          f"client: p50 {c['floor_p50']:.1f} ms, p99 {c['floor_p99']:.1f} ms):")  # fmt: skip
    for clients in (1, 50):
        row = c[clients]
        print(f"  {clients:>2} client(s): p50 {row['p50']:.1f} ms, p99 {row['p99']:.1f} ms "
              f"({row['requests']} requests, {row['rate']:,.0f} checks/s); inside the service "
              f"p50 {row['service_p50']:.1f} ms, p99 {row['service_p99']:.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
