"""``POST /transactions/check/`` under an open-loop load: latency, timeouts and shedding per rate.

Open loop: requests are sent at a fixed arrival rate whatever the server does (not by a fixed
number of clients each waiting for its answer), and each latency runs from the instant the
request was due, so a server that falls behind shows it (no coordinated omission).

Per rate it reports the achieved rate of answers (200s), p50/p99/p99.9 of the answered checks,
how many were answered by the fail mode with reason ``timeout``, how many were shed (``503``,
and how fast), errors, requests lost by the client (no answer within 5 s), and how late the
generator itself sent (when it lags, the machine is out of CPU for the client too).

    .venv/bin/python bench/check_load.py [--rates 100,250,500,1000,2000] [--duration 30]
        [--customers 10000] [--transactions 100000] [--web-workers 3] [--web-threads 8]
        [--max-in-flight 4] [--profile 300] [--keep-db]

Environment for the issue's full size: ``CHECK_LOAD_CUSTOMERS=1000000
CHECK_LOAD_TRANSACTIONS=10000000 CHECK_LOAD_DURATION=60`` (seeding 10M rows takes a while).
``--profile N`` first runs N checks in this process under pyinstrument and prints where the
time of one check goes.

It runs in its own database (``<DATABASE_URL name>_bench_check_load``, dropped at the end
unless --keep-db); gunicorn (gthread) is its own subprocess; the load generator runs here and
takes its share of the same CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from isolation import free_port, isolated_run, running, web_server

SEED = 20261204
CHECK_PATH = "/api/v1/transactions/check/"
CLIENT_TIMEOUT_S = 5.0


# -- data ---------------------------------------------------------------------------------------


def seed_customers(n: int) -> list[str]:
    """n approved customers on the enhanced tier, stored directly, in batches."""
    from kyc.models import Customer, Tier

    tier = Tier.objects.get(code="enhanced")
    onboarded = datetime(2026, 1, 10, tzinfo=UTC)
    refs = [f"CHK-{i:07d}" for i in range(n)]
    for offset in range(0, n, 10000):
        Customer.objects.bulk_create(
            [
                Customer(
                    external_id=ref, full_name=f"Load Customer {ref}", status="approved",
                    risk_level="low", tier=tier, approved_at=onboarded, nationality="PK",
                    expected_monthly_turnover_pkr=Decimal("3000000"), country_of_residence="PK",
                )
                for ref in refs[offset : offset + 10000]
            ],
            batch_size=5000,
        )  # fmt: skip
    return refs


def seed_transactions(refs: list[str], total: int) -> None:
    """``total`` screened deposits and withdrawals over the last 30 days, COPYed in batches."""
    from django.db import connection, transaction
    from psycopg.types.json import Jsonb

    from compliance.monitoring.intake import TransactionInput
    from compliance.monitoring.models import Transaction
    from compliance.monitoring.services.ingest import _values
    from kyc.models import Customer

    rng = random.Random(SEED)
    ids = dict(Customer.objects.values_list("external_id", "id"))
    now = datetime.now(UTC)
    fields = Transaction._meta.concrete_fields
    names = [f.attname for f in fields]
    json_columns = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    columns = ", ".join(f.column for f in fields)
    batch = 50000
    for offset in range(0, total, batch):
        rows = []
        for i in range(offset, min(total, offset + batch)):
            ref = refs[i % len(refs)]
            amount = Decimal(rng.randrange(1000, 200000))
            data = TransactionInput(
                external_id=f"CHK-T-{i:08d}", customer_ref=ref,
                kind="deposit" if rng.random() < 0.5 else "withdrawal", channel="bank",
                asset="PKR", amount=amount, amount_pkr=amount,
                occurred_at=now - timedelta(seconds=rng.randrange(60, 30 * 86400)),
            )  # fmt: skip
            values = _values(data, ids[ref], "", now)
            values.update(status="screened", enqueued_at=None, screened_at=now)
            rows.append([Jsonb(values[n]) if n in json_columns else values[n] for n in names])
        sql = f"COPY monitoring_transaction ({columns}) FROM STDIN"
        with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def body(rng: random.Random, refs: list[str]) -> bytes:
    amount = f"{rng.randrange(500, 20000)}.00"
    return json.dumps(
        {
            "external_id": f"LOAD-{uuid.uuid4().hex}",
            "customer": rng.choice(refs),
            "kind": "withdrawal" if rng.random() < 0.8 else "deposit",
            "channel": "bank",
            "asset": "PKR",
            "amount": amount,
            "amount_pkr": amount,
            "counterparty": {"name": "Bilal Ahmed", "iban": "PK36SCBL0000001123456702"},
        }
    ).encode()


# -- profile ------------------------------------------------------------------------------------


def profile(checks: int, key: str, refs: list[str]) -> None:
    """Where one check's time goes, in this process, through the whole Django stack."""
    from django.conf import settings
    from django.test import Client
    from pyinstrument import Profiler

    settings.DEBUG = False  # as served: no query log
    # The decision path itself, not the fail mode a busy machine would push it into.
    budget = getattr(settings, "MONITORING_CHECK_BUDGET_MS", None)  # None: the environment's
    settings.MONITORING_CHECK_BUDGET_MS = 10000
    rng = random.Random(SEED + 7)
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    bodies = [body(rng, refs) for _ in range(checks + 50)]
    for b in bodies[:50]:  # warm: rules, country lists, connection
        client.post(CHECK_PATH, b, content_type="application/json")
    profiler = Profiler(interval=0.0002)
    started, cpu = time.perf_counter(), time.process_time()
    profiler.start()
    for b in bodies[50:]:
        response = client.post(CHECK_PATH, b, content_type="application/json")
        assert response.status_code == 200, response.content
    profiler.stop()
    per_check = (time.perf_counter() - started) / checks * 1000
    cpu_per_check = (time.process_time() - cpu) / checks * 1000
    print(f"\n== profile: {checks} checks in process, {per_check:.2f} ms each (wall), "
          f"{cpu_per_check:.2f} ms of this process's CPU each (profiler included) ==")  # fmt: skip
    timed_cpu = time.process_time()
    for b in [body(rng, refs) for _ in range(checks)]:
        client.post(CHECK_PATH, b, content_type="application/json")
    print(f"without the profiler: {(time.process_time() - timed_cpu) / checks * 1000:.2f} ms "
          "of CPU per check in Django (PostgreSQL's share not included)")  # fmt: skip
    print(profiler.output_text(unicode=False, color=False, show_all=False, short_mode=False))
    settings.MONITORING_CHECK_BUDGET_MS = budget


