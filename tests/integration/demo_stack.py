"""The demo stack as a user runs it, driven from outside: used by the integration test and by
``bench/demo_stack.py``.

``DemoStack`` starts ``python -m config.supervisor`` (what ``make demo`` runs) on a private port
and data directory with nothing but pip wheels: embedded PostgreSQL and Redis, a worker, beat
and gunicorn. ``drive`` is N API clients onboarding customers and streaming transactions.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = PROJECT_ROOT.parent / "shared" / "data" / "monitoring"
READY_LINE = "Nigraan ready on "


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DemoStack:
    def __init__(self, data_dir: Path, *, extra_env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        # As a user would: no service URLs, so the supervisor starts the embedded ones.
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER"}
        }
        self.env.update(
            {
                "DEBUG": "1",
                "PORT": str(self.port),
                "NIGRAAN_DATA": str(data_dir),
                "DEMO_DATA": "0",
                "LOG_LEVEL": "WARNING",
                **(extra_env or {}),
            }
        )
        self.lines: list[str] = []
        self.process: subprocess.Popen | None = None
        self.ready_after: float | None = None

    def start(self, timeout: float = 180) -> DemoStack:
        begun = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "config.supervisor"],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        threading.Thread(target=self._read, daemon=True).start()
        while time.monotonic() - begun < timeout:
            if any(line.startswith(READY_LINE) for line in self.lines):
                self.ready_after = time.monotonic() - begun
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("the demo stack did not get ready:\n" + self.output()[-5000:])

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def manage(self, *args: str) -> str:
        """A ``manage.py`` command in "another terminal": same data directory, nothing else."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_ROOT,
            env={k: v for k, v in self.env.items() if k not in {"PORT", "DEMO_DATA"}},
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def api_key(self, name: str = "load-test") -> str:
        return self.manage("create_api_key", name).strip().splitlines()[-1]

    def pid(self, name: str) -> int:
        return int((self.data_dir / "run" / f"{name}.pid").read_text())

    def kill(self, name: str) -> int:
        pid = self.pid(name)
        os.kill(pid, signal.SIGKILL)
        return pid

    def wait_restarted(self, name: str, old_pid: int, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                pid = self.pid(name)
            except (FileNotFoundError, ValueError):
                pid = old_pid
            if pid != old_pid:
                return pid
            time.sleep(0.2)
        raise RuntimeError(f"{name} was not restarted:\n" + self.output()[-3000:])

    def query(self, sql: str) -> list[tuple]:
        import psycopg

        from config import embedded

        url = embedded.postgres_url(self.data_dir)
        import dj_database_url

        db = dj_database_url.parse(url)
        with psycopg.connect(host=db["HOST"], user=db["USER"], dbname=db["NAME"]) as conn:
            return conn.execute(sql).fetchall()

    def stop(self, timeout: float = 60) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(10)


def sample_customers() -> list[dict]:
    return json.loads((SAMPLE / "customers.json").read_text())


def sample_transactions() -> list[dict]:
    return json.loads((SAMPLE / "transactions.json").read_text())


def drive(
    base_url: str,
    key: str,
    customers: list[dict],
    transactions: list[dict],
    *,
    clients: int = 8,
    chunk: int = 100,
    halfway: Callable[[], None] | None = None,
) -> Counter:
    """``clients`` threads onboard every customer (create + submit), then stream the
    transactions in bulk chunks; ``halfway`` runs once half the chunks are sent. Returns the
    count of responses by status code."""
    import requests

    statuses: Counter = Counter()
    lock = threading.Lock()
    local = threading.local()
    headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}

    def session() -> requests.Session:
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.session.headers.update(headers)
        return local.session

    def count(response: requests.Response) -> requests.Response:
        with lock:
            statuses[response.status_code] += 1
        return response

    def onboard(body: dict) -> None:
        created = count(session().post(f"{base_url}/api/v1/customers/", json=body, timeout=60))
        if created.status_code in (200, 201):
            customer_id = created.json()["id"]
            count(session().post(f"{base_url}/api/v1/customers/{customer_id}/submit/", timeout=60))

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(onboard, customers))

    chunks = [transactions[i : i + chunk] for i in range(0, len(transactions), chunk)]
    sent = {"n": 0}

    def stream(items: list[dict]) -> None:
        count(
            session().post(
                f"{base_url}/api/v1/transactions/bulk/", json={"transactions": items}, timeout=120
            )
        )
        with lock:
            sent["n"] += 1
            trigger = halfway is not None and sent["n"] == len(chunks) // 2
        if trigger:
            halfway()

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(stream, chunks))
    return statuses


def wait_until_settled(stack: DemoStack, timeout: float = 300) -> dict[str, int]:
    """Polls until no customer is left submitted/verifying and no transaction pending."""
    deadline = time.monotonic() + timeout
    state: dict[str, int] = {}
    while time.monotonic() < deadline:
        state = {
            "customers_in_flight": stack.query(
                "SELECT count(*) FROM kyc_customer WHERE status IN ('submitted', 'verifying')"
            )[0][0],
            "transactions_pending": stack.query(
                "SELECT count(*) FROM monitoring_transaction WHERE status = 'pending'"
            )[0][0],
        }
        if not any(state.values()):
            break
        time.sleep(2)
    return state
