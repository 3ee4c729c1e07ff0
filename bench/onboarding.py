"""Onboarding benchmark.

1. Through the API with a real worker: an HTTP server (gunicorn) and a Celery worker
   (`-Q screening,default -c 2`) run as subprocesses on RabbitMQ and PostgreSQL; exchange
   clients POST customers and submit them; we wait until every one is assessed (approved,
   in_review or rejected) and report customers created and assessed per second.
2. Re-scoring: 100,000 customers stored directly (with verifications and owners), scored once,
   then a risk-factor weight is changed and every customer re-scored; customers per second.

    .venv/bin/python bench/onboarding.py [--customers 300] [--clients 8] [--rescore 100000]
                                         [--keep-db]

It runs in its own database (`<DATABASE_URL name>_bench_onboarding`, dropped at the end unless
--keep-db) and its own RabbitMQ virtual host, so it touches neither the development database nor
anyone else's queues.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from isolation import celery_worker, free_port, isolated_run, running, web_server

SEED = 20251024
DECIDED = ("approved", "in_review", "rejected")


# --- synthetic customers ----------------------------------------------------------------------

FIRST = ["Muhammad", "Ahmed", "Ali", "Hassan", "Usman", "Bilal", "Ayesha", "Fatima", "Sana",
         "Zainab", "Hamza", "Imran", "Nadia", "Saima", "Tariq", "Kashif", "Hina", "Farhan"]  # fmt: skip
LAST = ["Khan", "Malik", "Qureshi", "Butt", "Chaudhry", "Sheikh", "Siddiqui", "Raza", "Abbasi",
        "Baloch", "Awan", "Mirza", "Shah", "Jutt", "Hashmi", "Niazi"]  # fmt: skip
PLACES = [("Lahore", "Lahore", "Punjab"), ("Karachi", "Karachi South", "Sindh"),
          ("Peshawar", "Peshawar", "Khyber Pakhtunkhwa"), ("Quetta", "Quetta", "Balochistan"),
          ("Islamabad", "Islamabad", "Islamabad Capital Territory"),
          ("Multan", "Multan", "Punjab"), ("Faisalabad", "Faisalabad", "Punjab")]  # fmt: skip
OCCUPATIONS = ["salaried_private", "salaried_private", "salaried_government", "business_owner",
               "it_freelancer", "student", "self_employed_professional", "homemaker", "retired",
               "overseas_worker", "agriculturist", "real_estate", "jeweller"]  # fmt: skip
FUNDS = ["salary", "salary", "business_income", "freelance_income", "savings",
         "home_remittance", "investment_returns", "inheritance", "crypto_proceeds", "gift"]  # fmt: skip
PURPOSES = ["investment", "trading", "trading", "savings", "freelance_payments", "remittance"]
TURNOVERS = ["50000", "150000", "300000", "800000", "1500000", "4000000", "12000000"]


def _cnic(rng: random.Random, gender: str, serial: int, sandbox: str | None) -> str:
    middle = f"{serial % 1000:03d}{sandbox}" if sandbox else f"{serial % 10_000_000:07d}"
    if not sandbox and middle[3:7] in {"0000", "1111", "2222", "3333", "4444", "5555", "6666",
                                       "7777", "8888", "9999"}:  # fmt: skip
        middle = middle[:3] + "4567"
    locality = rng.choice(["35202", "42201", "17301", "61101", "36302"])
    return f"{locality}-{middle}-{rng.choice('13579') if gender == 'M' else rng.choice('2468')}"


def api_body(rng: random.Random, serial: int, run: str) -> dict:
    """One realistic individual; about 8% PEPs, 5% name mismatches, 2% not found at NADRA."""
    gender = rng.choice("MF")
    roll = rng.random()
    sandbox = "9999" if roll < 0.05 else "0000" if roll < 0.07 else None
    city, district, province = rng.choice(PLACES)
    today = date.today()
    body = {
        "external_id": f"BENCH-{run}-{serial}",
        "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "father_or_spouse_name": f"{rng.choice(FIRST[:8])} {rng.choice(LAST)}",
        "date_of_birth": str(date(rng.randint(1955, 2004), rng.randint(1, 12), rng.randint(1, 28))),
        "gender": gender,
        "id_type": "CNIC",
        "id_number": _cnic(rng, gender, serial, sandbox),
        "id_issue_date": str(today - timedelta(days=rng.randint(30, 3000))),
        "id_expiry_date": str(today + timedelta(days=rng.randint(200, 3600))),
        "mobile": f"030{rng.randint(0, 9)}{rng.randint(1_000_000, 9_999_999)}",
        "email": f"user{serial}@example.pk",
        "permanent_address": {
            "line1": f"House {serial % 300}, Street {serial % 40}",
            "city": city,
            "district": district,
            "province": province,
            "country": "PK",
        },
        "occupation": rng.choice(OCCUPATIONS),
        "source_of_funds": rng.choice(FUNDS),
        "purpose_of_account": rng.choice(PURPOSES),
        "expected_monthly_turnover_pkr": rng.choice(TURNOVERS),
    }
    if 0.07 <= roll < 0.15:
        body["is_pep_declared"] = True
        body["pep_details"] = "Member, Provincial Assembly"
    return body


# --- 1. through the API with a real worker --------------------------------------------------------


def server_and_worker(
    env: dict, port: int, logdir: Path
) -> contextlib.AbstractContextManager[None]:
    """gunicorn and a Celery worker as subprocesses, stopped (by their own pid) on the way out."""
    return running(
        {"worker": celery_worker("screening,default", 2), "server": web_server(port, 3, 4)},
        env=env,
        logdir=logdir,
        stop_timeout=20,
    )


def wait_until_ready(base_url: str, headers: dict, deadline_s: float = 90) -> None:
    import requests

    from config.celery import app

    deadline = time.monotonic() + deadline_s
    server_up = worker_up = False
    while time.monotonic() < deadline and not (server_up and worker_up):
        if not server_up:
            with contextlib.suppress(requests.RequestException):
                server_up = requests.get(f"{base_url}/whoami/", headers=headers, timeout=2).ok
        if not worker_up:
            worker_up = bool(app.control.ping(timeout=1.0))
        time.sleep(0.3)
    if not (server_up and worker_up):
        raise SystemExit(f"not ready: server={server_up} worker={worker_up} (see logs)")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_api(n: int, clients: int, env: dict, logdir: Path) -> dict:
    import requests
    from django.db.models import Count

    from core import api_keys
    from core.actors import Actor
    from kyc.models import Customer

    _, key = api_keys.create_api_key(
        name="bench-exchange", scopes=["*"], actor=Actor.automated("bench")
    )
    headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/api/v1"
    with server_and_worker(env, port, logdir):
        wait_until_ready(base_url, headers)
        rng = random.Random(SEED)
        run = uuid.uuid4().hex[:6]
        bodies = [api_body(rng, i, run) for i in range(n)]
        post_ms: list[float] = []
        submit_ms: list[float] = []
        failures: list[str] = []
        local = threading.local()  # one HTTP session (keep-alive) per client thread

        def onboard(body: dict) -> None:
            session = getattr(local, "session", None)
            if session is None:
                session = local.session = requests.Session()
            t = time.perf_counter()
            created = session.post(f"{base_url}/customers/", json=body, headers=headers, timeout=30)
            post_ms.append((time.perf_counter() - t) * 1000)
            if created.status_code not in (200, 201):
                failures.append(f"create {created.status_code} {created.text[:200]}")
                return
            t = time.perf_counter()
            customer_id = created.json()["id"]
            submitted = session.post(
                f"{base_url}/customers/{customer_id}/submit/", headers=headers, timeout=30
            )
            submit_ms.append((time.perf_counter() - t) * 1000)
            if submitted.status_code != 202:
                failures.append(f"submit {submitted.status_code} {submitted.text[:200]}")

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(onboard, bodies))
        ingested = time.perf_counter() - started
        expected = n - len(failures)
        deadline = time.monotonic() + max(120, n)
        mine_decided = Customer.objects.filter(
            external_id__startswith=f"BENCH-{run}-", status__in=DECIDED
        )
        decided_at_ingest = decided = mine_decided.count()
        while time.monotonic() < deadline and decided < expected:
            time.sleep(0.1)
            decided = mine_decided.count()
        assessed = time.perf_counter() - started
        mine = Customer.objects.filter(external_id__startswith=f"BENCH-{run}-")
        outcome = dict(mine.values_list("status").annotate(n=Count("pk")).order_by())
        latency = [
            (a.completed_at - a.customer.submitted_at).total_seconds() * 1000
            for a in _assessments(mine)
        ]
        return {
            "customers": n,
            "failures": failures,
            "clients": clients,
            "ingest_s": ingested,
            "assessed_s": assessed,
            "decided": decided,
            "decided_at_ingest": decided_at_ingest,
            "outcome": outcome,
            "post_ms": post_ms,
            "submit_ms": submit_ms,
            "latency_ms": latency,
        }


def _assessments(customers):
    from compliance.onboarding.models import OnboardingAssessment

    return OnboardingAssessment.objects.filter(
        customer__in=customers, completed_at__isnull=False
    ).select_related("customer")


# --- 2. re-scoring 100,000 stored customers --------------------------------------------------


def seed_stored_customers(n: int) -> float:
    """n approved customers written directly (no API): 95% individuals, 5% entities with owners,
    one identity verification each, a few self-hosted wallets."""
    from kyc.models import BeneficialOwner, Customer, CustomerWallet, IdentityVerification

    rng = random.Random(SEED + 1)
    started = time.perf_counter()
    nationalities = ["PK"] * 96 + ["AE", "GB", "AF", "KE"]
    batch = 5000
    now_stamp = date.today()
    for offset in range(0, n, batch):
        customers, verifications, owners, wallets = [], [], [], []
        for i in range(offset, min(offset + batch, n)):
            is_entity = rng.random() < 0.05
            nationality = rng.choice(nationalities)
            c = Customer(
                id=uuid.uuid4(),
                external_id=f"STORED-{i}",
                customer_type="entity" if is_entity else "individual",
                status="approved",
                risk_level="low",
                risk_score=Decimal("0"),
                nationality=nationality,
                country_of_residence=rng.choice([nationality, "PK", "PK"]),
                occupation="" if is_entity else rng.choice(OCCUPATIONS),
                source_of_funds=rng.choice(FUNDS),
                purpose_of_account=rng.choice(PURPOSES),
                expected_monthly_turnover_pkr=Decimal(rng.choice(TURNOVERS)),
                is_pep_declared=rng.random() < 0.01,
                full_name="" if is_entity else f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                legal_name=f"{rng.choice(LAST)} Traders (Pvt) Ltd" if is_entity else "",
                entity_type=rng.choice(
                    ["private_limited", "sole_proprietorship", "partnership", "trust", "npo"]
                )
                if is_entity
                else "",
                business_activity=rng.choice(
                    ["Textile export", "Software", "Gold trading", "Real estate"]
                )
                if is_entity
                else "",
                country_of_incorporation="PK" if is_entity else "",
                next_review_due=now_stamp + timedelta(days=365 * 3),
            )
            customers.append(c)
            verifications.append(
                IdentityVerification(
                    customer_id=c.id, provider="sandbox-verisys",
                    result_code="match" if rng.random() < 0.96 else "partial_match",
                )
            )  # fmt: skip
            if is_entity:
                shares = rng.choice([[Decimal(100)], [Decimal(60), Decimal(40)], [Decimal(50)]])
                for pct in shares:
                    owners.append(
                        BeneficialOwner(
                            customer_id=c.id, full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                            nationality=rng.choice(nationalities), ownership_pct=pct,
                        )
                    )  # fmt: skip
            if rng.random() < 0.03:
                wallets.append(
                    CustomerWallet(customer_id=c.id, chain="tron", address=f"T{uuid.uuid4().hex}")
                )
        Customer.objects.bulk_create(customers)
        IdentityVerification.objects.bulk_create(verifications)
        BeneficialOwner.objects.bulk_create(owners)
        CustomerWallet.objects.bulk_create(wallets)
    return time.perf_counter() - started


def bench_rescore(n: int) -> dict:
    from compliance.onboarding.config import save_risk_model_row, snapshot
    from compliance.onboarding.models import RiskFactor
    from compliance.onboarding.services import rescore_all
    from core.actors import Actor

    seeded = seed_stored_customers(n)
    first = rescore_all(batch_size=2000)
    factor = RiskFactor.objects.get(code="EXPECTED_TURNOVER")
    before = snapshot(factor)
    factor.weight = Decimal("1.60")
    save_risk_model_row(
        row=factor, actor=Actor.automated("bench"), reason="benchmark: turnover weighs more",
        before=before,
    )  # fmt: skip
    second = rescore_all(batch_size=2000)
    return {"stored": n, "seed_s": seeded, "first": first, "after_change": second}


# --- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=300, help="onboarded through the API")
    parser.add_argument("--clients", type=int, default=8, help="concurrent API clients")
    parser.add_argument("--rescore", type=int, default=100_000, help="stored customers re-scored")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    logdir = Path(tempfile.mkdtemp(prefix="bench-onboarding-"))
    with isolated_run("onboarding", keep_database=args.keep_db) as bench:
        api = bench_api(args.customers, args.clients, bench.env, logdir)
        rescore = bench_rescore(args.rescore)
    report(api, rescore, logdir)


def report(api: dict, rescore: dict, logdir: Path) -> None:
    n, ok = api["customers"], api["decided"]
    print("Onboarding through the API (gunicorn 3x4 threads, celery worker -c 2, RabbitMQ, "
          "PostgreSQL)")  # fmt: skip
    print(f"  customers:                {n} from {api['clients']} concurrent clients "
          f"({len(api['failures'])} API failures)")  # fmt: skip
    print(f"  created + submitted:      {n / api['ingest_s']:.1f} customers/s "
          f"({api['ingest_s']:.2f} s)")  # fmt: skip
    print(f"  created and assessed:     {ok / api['assessed_s']:.1f} customers/s "
          f"({ok} decided in {api['assessed_s']:.2f} s from the first POST)")  # fmt: skip
    drain_s = api["assessed_s"] - api["ingest_s"]
    if drain_s > 0.5:
        rate = (ok - api["decided_at_ingest"]) / drain_s
        print(f"  worker alone after ingest: {rate:.1f} customers/s "
              f"({ok - api['decided_at_ingest']} assessed in {drain_s:.1f} s once the API was idle)")  # fmt: skip
    print(f"  POST /customers/          p50 {percentile(api['post_ms'], .5):.0f} ms, "
          f"p95 {percentile(api['post_ms'], .95):.0f} ms")  # fmt: skip
    print(f"  POST .../submit/          p50 {percentile(api['submit_ms'], .5):.0f} ms, "
          f"p95 {percentile(api['submit_ms'], .95):.0f} ms")  # fmt: skip
    print(f"  submit -> decision        p50 {percentile(api['latency_ms'], .5):.0f} ms, "
          f"p95 {percentile(api['latency_ms'], .95):.0f} ms")  # fmt: skip
    print(f"  outcomes:                 {api['outcome']}")
    if api["failures"]:
        print(f"  first failure:            {api['failures'][0]}")
    first, second = rescore["first"], rescore["after_change"]
    print(f"Re-scoring {rescore['stored']:,} stored customers")
    print(f"  stored directly in        {rescore['seed_s']:.1f} s")
    print(f"  first scoring:            {first.per_second:,.0f} customers/s "
          f"({first.scored:,} in {first.seconds:.1f} s)")  # fmt: skip
    print(f"  after a weight change:    {second.per_second:,.0f} customers/s "
          f"({second.scored:,} in {second.seconds:.1f} s; {second.score_changed:,} scores and "
          f"{second.level_changed:,} levels changed, {second.reviews_opened:,} reviews opened)")  # fmt: skip
    print(f"  level moves:              {second.transitions}")
    print(f"(server and worker logs: {logdir})")


if __name__ == "__main__":
    main()