# -- load ---------------------------------------------------------------------------------------


@dataclass
class Tally:
    answered: list[float] = field(default_factory=list)  # ms, 200 with a rules' decision
    timeouts: list[float] = field(default_factory=list)  # ms, 200 with reason TIMEOUT
    shed: list[float] = field(default_factory=list)  # ms, 503
    errors: int = 0
    lost: int = 0  # no answer within CLIENT_TIMEOUT_S
    connections: int = 0
    lag: list[float] = field(default_factory=list)  # ms the generator itself sent late


class Generator:
    """Open-loop HTTP/1.1 keep-alive client on asyncio streams."""

    def __init__(self, port: int, key: str) -> None:
        self.port = port
        self.head = (
            f"POST {CHECK_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Api-Key {key}\r\n"
            "Content-Type: application/json\r\nContent-Length: "
        ).encode()
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def _exchange(self, conn, payload: bytes) -> tuple[int, bytes]:
        reader, writer = conn
        writer.write(self.head + str(len(payload)).encode() + b"\r\n\r\n" + payload)
        header = await reader.readuntil(b"\r\n\r\n")
        status = int(header[9:12])
        length, chunked = 0, False
        for line in header.split(b"\r\n"):
            lowered = line.lower()
            if lowered.startswith(b"content-length:"):
                length = int(line[15:])
            elif lowered.startswith(b"transfer-encoding:") and b"chunked" in lowered:
                chunked = True
        if not chunked:
            return status, await reader.readexactly(length)
        content = b""
        while size := int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16):
            content += await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
        return status, content

    async def one(self, due: float, payload: bytes, tally: Tally) -> None:
        loop = asyncio.get_running_loop()
        tally.lag.append((loop.time() - due) * 1000)
        reused = bool(self.idle)
        conn = self.idle.pop() if reused else None
        try:
            for attempt in range(2):
                if conn is None:
                    conn = await asyncio.open_connection("127.0.0.1", self.port)
                    tally.connections += 1
                try:
                    status, content = await asyncio.wait_for(
                        self._exchange(conn, payload), CLIENT_TIMEOUT_S
                    )
                    break
                except (asyncio.IncompleteReadError, ConnectionError):
                    conn[1].close()
                    conn = None
                    if attempt or not reused:  # a kept-alive connection the server closed
                        raise
        except TimeoutError:
            tally.lost += 1
            if conn is not None:
                conn[1].close()
            return
        except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            tally.errors += 1
            return
        self.idle.append(conn)
        ms = (loop.time() - due) * 1000
        if status == 503:
            tally.shed.append(ms)
        elif status == 200:
            timed_out = b'"TIMEOUT"' in content
            (tally.timeouts if timed_out else tally.answered).append(ms)
        else:
            tally.errors += 1

    async def run(self, rate: float, duration: float, bodies: list[bytes]) -> Tally:
        loop = asyncio.get_running_loop()
        tally = Tally()
        total = int(rate * duration)
        start = loop.time() + 0.1
        pending: set[asyncio.Task] = set()
        sent = 0
        while sent < total:
            now = loop.time()
            due_count = min(total, int((now - start) * rate) + 1) - sent
            for _ in range(max(due_count, 0)):
                due = start + sent / rate
                task = asyncio.create_task(self.one(due, bodies[sent % len(bodies)], tally))
                pending.add(task)
                task.add_done_callback(pending.discard)
                sent += 1
            await asyncio.sleep(0.0005)
        if pending:
            await asyncio.wait(pending, timeout=CLIENT_TIMEOUT_S + 1)
        for task in list(pending):
            task.cancel()
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()
        return tally


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def wait_ready(port: int, deadline_s: float = 120) -> None:
    import http.client

    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health/")
            # The server and its database answer (the benchmark runs no worker or beat).
            if json.loads(conn.getresponse().read()).get("database") == "ok":
                return
        except (OSError, http.client.HTTPException):
            time.sleep(0.3)
    raise SystemExit("gunicorn did not come up (see its log)")


