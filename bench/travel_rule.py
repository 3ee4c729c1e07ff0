"""Travel rule: preparing and signing an outgoing message, and transfers through the sandbox.

Figures:
- prepare + sign, per message (build the IVMS101 payload from the customer's KYC record with the
  ID number decrypted, validate C1-C12, encrypt it for storage, serialize the TRP inquiry and sign
  it with Ed25519): p50 / p99 / max, in one process, no database. Target: <= 20 ms p99.
- transfers/s through ``prepare_outgoing_transfer`` with the sandbox counterparty (validation,
  policy rows, idempotency, the transfer, two evidence messages, audit), with ``--processes``
  worker processes on the benchmark's own database. Target: 200/s on 2 cores.

Run: ``.venv/bin/python bench/travel_rule.py`` (default 2,000 messages and 2,000 transfers;
``--messages`` / ``--transfers`` / ``--processes`` for other sizes).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import time
from collections.abc import Sequence
from decimal import Decimal

from isolation import isolated_run


def prepare_and_sign(n: int) -> list[float]:
    import json
    from datetime import date

    from django.utils import timezone

    from compliance.travel_rule import conf
    from compliance.travel_rule import ivms101 as iv
    from compliance.travel_rule.protocols import base, signing, trp
    from compliance.travel_rule.services import identity
    from core import pii
    from kyc.models import Customer
    from kyc.validation import COUNTRY_CODES

    customer = Customer(
        external_id="BENCH-1",
        full_name="Ayesha Khan",
        date_of_birth=date(1990, 4, 1),
        place_of_birth="Karachi",
        nationality="PK",
        country_of_residence="PK",
        id_type="CNIC",
        permanent_address={"line1": "House 12, Clifton", "city": "Karachi", "country": "PK"},
    )
    customer.id_number = "42101-1234567-1"
    beneficiary = iv.NaturalPerson(name=iv.NaturalPersonName((iv.NaturalNameId("Bilal Ahmed"),)))
    key, key_id, today = conf.signing_key(), conf.self_code(), timezone.localdate()
    timings, cpu = [], []
    for _ in range(n):
        started, cpu_started = time.perf_counter(), time.thread_time()
        payload = iv.IdentityPayload(
            originator=iv.Party((identity.customer_person(customer),), ("TXaB1ZK7kH7sjDJy",)),
            beneficiary=iv.Party((beneficiary,), ("0x52908400098527886E0F7030069857D2E4169EE7",)),
            originating_vasp=identity.vasp_person(None),
        )
        iv.validate(payload, countries=COUNTRY_CODES, today=today)
        ivms_json = payload.to_json()
        pii.encrypt(json.dumps(ivms_json))
        inquiry = base.Inquiry(
            request_identifier=trp.new_request_identifier(),
            url="https://peer/trp/inquiry/x",
            asset="USDT",
            amount=Decimal("4000.00"),
            callback="https://us/trp/callback/x/",
            ivms101=ivms_json,
            beneficiary_wallet="0x5290",
            extensions={"chain": "ethereum"},
        )
        body = trp.dumps(trp.inquiry_body(inquiry, "ethereum"))
        signing.sign(key, key_id, "POST", "/trp/inquiry/x", inquiry.request_identifier, body)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - cpu_started) * 1000)
    return timings, cpu


def _seed_customers(count: int) -> list[str]:
    from datetime import date

    from kyc.models import Customer

    refs = []
    for i in range(count):
        c = Customer(
            external_id=f"TRB-{i}",
            full_name="Ayesha Khan",
            status="approved",
            date_of_birth=date(1990, 4, 1),
            place_of_birth="Karachi",
            nationality="PK",
            country_of_residence="PK",
            id_type="CNIC",
            permanent_address={"line1": "House 12", "city": "Karachi", "country": "PK"},
        )
        c.id_number = f"42101-{1000000 + i:07d}-1"
        c.save()
        refs.append(c.external_id)
    return refs


def _run_transfers(args: tuple[int, int, list[str]]) -> tuple[int, dict[str, int], float]:
    worker, count, customers = args
    from django.db import connections

    connections.close_all()  # a forked child opens its own connection
    from compliance.travel_rule.services import outgoing
    from core.actors import Actor

    actor = Actor.automated("bench")
    statuses: dict[str, int] = {}
    cpu_started = time.process_time()
    for i in range(count):
        request = outgoing.OutgoingRequest(
            external_id=f"BW-{worker}-{i}",
            customer=customers[i % len(customers)],
            asset="USDT",
            amount=Decimal("4000.00"),
            amount_pkr=Decimal("1120000.00"),
            beneficiary_wallet=f"0x{worker:04x}{i:035x}1",
            chain="ethereum",
            beneficiary_name="Bilal Ahmed",
            counterparty_vasp="sandbox-counterparty",
        )
        transfer, _ = outgoing.prepare_outgoing_transfer(request=request, actor=actor)
        statuses[str(transfer.status)] = statuses.get(str(transfer.status), 0) + 1
    return count, statuses, time.process_time() - cpu_started


def through_sandbox(total: int, processes: int) -> tuple[float, float, dict[str, int]]:
    from django.db import connections

    customers = _seed_customers(50)
    _run_transfers((99, 20, customers))  # warm up: imports, caches, connection
    connections.close_all()
    share = total // processes
    started = time.perf_counter()
    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool:
        results = pool.map(_run_transfers, [(w, share, customers) for w in range(processes)])
    elapsed = time.perf_counter() - started
    statuses: dict[str, int] = {}
    for _, found, _cpu in results:
        for k, v in found.items():
            statuses[k] = statuses.get(k, 0) + v
    cpu_per_transfer = sum(r[2] for r in results) / (share * processes)
    return share * processes / elapsed, cpu_per_transfer, statuses


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--transfers", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)
    with isolated_run("travel_rule", broker=False, environ={"CELERY_TASK_ALWAYS_EAGER": "1"}):
        timings, cpu = prepare_and_sign(args.messages)
        print(f"== Prepare + sign an outgoing message ({args.messages:,} messages; wall / CPU)")
        print(f"load average         {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(
            f"p50                  {statistics.median(timings):.2f} ms / "
            f"{statistics.median(cpu):.2f} ms"
        )
        print(
            f"p99                  {_p99(timings):.2f} ms / {_p99(cpu):.2f} ms   (target <= 20 ms)"
        )
        print(f"max                  {max(timings):.2f} ms / {max(cpu):.2f} ms")
        rate, cpu_each, statuses = through_sandbox(args.transfers, args.processes)
        print(
            f"\n== Transfers through the sandbox counterparty ({args.transfers:,}, "
            f"{args.processes} processes)"
        )
        print(f"transfers/s          {rate:,.0f}   (target 200/s on 2 cores)")
        print(
            f"app CPU / transfer   {cpu_each * 1000:.2f} ms  (=> {1 / cpu_each:,.0f}/s per "
            "core of application time; the rest is PostgreSQL and waiting)"
        )
        print(f"outcomes             {statuses}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
