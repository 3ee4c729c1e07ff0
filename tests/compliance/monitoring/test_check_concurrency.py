"""Concurrent checks cannot race past a limit: PKR 100,000 left of the day, 20 parallel checks
of PKR 60,000 each -> exactly one allow, however they interleave; in one process's threads and
across two server processes."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from check_fixtures import CHECK, nearly_spent_customer, withdrawal
from django.db import connections
from monitoring_fixtures import *  # noqa: F403

from compliance.monitoring import services
from compliance.monitoring.models import Hold
from core.actors import Actor

pytestmark = pytest.mark.django_db(transaction=True)
PARALLEL = 20
ROUNDS = 50
EXCHANGE = Actor.automated("exchange")
PROJECT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def generous_budget(settings):
    # Every check must be decided by the rules (a timeout's "review" would prove nothing).
    settings.MONITORING_CHECK_BUDGET_MS = 20000
    settings.MONITORING_CHECK_RULES_MAX_AGE = 60


def assert_one_allow(decisions: list[str], customer) -> None:
    assert Counter(decisions) == {"allow": 1, "block": PARALLEL - 1}, Counter(decisions)
    assert Hold.objects.filter(customer=customer, status=Hold.Status.HELD).count() == 1


def test_parallel_checks_in_one_process_allow_at_most_one_every_time():
    barrier = threading.Barrier(PARALLEL)

    def one(body: dict) -> str:
        barrier.wait()
        return services.check_transaction(body=body, actor=EXCHANGE).decision

    def close_connection(_) -> None:
        barrier.wait()  # one per thread: every pooled thread closes its own connection
        connections.close_all()

    with ThreadPoolExecutor(PARALLEL) as pool:
        try:
            for _ in range(ROUNDS):
                customer = nearly_spent_customer()
                bodies = [withdrawal(customer, "60000.00") for _ in range(PARALLEL)]
                assert_one_allow(list(pool.map(one, bodies)), customer)
        finally:
            barrier.reset()
            list(pool.map(close_connection, range(PARALLEL)))


# -- two gunicorn processes ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def servers(count: int, tmp_path: Path, database_url: str):
    """``count`` single-process gunicorn servers on private ports, on the test database."""
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "MONITORING_CHECK_BUDGET_MS": "20000",
        "MONITORING_CHECK_MAX_IN_FLIGHT": str(PARALLEL),
        "LOG_LEVEL": "WARNING",
    }
    ports, started = [free_port() for _ in range(count)], []
    try:
        for port in ports:
            log = open(tmp_path / f"gunicorn-{port}.log", "w")  # noqa: SIM115 (closed below)
            command = [sys.executable, "-m", "gunicorn", "config.wsgi:application",
                       "-b", f"127.0.0.1:{port}", "-w", "1", "--threads", str(PARALLEL),
                       "--log-level", "warning"]  # fmt: skip
            process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log, stderr=log)
            started.append((process, log))
        deadline = time.monotonic() + 90
        for port in ports:
            while not _answers(port):
                assert time.monotonic() < deadline, (tmp_path / f"gunicorn-{port}.log").read_text()
                time.sleep(0.2)
        yield ports
    finally:
        for process, log in started:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError, http.client.HTTPException):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/health/")
        # The server and its database answer (no worker or beat runs beside these servers).
        return json.loads(conn.getresponse().read()).get("database") == "ok"
    return False


def test_parallel_checks_across_two_server_processes_allow_at_most_one(
    make_api_client, tmp_path, database_url
):
    key = make_api_client().api_key_plaintext
    headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}

    with servers(2, tmp_path, database_url) as ports:
        barrier = threading.Barrier(PARALLEL)

        def one(job: tuple[int, dict]) -> str:
            index, body = job
            conn = http.client.HTTPConnection("127.0.0.1", ports[index % 2], timeout=60)
            conn.connect()  # half to each process, connected before the start line
            try:
                barrier.wait()
                conn.request("POST", CHECK, body=json.dumps(body), headers=headers)
                response = conn.getresponse()
                payload = json.loads(response.read())
            finally:
                conn.close()
            assert response.status == 200, payload
            return payload["decision"]

        with ThreadPoolExecutor(PARALLEL) as pool:
            for _ in range(ROUNDS):
                customer = nearly_spent_customer()
                jobs = [(i, withdrawal(customer, "60000.00")) for i in range(PARALLEL)]
                assert_one_allow(list(pool.map(one, jobs)), customer)
