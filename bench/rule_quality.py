"""Rule quality: one tuning sweep point and one backtest over stored transactions, the
pre-aggregation of the quality figures, and the dashboard and API render times over many alerts.

Sizes (environment): RQ_BENCH_TRANSACTIONS (default 100,000; the issue's full size 1,000,000),
RQ_BENCH_ALERTS (default 100,000; full 1,000,000), RQ_BENCH_CUSTOMERS (default 5,000).
Rows are generated in SQL inside the benchmark's own database (``isolation``); the rule that is
swept and backtested is the default pack's PK-LARGE-CASH-CTR (one in five transactions is cash).

    .venv/bin/python bench/rule_quality.py
    RQ_BENCH_TRANSACTIONS=1000000 RQ_BENCH_ALERTS=1000000 .venv/bin/python bench/rule_quality.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import timedelta

from isolation import isolated_run

TRANSACTIONS = int(os.environ.get("RQ_BENCH_TRANSACTIONS", "100000"))
ALERTS = int(os.environ.get("RQ_BENCH_ALERTS", "100000"))
CUSTOMERS = int(os.environ.get("RQ_BENCH_CUSTOMERS", "5000"))
DAYS = 365


def _customers(n: int) -> None:
    from kyc.models import Customer

    Customer.objects.bulk_create(
        [
            Customer(
                external_id=f"BENCH-RQ-{i}", full_name=f"Bench Customer {i}", status="approved"
            )
            for i in range(n)
        ],
        batch_size=5000,
    )


def _transactions(n: int, start) -> None:
    """``n`` screened transactions over a year, spread evenly over the customers."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.15)")
        cursor.execute(
            """
            INSERT INTO monitoring_transaction (
              id, created_at, updated_at, external_id, customer_id, kind, channel, asset, amount,
              amount_pkr, occurred_at, counterparty, originator, beneficiary, counterparty_key,
              counterparty_name, counterparty_account, counterparty_wallet, counterparty_chain,
              counterparty_country, counterparty_vasp, has_originator, has_beneficiary,
              device_id, request_hash, status, enqueued_at, screened_at)
            SELECT gen_random_uuid(), now(), now(), 'BENCH-T-' || g,
              c.ids[1 + (g %% array_length(c.ids, 1))],
              (ARRAY['deposit','withdrawal','deposit','transfer_out'])[1 + g %% 4],
              CASE WHEN g %% 5 = 0 THEN 'cash' ELSE 'bank' END, 'PKR', a.amt, a.amt,
              %(start)s::timestamptz + (g * %(step)s::float8) * interval '1 second',
              '{}', '{}', '{}', '', '', '', '', '', '', '', false, false, '', md5(g::text),
              'screened', now(), now()
            FROM generate_series(1, %(n)s) g
            CROSS JOIN (SELECT array_agg(id ORDER BY external_id) ids FROM kyc_customer) c
            CROSS JOIN LATERAL (SELECT (50000 + (g::bigint * 2654435761 %% 2950000))::numeric amt) a
            """,
            {"n": n, "start": start, "step": DAYS * 86400 / n},
        )
        cursor.execute("ANALYZE monitoring_transaction")


