"""Tipping-off (AMLA 2010 s.34): nothing the exchange receives or reads reveals an STR.

The exchange's system sees webhooks and the customers, transactions and alerts API. After an
STR is drafted, approved, filed and acknowledged for a customer, none of these carries a trace
of it: not its reference, id or FMU number, not the words of the filing.
"""

import re

import pytest
from django.utils import timezone

from compliance.cases.models import Case
from core.models import WebhookDelivery, WebhookEndpoint
from reporting.models import Report

pytestmark = pytest.mark.django_db

EXCHANGE_SCOPES = ["customers:read", "customers:write", "transactions:read", "transactions:write",
                   "alerts:read", "screening"]  # fmt: skip


def traces(report: Report) -> list[re.Pattern]:
    exact = [report.reference, str(report.pk), report.fiu_ref_number, report.xml_sha256]
    return [re.compile(re.escape(text)) for text in exact if text] + [
        re.compile(r"\bSTR(-F)?\b"),  # the kind, not STRUCTURING
        re.compile(r"goaml|suspicious transaction report|str_filed|suspicion", re.IGNORECASE),
        re.compile(r"FMU-"),
    ]


def leaks(text: str, report: Report) -> list[str]:
    return [p.pattern for p in traces(report) if p.search(text)]


@pytest.fixture
def exchange(make_api_client):
    WebhookEndpoint.objects.create(
        name="exchange", url="http://127.0.0.1:9/hooks", secret="s" * 32, event_types=[]
    )
    return make_api_client(EXCHANGE_SCOPES)


def test_nothing_the_exchange_sees_reveals_a_filed_str(
    exchange, customer, make_case, make_str, django_capture_on_commit_callbacks,
    monkeypatch,
):  # fmt: skip
    monkeypatch.setattr("core.webhooks.deliver", lambda delivery_id: None)  # no network
    with django_capture_on_commit_callbacks(execute=True):
        posted = [
            exchange.post(
                "/api/v1/transactions/",
                {
                    "external_id": f"TIP-{n}",
                    "customer": customer.external_id,
                    "kind": "deposit",
                    "channel": "cash",
                    "asset": "PKR",
                    "amount": "1950000.00",
                    "amount_pkr": "1950000.00",
                    "occurred_at": f"2026-03-1{n}T10:00:00+05:00",
                },
                format="json",
            )
            for n in range(1, 4)
        ]
    assert all(r.status_code == 201 for r in posted), [r.json() for r in posted]
    deliveries_before = WebhookDelivery.objects.count()
    assert deliveries_before >= 3  # transaction.screened (and alert.created) went out

    # Monitoring alerted and cases grouped the alerts; the analyst escalated the case.
    case = Case.objects.filter(customer=customer).first() or make_case(customer)
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.ESCALATED, escalated_at=now, suspicion_formed_at=now
    )
    case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        report = make_str(customer, case=case)
    assert report.status == Report.Status.ACKNOWLEDGED
    assert WebhookDelivery.objects.count() == deliveries_before  # filing emits nothing

    tx_ids = [r.json()["id"] for r in posted]
    responses = {
        "customer": exchange.get(f"/api/v1/customers/{customer.pk}/"),
        "customer by external id": exchange.get(
            f"/api/v1/customers/?external_id={customer.external_id}"
        ),
        "customer list": exchange.get("/api/v1/customers/"),
        "alerts": exchange.get(f"/api/v1/alerts/?customer={customer.pk}"),
        **{f"transaction {n}": exchange.get(f"/api/v1/transactions/{i}/") for n, i in
           enumerate(tx_ids)},
    }  # fmt: skip
    for alert in responses["alerts"].json().get("results", []):
        responses[f"alert {alert['id']}"] = exchange.get(f"/api/v1/alerts/{alert['id']}/")
    assert responses["alerts"].json()["count"] >= 1  # the structuring the STR is about
    for name, response in responses.items():
        assert response.status_code == 200, (name, response.status_code)
        assert leaks(response.content.decode(), report) == [], name
    for delivery in WebhookDelivery.objects.all():
        assert leaks(delivery.body, report) == [], delivery.event_type
    assert exchange.get("/api/v1/reports/").status_code == 403


def test_the_scan_would_catch_a_leak(customer, make_str):
    report = make_str(customer)

    assert leaks(f'{{"last_filing": "{report.reference}"}}', report)
    assert leaks('{"note": "STR filed"}', report)
    assert not leaks('{"typology": "STRUCTURING"}', report)
