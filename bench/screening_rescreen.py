"""Delta rescreen through the service and the database: 100,000 stored customers against a
list version that adds 100 entries (a tenth of them planted as variants of customers' names).

    DATABASE_URL=postgres://... .venv/bin/python bench/screening_rescreen.py [--customers N]

Runs in a throwaway database (created and dropped here), so the figures never touch real data.
The timed part is ``compliance.screening.services.rescreen_version``: customers loaded in
batches, indexed, queried with each new entry, candidates confirmed, hits stored and audited.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from isolation import isolated_run
from screening import SEED, _variant_of, synthetic_parties  # (bench/screening.py)

BASE_ENTRIES = 1_000
NEW_ENTRIES = 100
HEADER = [
    "entry_id",
    "list",
    "kind",
    "name",
    "aliases",
    "date_of_birth",
    "nationality",
    "id_numbers",
    "wallet_addresses",
    "program",
]


def _store_customers(count: int) -> list:
    """``count`` customers from the engine benchmark's synthetic name book, bulk-inserted."""
    from kyc.models import Customer

    book = synthetic_parties(count, seed=SEED + 5, source="customers")
    seen_ids: set[str] = set()
    rows = []
    for party in book:
        customer = Customer(
            external_id=f"BENCH-{party.key:06d}",
            status=Customer.Status.APPROVED,
            customer_type="entity" if party.kind == "entity" else "individual",
        )
        if party.kind == "entity":
            customer.legal_name = party.names[0]
            customer.country_of_incorporation = party.nationalities[0]
        else:
            customer.full_name = party.names[0]
            customer.nationality = party.nationalities[0]
            dob = party.dobs[0] if party.dobs else ""
            if len(dob) == 10:
                customer.date_of_birth = dob
            if party.id_numbers and party.id_numbers[0] not in seen_ids:
                seen_ids.add(party.id_numbers[0])
                customer.id_type = "CNIC"
                customer.id_number = party.id_numbers[0]
        rows.append(customer)
    Customer.objects.bulk_create(rows, batch_size=5000)
    return book


def _write_list(path: Path, parties) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for p in parties:
            writer.writerow(
                [
                    p.ref,
                    "UN",
                    p.kind,
                    p.names[0],
                    ";".join(p.names[1:]),
                    ";".join(p.dobs),
                    ";".join(p.nationalities),
                    ";".join(p.id_numbers),
                    "",
                    "UN-1267",
                ]
            )


def _new_entries(book, rng: random.Random):
    from compliance.screening.matcher import Party

    entries = synthetic_parties(NEW_ENTRIES, seed=SEED + 9, source="NEW")
    planted = []
    people = [p for p in book[:5000] if p.kind == "person"]
    for i in range(0, NEW_ENTRIES, 10):
        customer = rng.choice(people)
        planted.append(f"BENCH-{customer.key:06d}")
        entries[i] = Party(
            key=f"new-{i}",
            ref=f"NEW-{i:06d}",
            source="UN",
            kind="person",
            names=(_variant_of(customer.names[0], rng),),
            dobs=customer.dobs,
        )
    return entries, planted


def run(customers: int) -> None:
    from compliance.screening.models import ScreeningSettings
    from compliance.screening.services import import_watchlist, rescreen_version
    from compliance.screening.signals import hits_recorded
    from core.actors import Actor

    actor = Actor.automated("bench")
    rng = random.Random(SEED + 3)
    started = time.perf_counter()
    book = _store_customers(customers)
    print(f"stored customers     {customers:,} in {time.perf_counter() - started:.1f} s")

    base = synthetic_parties(BASE_ENTRIES, seed=SEED + 7, source="BASE")
    new, planted = _new_entries(book, rng)
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp) / "v1.csv", Path(tmp) / "v2.csv"
        _write_list(first, base)
        _write_list(second, [*base, *new])
        import_watchlist(source="csv", file=first, actor=actor, list_code="UN", rescreen=False)
        started = time.perf_counter()
        result = import_watchlist(
            source="csv", file=second, actor=actor, list_code="UN", rescreen=False
        )
        imported = time.perf_counter() - started
    version = result.version
    print(
        f"list import          {version.entries_total:,} entries, delta {version.delta} "
        f"in {imported:.2f} s"
    )
    batch = ScreeningSettings.current().rescreen_batch_size
    # Case grouping reacts to new hits on its own queue in production; not part of this figure.
    hits_recorded.receivers.clear()
    hits_recorded.sender_receivers_cache.clear()
    started = time.perf_counter()
    outcome = rescreen_version(version=version, actor=actor)
    elapsed = time.perf_counter() - started
    hit_customers = {h.customer.external_id for h in outcome.hits}
    found = sum(ref in hit_customers for ref in planted)
    print(
        f"delta rescreen       {customers:,} customers x {outcome.entries} new entries: "
        f"{elapsed:.2f} s ({outcome.batches} batches of {batch:,} customers, "
        f"{outcome.subjects:,} names and wallets, {outcome.subjects / elapsed:,.0f} subjects/s)"
    )
    print(
        f"hits                 {len(outcome.hits)} stored; planted variants found "
        f"{found}/{len(planted)}"
    )
    # The same worker again (its name-normalization caches warm), for the next list version.
    more = synthetic_parties(NEW_ENTRIES, seed=SEED + 11, source="MORE")
    with tempfile.TemporaryDirectory() as tmp:
        third = Path(tmp) / "v3.csv"
        _write_list(third, [*base, *new, *more])
        version = import_watchlist(
            source="csv", file=third, actor=actor, list_code="UN", rescreen=False
        ).version
    started = time.perf_counter()
    outcome = rescreen_version(version=version, actor=actor)
    elapsed = time.perf_counter() - started
    print(
        f"next delta, warm     {customers:,} customers x {outcome.entries} new entries: "
        f"{elapsed:.2f} s ({outcome.subjects / elapsed:,.0f} subjects/s, {len(outcome.hits)} hits)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("set DATABASE_URL to a PostgreSQL server (the benchmark makes its own database)")
        return 2
    # Nothing leaves this process: no broker, tasks run eagerly.
    with isolated_run(
        "screening", broker=False, environ={"CELERY_TASK_ALWAYS_EAGER": "1"}, log_level=None
    ) as bench:
        name = bench.database_url.rsplit("/", 1)[1]
        print(f"== Delta rescreen through the database ({name}, dropped afterwards)")
        run(args.customers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