def main() -> None:
    env_int = lambda name, default: int(os.environ.get(name, default))  # noqa: E731
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--rates", default=os.environ.get("CHECK_LOAD_RATES", "100,250,500,1000,2000")
    )
    parser.add_argument("--duration", type=float, default=env_int("CHECK_LOAD_DURATION", 30))
    parser.add_argument("--customers", type=int, default=env_int("CHECK_LOAD_CUSTOMERS", 10000))
    parser.add_argument(
        "--transactions", type=int, default=env_int("CHECK_LOAD_TRANSACTIONS", 100000)
    )
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--web-threads", type=int, default=8)
    parser.add_argument("--max-in-flight", type=int, default=4, help="per gunicorn process")
    parser.add_argument("--budget-ms", type=float, default=50)
    parser.add_argument("--profile", type=int, default=0, help="profile N checks first")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",") if r.strip()]

    environ = {
        "MONITORING_CHECK_MAX_IN_FLIGHT": str(args.max_in_flight),
        "MONITORING_CHECK_BUDGET_MS": str(args.budget_ms),
        "MONITORING_CHECK_RULES_MAX_AGE": "30",
        "LOG_LEVEL": "WARNING",
    }
    with isolated_run(
        "check_load", broker=False, keep_database=args.keep_db, environ=environ
    ) as run:
        from core.actors import Actor
        from core.api_keys import create_api_key

        started = time.perf_counter()
        refs = seed_customers(args.customers)
        seed_transactions(refs, args.transactions)
        print(f"seeded {args.customers:,} customers and {args.transactions:,} transactions "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
        _, key = create_api_key(name="check-load", scopes=["*"], actor=Actor.automated("bench"))
        if args.profile:
            profile(args.profile, key, refs)

        if not rates:
            return
        port = free_port()
        # Served as in production: DEBUG off (no query log, no debug pages).
        server_env = {**run.env, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(48),
                      "NIGRAAN_ALLOW_INSECURE_KEY": "1", "HTTPS": "0"}  # fmt: skip
        command = web_server(port, args.web_workers, args.web_threads, backlog=4096)
        command += ["--keep-alive", "30", "--worker-class", "gthread"]
        rng = random.Random(SEED + 1)
        with (
            tempfile.TemporaryDirectory() as logdir,
            running({"server": command}, env=server_env, logdir=Path(logdir)),
        ):
            wait_ready(port)
            asyncio.run(load(port, key, rates, args, rng, refs))


async def load(port: int, key: str, rates: list[float], args, rng, refs: list[str]) -> None:
    """Every rate in ONE event loop (connections never outlive the loop that opened them)."""
    generator = Generator(port, key)
    await generator.run(50, 3, [body(rng, refs) for _ in range(150)])  # warm
    print(
        f"\ngunicorn gthread {args.web_workers} workers x {args.web_threads} threads, "
        f"at most {args.max_in_flight} checks in flight per worker, budget "
        f"{args.budget_ms:g} ms, {args.duration:g} s per rate; open loop\n"
    )
    header = (f"{'offered/s':>9} {'achieved/s':>10} {'p50 ms':>7} {'p99 ms':>7} "
              f"{'p99.9 ms':>8} {'timeouts':>8} {'shed':>7} {'shed p99':>8} "
              f"{'errors':>6} {'lost':>5} {'gen lag p99':>11}")  # fmt: skip
    print(header)
    print("-" * len(header))
    for rate in rates:
        bodies = [body(rng, refs) for _ in range(int(rate * args.duration))]
        tally = await generator.run(rate, args.duration, bodies)
        ok = tally.answered + tally.timeouts
        print(
            f"{rate:>9.0f} {len(ok) / args.duration:>10.0f} {pct(ok, 50):>7.1f} "
            f"{pct(ok, 99):>7.1f} {pct(ok, 99.9):>8.1f} {len(tally.timeouts):>8} "
            f"{len(tally.shed):>7} {pct(tally.shed, 99):>8.1f} {tally.errors:>6} "
            f"{tally.lost:>5} {pct(tally.lag, 99):>11.1f}",
            flush=True,
        )
        await asyncio.sleep(2)  # let the server drain before the next rate


if __name__ == "__main__":
    sys.exit(main())
