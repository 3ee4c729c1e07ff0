"""The demo stack under load, as a newcomer meets it: cold start, onboarding and monitoring rates.

Starts `make demo`'s supervisor (`DEMO_DATA=0`) on a private port and data directory, then
CLIENTS API clients onboard CUSTOMERS customers (the sample's 200 bodies repeated with new ids
and ID numbers) and stream their month (the sample's transactions repeated likewise).

    .venv/bin/python bench/demo_stack.py            # 1,000 customers, ~14,000 transactions
    CUSTOMERS=200 CLIENTS=8 .venv/bin/python bench/demo_stack.py

Prints: cold start to "ready" (a fresh data directory, then a second start on the same one),
customers/s from the first POST until none is submitted/verifying, transactions/s from the
first bulk POST until none is pending, and any responses >= 500.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "integration"))

# The path above makes the shared driver importable.
from demo_stack import (
    DemoStack,
    drive,
    sample_customers,
    sample_transactions,
    wait_until_settled,
)


def replicated(copies: int) -> tuple[list[dict], list[dict]]:
    customers, transactions = sample_customers(), sample_transactions()
    out_customers, out_transactions = [], []
    for copy in range(copies):
        for body in customers:
            body = dict(body, external_id=f"{body['external_id']}-R{copy}")
            number = body["id_number"]
            # Keep province, the sandbox's last four digits and the gender digit; vary the rest.
            body["id_number"] = f"{number[:6]}{copy:03d}{number[9:]}"
            out_customers.append(body)
        for body in transactions:
            out_transactions.append(
                dict(
                    body,
                    external_id=f"{body['external_id']}-R{copy}",
                    customer=f"{body['customer']}-R{copy}",
                )
            )
    return out_customers, out_transactions


def main() -> None:
    target = int(os.environ.get("CUSTOMERS", "1000"))
    clients = int(os.environ.get("CLIENTS", "8"))
    copies = max(1, round(target / len(sample_customers())))
    customers, transactions = replicated(copies)
    with tempfile.TemporaryDirectory(prefix="nigraan-demo-bench-") as tmp:
        data = Path(tmp) / "demo"
        stack = DemoStack(data).start()
        cold = stack.ready_after
        try:
            key = stack.api_key("bench")
            begun = time.monotonic()
            statuses = drive(stack.base_url, key, customers, [], clients=clients)
            wait_until_settled(stack, timeout=1800)
            onboarding_s = time.monotonic() - begun
            begun = time.monotonic()
            statuses += drive(stack.base_url, key, [], transactions, clients=clients)
            state = wait_until_settled(stack, timeout=1800)
            monitoring_s = time.monotonic() - begun
        finally:
            stack.stop()
        warm = DemoStack(data).start()
        warm_ready = warm.ready_after
        warm.stop()
    errors = sum(n for code, n in statuses.items() if code >= 500)
    print(f"demo stack, {clients} clients, {len(customers)} customers, {len(transactions)} tx")
    print(f"  cold start to ready (fresh data dir):   {cold:7.1f} s")
    print(f"  start to ready (same data dir again):   {warm_ready:7.1f} s")
    print(f"  onboarding end to end:                  {len(customers) / onboarding_s:7.1f} /s")
    print(f"  monitoring end to end:                  {len(transactions) / monitoring_s:7.1f} tx/s")
    print(f"  responses >= 500: {errors}; left in flight: {state}")
    print(f"  responses by status: {dict(sorted(statuses.items()))}")


if __name__ == "__main__":
    main()