def _alerts(n: int, start) -> None:
    """``n`` alerts over the rule pack's versions and a year; half of them labelled (closed
    cases), a fifth of the labels true positives."""
    from django.db import connection
    from django.utils import timezone

    from compliance.cases.models import Case
    from kyc.models import Customer

    now = timezone.now()
    customers = list(Customer.objects.order_by("external_id").values_list("pk", flat=True)[:1000])
    Case.objects.bulk_create(
        [
            Case(
                reference=f"BENCH-{i}",
                customer_id=pk,
                priority="medium",
                status="closed",
                outcome="no_action",
                opened_at=now,
                sla_due_at=now,
                sla_at_risk_at=now,
                closed_at=now,
            )
            for i, pk in enumerate(customers)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            """
            INSERT INTO monitoring_alert (
              id, created_at, updated_at, customer_id, typology, rule_id, rule_version_id,
              severity, score, status, explanation, facts, dedupe_key, is_shadow, finding_size,
              status_changed_at, superseded)
            SELECT gen_random_uuid(),
              %(start)s::timestamptz + (g * %(step)s::float8) * interval '1 second', now(),
              c.ids[1 + (g::bigint * 7919 %% array_length(c.ids, 1))], r.typology, r.id,
              r.active_version_id, 'medium', 0.5,
              CASE WHEN g %% 2 = 0 THEN 'closed' WHEN g %% 7 = 0 THEN 'open' ELSE 'in_case' END,
              'bench alert', '{}', 'BENCH-A-' || g, false, 1, NULL, ''
            FROM generate_series(1, %(n)s) g
            CROSS JOIN (SELECT array_agg(id) ids FROM kyc_customer) c
            JOIN (SELECT id, typology, active_version_id,
                         row_number() OVER (ORDER BY code) - 1 AS k, count(*) OVER () AS m
                  FROM monitoring_rule) r ON r.k = g %% r.m
            """,
            {"n": n, "start": start, "step": DAYS * 86400 / n},
        )
        cursor.execute(
            """
            INSERT INTO rule_quality_alertlabel (
              alert_id, rule_id, rule_version_id, customer_id, case_id, label, true_positive,
              alert_created_at, dispositioned_at, filing, recorded_at, updated_at)
            SELECT a.id, a.rule_id, a.rule_version_id, a.customer_id,
              cs.ids[1 + (abs(hashtext(a.id::text)) % array_length(cs.ids, 1))],
              CASE WHEN random() < 0.2 THEN 'str_filed' ELSE 'false_positive' END, false,
              a.created_at, a.created_at + (random() * 240) * interval '1 hour', '', now(), now()
            FROM monitoring_alert a
            CROSS JOIN (SELECT array_agg(id) ids FROM cases_case) cs
            WHERE a.status = 'closed'
            """
        )
        cursor.execute("UPDATE rule_quality_alertlabel SET true_positive = (label = 'str_filed')")
        cursor.execute("ANALYZE monitoring_alert; ANALYZE rule_quality_alertlabel")


_cpu = {"last": 0.0}


def _timed(call, repeat: int = 1) -> tuple[float, object]:
    """Median wall time; the benchmark process's CPU seconds of the last call go in ``_cpu``
    (on a shared, loaded machine the CPU time says more about the work than the wall time)."""
    times, result = [], None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = call()
        times.append(time.perf_counter() - started)
        _cpu["last"] = time.process_time() - cpu
    return statistics.median(times), result


def _load() -> str:
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--skip-backtest", action="store_true")
    parser.add_argument(
        "--skip-sweep", action="store_true", help="only the alerts, the figures and the pages"
    )
    args = parser.parse_args()
    with isolated_run("rule_quality", broker=False, keep_database=args.keep_db):
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.utils import timezone

        from compliance.monitoring.models import Backtest, Rule
        from compliance.monitoring.services import backtests
        from compliance.rule_quality.models import TuningRun
        from compliance.rule_quality.services import stats, tuning

        now = timezone.now().replace(microsecond=0)
        start = now - timedelta(days=DAYS)
        print(f"Rule quality benchmark: {TRANSACTIONS:,} transactions, {ALERTS:,} alerts, "
              f"{CUSTOMERS:,} customers")  # fmt: skip
        seconds, _ = _timed(lambda: _customers(CUSTOMERS))
        if not args.skip_sweep:
            seconds, _ = _timed(lambda: _transactions(TRANSACTIONS, start))
            print(f"  generated transactions in {seconds:.1f} s")
            rule = Rule.objects.select_related("active_version").get(code="PK-LARGE-CASH-CTR")
            window = {"date_from": start, "date_to": now + timedelta(seconds=1)}

            run = TuningRun.objects.create(
                rule_version=rule.active_version, grid={"threshold_pkr": ["2000000"]},
                requested_by_label="bench", **window,
            )  # fmt: skip
            seconds, run = _timed(lambda: tuning.run_tuning(run_id=run.pk))
            point = run.results[0] if run.results else {}
            print(f"  one sweep point (LARGE_CASH, threshold 2M) over {TRANSACTIONS:,} transactions: "
                  f"{seconds:.1f} s wall, {_cpu['last']:.1f} s CPU in Python, {_load()} "
                  f"({run.status}; {point.get('alerts')} would-be alerts, "
                  f"{run.progress_total:,} customers)")  # fmt: skip
            run = TuningRun.objects.create(
                rule_version=rule.active_version,
                grid={"threshold_pkr": ["1000000", "1500000", "2000000", "2500000", "3000000"]},
                requested_by_label="bench", **window,
            )  # fmt: skip
            seconds, run = _timed(lambda: tuning.run_tuning(run_id=run.pk))
            print(f"  five sweep points in one pass: {seconds:.1f} s wall, "
                  f"{_cpu['last']:.1f} s CPU in Python ({run.status})")  # fmt: skip
            if not args.skip_backtest:
                backtest = Backtest.objects.create(
                    rule_version=rule.active_version, requested_by_label="bench", **window
                )
                seconds, backtest = _timed(lambda: backtests.run_backtest(backtest_id=backtest.pk))
                print(f"  backtest (candidate only, no live to compare) over the same history: "
                      f"{seconds:.1f} s ({backtest.status}, {backtest.hits} hits)")  # fmt: skip

        seconds, _ = _timed(lambda: _alerts(ALERTS, start))
        print(f"  generated {ALERTS:,} alerts (half labelled) in {seconds:.1f} s")
        seconds, written = _timed(stats.refresh_quality)
        print(f"  pre-aggregation (refresh_quality): {seconds:.2f} s, {written} rows")

        user = get_user_model().objects.create_superuser("bench-admin", "b@example.pk", "x")
        client = Client()
        client.force_login(user)
        session = client.session
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session["otp_device_id"] = device.persistent_id
        session.save()
        client.get("/admin/rule_quality/qualityperiod/")  # warm (templates, caches)
        seconds, response = _timed(lambda: client.get("/admin/rule_quality/qualityperiod/"), 9)
        assert response.status_code == 200, response.status_code
        print(f"  quality dashboard render (median of 9): {1000 * seconds:.0f} ms, {_load()}")
        seconds, response = _timed(
            lambda: client.get("/admin/rule_quality/qualityperiod/export.csv"), 9
        )
        print(f"  CSV export (median of 9): {1000 * seconds:.0f} ms")


if __name__ == "__main__":
    main()
