"""Link-analysis benchmark: planted mule rings among clean customers, and neighbourhood speed.

1. Quality. ``--customers`` clean customers (default 10,000; NETWORK_BENCH_CUSTOMERS=100000 for
   the issue's size) who share identifiers innocently: households of 1-6 at one address (some
   pairs on one device), offices of 20-60 behind one IP, a carrier NAT IP in front of 12 % of
   everyone (a super-node), merchants and exchanges paid by hundreds, otherwise their own IBANs
   and wallets. Among them, rings (one per 500 clean customers) of 5-30 mule accounts sharing
   one or two identifiers (device, phone, address), each paying one collector wallet 1-3 times
   within five days, every payment PKR 20,000-90,000 (under every per-customer threshold).
   Customers and transactions are stored in bulk, then fed to the network services in a
   shuffled order, 1,000 at a time, as the kyc signal and monitoring's hook would. Reported:
   ring recall (rings with at least half their members named by a network alert), member
   recall, clean customers named by any network alert, and the build rates.
2. Incremental cost: one day of transactions (pending) through monitoring's evaluation, and the
   same transactions through the network update and rules; the ratio is what the network adds.
3. Speed: the 2-hop neighbourhood (``selectors.neighbourhood``) of random customers, p50/p99.
   NETWORK_BENCH_GRAPH=1 first grows the graph to NETWORK_BENCH_GRAPH_CUSTOMERS (1,000,000)
   customers and about ten links each (10,000,000 edges) with set-based SQL, then measures.

    .venv/bin/python bench/network.py [--customers 10000] [--queries 1000] [--keep-db]

It runs in its own database (`<DATABASE_URL name>_bench_network`, dropped at the end unless
--keep-db); no broker or workers (the services are called in this process, as the tasks do).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from isolation import isolated_run

SEED = 20261204
START = datetime(2026, 10, 1, 5, 0, tzinfo=UTC)
DAYS = 30
CAP = 1000  # the default super-node size: NETWORK_SUPER_NODE_HOLDERS


def _hex(rng: random.Random, n: int = 40) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _tron(rng: random.Random) -> str:
    return "T" + "".join(
        rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz123456789") for _ in range(33)
    )


def _iban(rng: random.Random) -> str:
    from stdnum import iban

    body = f"SCBL{rng.randrange(10**15, 10**16):016d}"
    return f"PK{iban.calc_check_digits('PK00' + body)}{body}"


def _address(rng: random.Random, n: int) -> dict:
    city = rng.choice(["Lahore", "Karachi", "Islamabad", "Faisalabad", "Multan", "Peshawar"])
    return {"line1": f"House {n}, Street {rng.randrange(1, 60)}, Block {rng.choice('ABCDEFG')}",
            "city": city, "country": "PK"}  # fmt: skip


class World:
    """The synthetic customers and transactions, and which customers are mules of which ring."""

    def __init__(self, clean: int, rng: random.Random):
        self.rng = rng
        self.customers: list[dict] = []
        self.transactions: list[dict] = []
        self.ring_of: dict[str, int] = {}
        self.rings: list[list[str]] = []
        nat_ip = "39.32.0.1"
        offices = [f"111.68.{i // 250}.{i % 250 + 1}" for i in range(clean // 40 + 1)]
        merchants = [_tron(rng) for _ in range(10)]
        n = 0
        while n < clean:  # households
            size = rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6])
            address = _address(rng, n)
            shared_device = _hex(rng, 16) if size >= 2 and rng.random() < 0.3 else None
            for i in range(min(size, clean - n)):
                device = shared_device if (shared_device and i < 2) else _hex(rng, 16)
                ip = (
                    nat_ip
                    if rng.random() < 0.12
                    else (
                        rng.choice(offices)
                        if rng.random() < 0.5
                        else f"182.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
                    )
                )
                self._customer(f"C-{n}", address, device, ip, f"+92300{rng.randrange(10**7):07d}")
                self._clean_payments(self.customers[-1], merchants)
                n += 1
        ring_count = max(1, clean // 500)
        for r in range(ring_count):
            size = rng.randrange(5, 31)
            collector = _tron(rng)
            kinds = rng.sample(["device", "phone", "address"], rng.choice([1, 2]))
            shared = {"device": _hex(rng, 16), "phone": f"+92301{rng.randrange(10**7):07d}",
                      "address": _address(rng, 10**6 + r)}  # fmt: skip
            start = START + timedelta(days=rng.randrange(DAYS - 6), hours=rng.randrange(24))
            members = []
            for i in range(size):
                # Every member carries the first identifier; with two, about half carry both.
                mine = {kinds[0]} | (
                    {kinds[1]} if len(kinds) == 2 and rng.random() < 0.5 else set()
                )
                ext = f"R{r}-{i}"
                self._customer(
                    ext,
                    shared["address"] if "address" in mine else _address(rng, 2 * 10**6 + r * 100 + i),
                    shared["device"] if "device" in mine else _hex(rng, 16),
                    nat_ip if rng.random() < 0.12 else f"182.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                    shared["phone"] if "phone" in mine else f"+92302{rng.randrange(10**7):07d}",
                )  # fmt: skip
                members.append(ext)
                self.ring_of[ext] = r
                for _ in range(rng.randrange(1, 4)):
                    at = start + timedelta(hours=rng.uniform(0, 120))
                    self._tx(self.customers[-1], "withdrawal", "crypto", at, rng.randrange(20_000, 90_000),
                             {"wallet_address": collector, "chain": "tron"})  # fmt: skip
            self.rings.append(members)

    def _customer(self, ext, address, device, ip, phone) -> None:
        self.customers.append({
            "id": uuid.uuid4(), "external_id": ext, "full_name": f"Bench {ext}",
            "mobile": phone, "email": f"{ext.lower()}@example.pk", "permanent_address": address,
            "onboarding_device_id": device, "onboarding_ip_address": ip,
            "iban": _iban(self.rng), "wallet": _tron(self.rng),
        })  # fmt: skip

    def _clean_payments(self, c: dict, merchants: list[str]) -> None:
        rng = self.rng
        for _ in range(rng.randrange(1, 6)):
            at = START + timedelta(days=rng.uniform(0, DAYS))
            roll = rng.random()
            if roll < 0.35:
                self._tx(
                    c, "deposit", "bank", at, rng.randrange(5_000, 400_000), {"iban": c["iban"]}
                )
            elif roll < 0.6:
                self._tx(c, "withdrawal", "crypto", at, rng.randrange(5_000, 400_000),
                         {"wallet_address": c["wallet"], "chain": "tron"})  # fmt: skip
            elif roll < 0.85:
                self._tx(c, "withdrawal", "crypto", at, rng.randrange(5_000, 90_000),
                         {"wallet_address": rng.choice(merchants), "chain": "tron"})  # fmt: skip
            else:
                self._tx(c, "trade_buy", "internal", at, rng.randrange(5_000, 400_000), {})

    def _tx(self, c, kind, channel, at, amount, counterparty) -> None:
        self.transactions.append({
            "external_id": f"T-{len(self.transactions)}", "customer_id": c["id"], "kind": kind,
            "channel": channel, "occurred_at": at, "amount_pkr": Decimal(amount),
            "counterparty": counterparty,
        })  # fmt: skip


def store(world: World, *, pending_day: datetime | None = None) -> None:
    """Bulk rows, without signals: the benchmark feeds the network itself, in its own order."""
    from compliance.monitoring.models import Transaction
    from kyc.models import Customer

    now = START - timedelta(days=60)
    Customer.objects.bulk_create(
        [Customer(id=c["id"], external_id=c["external_id"], full_name=c["full_name"],
                  status="approved", mobile=c["mobile"], email=c["email"],
                  permanent_address=c["permanent_address"], country_of_residence="PK",
                  nationality="PK", onboarding_device_id=c["onboarding_device_id"],
                  onboarding_ip_address=c["onboarding_ip_address"])
         for c in world.customers],
        batch_size=2000,
    )  # fmt: skip
    Customer.objects.update(created_at=now)
    rows = []
    for t in world.transactions:
        cp = t["counterparty"]
        pending = pending_day is not None and pending_day <= t[
            "occurred_at"
        ] < pending_day + timedelta(days=1)
        rows.append(Transaction(
            external_id=t["external_id"], customer_id=t["customer_id"], kind=t["kind"],
            channel=t["channel"], asset="PKR", amount=t["amount_pkr"], amount_pkr=t["amount_pkr"],
            occurred_at=t["occurred_at"], counterparty=cp,
            counterparty_wallet=cp.get("wallet_address", ""), counterparty_chain=cp.get("chain", ""),
            counterparty_account=cp.get("iban", ""),
            counterparty_key=cp.get("iban") or cp.get("wallet_address", ""),
            request_hash=uuid.uuid4().hex, status="pending" if pending else "screened",
            enqueued_at=now,
        ))  # fmt: skip
    Transaction.objects.bulk_create(rows, batch_size=2000)


def feed(
    world: World, rng: random.Random, exclude_day: datetime | None
) -> tuple[float, float, int]:
    """Every customer and transaction through the network services, shuffled, 1,000 at a time."""
    from compliance.monitoring.models import Transaction
    from compliance.network import services

    ids = [c["id"] for c in world.customers]
    rng.shuffle(ids)
    started = time.perf_counter()
    for i in range(0, len(ids), 1000):
        services.update_customers(ids[i : i + 1000])
    customers_s = time.perf_counter() - started
    qs = Transaction.objects.all()
    if exclude_day is not None:
        qs = qs.exclude(
            occurred_at__gte=exclude_day, occurred_at__lt=exclude_day + timedelta(days=1)
        )
    tx_ids = list(qs.values_list("id", flat=True))
    rng.shuffle(tx_ids)
    started = time.perf_counter()
    for i in range(0, len(tx_ids), 1000):
        services.update_transactions(tx_ids[i : i + 1000])
    return customers_s, time.perf_counter() - started, len(tx_ids)


def one_day(day: datetime) -> dict:
    """Monitoring's evaluation of one day's pending transactions, then the network's update of
    the same transactions: what the network adds to the pipeline."""
    from compliance.monitoring.models import Transaction
    from compliance.monitoring.services import evaluate_batch
    from compliance.network import services

    ids = list(
        Transaction.objects.filter(status="pending")
        .order_by("occurred_at")
        .values_list("id", flat=True)
    )
    started = time.perf_counter()
    for i in range(0, len(ids), 1000):
        evaluate_batch(transaction_ids=ids[i : i + 1000])
    monitoring_s = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(0, len(ids), 1000):
        services.update_transactions(ids[i : i + 1000])
    network_s = time.perf_counter() - started
    return {"transactions": len(ids), "monitoring_s": monitoring_s, "network_s": network_s}


def quality(world: World) -> dict:
    from compliance.monitoring.models import Alert
    from compliance.network.models import RingMember
    from kyc.models import Customer

    ext = dict(Customer.objects.values_list("id", "external_id"))
    named: set[str] = set()
    by_typology: dict[str, set[str]] = defaultdict(set)
    for cid, typology in RingMember.objects.filter(alert__is_shadow=False).values_list(
        "customer_id", "alert__typology"
    ):
        named.add(ext[cid])
        by_typology[typology].add(ext[cid])
    mules = set(world.ring_of)
    clean = [c["external_id"] for c in world.customers if c["external_id"] not in mules]
    found = sum(1 for ring in world.rings if sum(m in named for m in ring) * 2 >= len(ring))
    clean_named = [c for c in clean if c in named]
    return {
        "rings": len(world.rings),
        "ring_recall": found / len(world.rings),
        "mules": len(mules),
        "member_recall": len(named & mules) / len(mules),
        "clean": len(clean),
        "clean_alerted": len(clean_named) / len(clean),
        "alerts": Alert.objects.filter(is_shadow=False, typology__in=["SHARED_IDENTIFIER", "COLLECTOR", "DISTRIBUTOR", "CIRCULAR"]).count(),
        "clean_by_typology": {t: len(v - mules) for t, v in sorted(by_typology.items())},
    }  # fmt: skip


def grow_graph(customers: int, links_per_customer: int = 10) -> float:
    """A big graph straight in SQL: customers copied from a template row, each linked to
    ``links_per_customer`` keys drawn so that a key has about five holders."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'kyc_customer'"
        )
        columns = [
            r[0] for r in cur.fetchall() if r[0] not in ("id", "external_id", "id_number_hash")
        ]
        cols = ", ".join(f'"{c}"' for c in columns)
        picked = ", ".join(f't."{c}"' for c in columns)
        cur.execute("SELECT id FROM kyc_customer LIMIT 1")
        template = cur.fetchone()[0]
        cur.execute(
            f"INSERT INTO kyc_customer (id, external_id, id_number_hash, {cols}) "
            f"SELECT gen_random_uuid(), 'G-' || i, '', {picked} FROM generate_series(1, %s) i, "
            f"(SELECT * FROM kyc_customer WHERE id = %s) t",
            [customers, template],
        )
        keys = customers * links_per_customer // 5
        cur.execute(
            "INSERT INTO network_linkkey (kind, digest, label, holders, created_at) "
            "SELECT (ARRAY['device','ip','phone','email','address','wallet'])[1 + k % 6], "
            "md5('g' || k) || md5('h' || k), 'g' || k, 0, now() FROM generate_series(1, %s) k "
            "RETURNING id",
            [keys],
        )
        key_ids = [r[0] for r in cur.fetchall()]
        lo, hi = min(key_ids), max(key_ids)
        cur.execute(
            "INSERT INTO network_link (customer_id, key_id, reason, first_seen, last_seen) "
            "SELECT c.id, %s + floor(random() * %s)::bigint, 'device', now(), now() "
            "FROM kyc_customer c, generate_series(1, %s) n WHERE c.external_id LIKE 'G-%%' "
            "ON CONFLICT DO NOTHING",
            [lo, hi - lo + 1, links_per_customer],
        )
        cur.execute(
            "UPDATE network_linkkey k SET holders = s.n FROM (SELECT key_id, count(*) n "
            "FROM network_link GROUP BY key_id) s WHERE s.key_id = k.id"
        )
        cur.execute("ANALYZE")
    return time.perf_counter() - started


