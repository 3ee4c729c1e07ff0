"""Admin page times on the demo data multiplied (the officers' pages must stay under 300 ms).

1. The demo is loaded (``seed_demo``: customers, alerts, cases, hits, filings, as an exchange
   makes them), then its alerts, cases, screening hits and filings are copied ``--factor`` times
   (copies are closed or decided, so the live-case and open-episode constraints hold; the queues
   still page, sort and count over every row).
2. Each page is requested ``--runs`` times per role through Django's test client (server time:
   middleware, queries and template rendering, no network), and the median and worst time and
   the query count are printed; a page over the budget is flagged.

    .venv/bin/python bench/admin_pages.py [--factor 100] [--runs 5] [--budget-ms 300] [--keep-db]

Runs in its own database (`<DATABASE_URL name>_bench_admin_pages`), Celery eager, no broker.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from io import StringIO

from isolation import isolated_run

PAGES = {
    "MLRO": [
        ("dashboard", "/admin/"),
        ("team cases", "/admin/cases/case/?queue=live"),
        ("all cases", "/admin/cases/case/"),
        ("my cases", "/admin/cases/case/?queue=mine"),
        ("open alerts", "/admin/monitoring/alert/?status__exact=open"),
        ("all alerts", "/admin/monitoring/alert/"),
        ("hits to decide", "/admin/screening/screeninghit/?queue=undecided"),
        ("all hits", "/admin/screening/screeninghit/"),
        ("onboarding reviews", "/admin/compliance/onboardingassessment/?status__exact=in_review"),
        ("decisions", "/admin/cases/decision/"),
        ("filings", "/admin/reporting/report/"),
        ("customers", "/admin/kyc/customer/"),
        ("audit trail", "/admin/core/auditevent/"),
        ("a case page", "CASE"),
    ],
    "Regulator": [("filings", "/admin/reporting/report/"), ("dashboard", "/admin/")],
}


def multiply(factor: int) -> dict[str, int]:
    """Copy the demo's alerts, cases, hits and reports ``factor - 1`` times (closed/decided)."""
    from django.utils import timezone

    from compliance.cases.models import Case
    from compliance.monitoring.models import Alert
    from compliance.screening.models import ScreeningHit
    from reporting.models import Report

    now = timezone.now()
    alerts, cases = list(Alert.objects.all()), list(Case.objects.all())
    hits, reports = list(ScreeningHit.objects.all()), list(Report.objects.all())
    for round_ in range(1, factor):
        new_alerts, new_cases, new_hits, new_reports = [], [], [], []
        for alert in alerts:
            alert.pk, alert.status, alert.status_changed_at = None, Alert.Status.CLOSED, now
            new_alerts.append(alert)
        for case in cases:
            case.pk = uuid.uuid4() if isinstance(case.pk, uuid.UUID) else None
            case.reference = f"CASE-B{round_:03d}{uuid.uuid4().hex[:8].upper()}"[:20]
            case.status, case.outcome = Case.Status.CLOSED, Case.Outcome.NO_ACTION
            case.closed_at = now
            new_cases.append(case)
        for hit in hits:
            hit.pk = uuid.uuid4() if isinstance(hit.pk, uuid.UUID) else None
            hit.status = ScreeningHit.Status.FALSE_POSITIVE
            new_hits.append(hit)
        for report in reports:
            report.pk = uuid.uuid4() if isinstance(report.pk, uuid.UUID) else None
            report.reference = f"B{round_:03d}-{uuid.uuid4().hex[:12].upper()}"
            report.origin = f"bench:{report.reference}"
            report.previous_version = None
            new_reports.append(report)
        Alert.objects.bulk_create(new_alerts, batch_size=2000)
        Case.objects.bulk_create(new_cases, batch_size=2000)
        ScreeningHit.objects.bulk_create(new_hits, batch_size=2000)
        Report.objects.bulk_create(new_reports, batch_size=2000)
    return {
        "alerts": Alert.objects.count(),
        "cases": Case.objects.count(),
        "hits": ScreeningHit.objects.count(),
        "reports": Report.objects.count(),
    }


def client_for(role: str):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.filter(groups__name=role).first()
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def time_pages(runs: int, budget_ms: float) -> bool:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from compliance.cases.models import Case

    live_case = Case.objects.exclude(status=Case.Status.CLOSED).first()
    within = True
    print(f"{'role':<10} {'page':<20} {'median ms':>10} {'worst ms':>9} {'queries':>8}")
    for role, pages in PAGES.items():
        client = client_for(role)
        for name, url in pages:
            if url == "CASE":
                url = f"/admin/cases/case/{live_case.pk}/change/"
            client.get(url)  # warm: templates compiled, caches filled
            times = []
            for _ in range(runs):
                reset_queries()
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            worst = max(times)
            flag = "" if worst <= budget_ms else "  OVER BUDGET"
            within &= worst <= budget_ms
            print(
                f"{role:<10} {name:<20} {statistics.median(times):>10.1f} {worst:>9.1f} "
                f"{len(queries):>8}{flag}"
            )
    return within


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget-ms", type=float, default=300)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    environ = {"CELERY_TASK_ALWAYS_EAGER": "1", "DEBUG": "1"}
    with isolated_run("admin_pages", broker=False, keep_database=args.keep_db, environ=environ):
        from django.core.management import call_command

        start = time.perf_counter()
        call_command("seed_demo", stdout=StringIO())
        counts = multiply(args.factor)
        print(f"demo x{args.factor}: {counts} (built in {time.perf_counter() - start:.0f} s)")
        ok = time_pages(args.runs, args.budget_ms)
        print("every page within budget" if ok else f"some page over {args.budget_ms:.0f} ms")


if __name__ == "__main__":
    main()