def neighbourhood_timings(samples: int, rng: random.Random, prefix: str = "") -> dict:
    from compliance.network import selectors
    from kyc.models import Customer

    qs = Customer.objects.all()
    if prefix:
        qs = qs.filter(external_id__startswith=prefix)
    ids = [str(i) for i in qs.values_list("id", flat=True)[:200_000]]
    times, sizes, truncated = [], [], 0
    for _ in range(samples):
        cid = rng.choice(ids)
        started = time.perf_counter()
        found = selectors.neighbourhood(cid, hops=2)
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(len(found.nodes))
        truncated += found.truncated
    times.sort()
    return {
        "queries": samples,
        "p50_ms": times[len(times) // 2],
        "p99_ms": times[int(len(times) * 0.99) - 1],
        "mean_nodes": statistics.mean(sizes),
        "truncated": truncated,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--customers", type=int, default=int(os.environ.get("NETWORK_BENCH_CUSTOMERS", 10_000))
    )
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    rng = random.Random(SEED)
    world = World(args.customers, rng)
    day = START + timedelta(days=DAYS // 2)
    print(f"network benchmark: {args.customers:,} clean customers, {len(world.rings)} rings "
          f"({len(world.ring_of)} mules), {len(world.transactions):,} transactions")  # fmt: skip
    with isolated_run("network", broker=False, keep_database=args.keep_db,
                      environ={"CELERY_TASK_ALWAYS_EAGER": "1"}):  # fmt: skip
        started = time.perf_counter()
        store(world, pending_day=day)
        print(f"stored in {time.perf_counter() - started:.1f} s")
        customers_s, tx_s, tx_n = feed(world, rng, exclude_day=day)
        print(
            f"graph from onboarding: {len(world.customers):,} customers in {customers_s:.1f} s "
            f"({len(world.customers) / customers_s:,.0f}/s)"
        )
        print(f"graph and network rules from monitoring: {tx_n:,} transactions in {tx_s:.1f} s "
              f"({tx_n / tx_s:,.0f}/s)")  # fmt: skip
        d = one_day(day)
        print(
            f"one day ({d['transactions']:,} transactions): monitoring evaluation "
            f"{d['monitoring_s']:.2f} s, network update and rules {d['network_s']:.2f} s "
            f"(+{100 * d['network_s'] / d['monitoring_s']:.0f} %)"
        )
        q = quality(world)
        print(
            f"rings found: {q['ring_recall']:.3f} of {q['rings']}; ring members named: "
            f"{q['member_recall']:.3f} of {q['mules']}; clean customers alerted: "
            f"{100 * q['clean_alerted']:.2f} % of {q['clean']:,} ({q['alerts']} network alerts)"
        )
        print(f"clean customers named, by typology: {q['clean_by_typology']}")
        t = neighbourhood_timings(args.queries, rng)
        print(f"2-hop neighbourhood over {len(world.customers):,} customers: p50 {t['p50_ms']:.1f} ms, "
              f"p99 {t['p99_ms']:.1f} ms ({t['queries']} queries, {t['mean_nodes']:.0f} nodes on "
              f"average, {t['truncated']} truncated)")  # fmt: skip
        if os.environ.get("NETWORK_BENCH_GRAPH") == "1":
            size = int(os.environ.get("NETWORK_BENCH_GRAPH_CUSTOMERS", 1_000_000))
            grown = grow_graph(size)
            print(f"grew the graph by {size:,} customers and ~{size * 10:,} links in {grown:.0f} s")
            t = neighbourhood_timings(args.queries, rng, prefix="G-")
            print(f"2-hop neighbourhood on the grown graph: p50 {t['p50_ms']:.1f} ms, p99 "
                  f"{t['p99_ms']:.1f} ms ({t['mean_nodes']:.0f} nodes on average, "
                  f"{t['truncated']} truncated)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
