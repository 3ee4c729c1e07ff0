"""What every benchmark runs in: its own database, its own broker and its own processes.

A benchmark creates customers, transactions, list versions and alerts by the thousand and times
workers that take whatever task is queued. Run against the development database it would bury
real-looking records under synthetic ones (and a re-scoring or rescreen would touch them); run on
the shared RabbitMQ virtual host, someone else's worker could take our tasks (skewing the figures
and doing the work against the wrong database) and ours could take theirs. So each benchmark
gets a database named after it (`<DATABASE_URL name>_bench_<benchmark>`, recreated at the start
and dropped at the end unless kept) and, when `rabbitmqctl` is at hand, a virtual host
`nigraan-bench-<benchmark>`; the server and workers it starts are its own subprocesses, stopped
by their own pid.

Benchmarks run as `.venv/bin/python bench/<name>.py`, so this folder is on the import path and
they import this module as `isolation`. Importing it puts the project root on the path too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    import psycopg

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/nigraan"
DEFAULT_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"


# --- the benchmark's own database -----------------------------------------------------------------


def bench_database_url(base: str, benchmark: str) -> str:
    """The URL of ``base``'s server with the database `<name>_bench_<benchmark>`."""
    parts = urlsplit(base)
    name = (parts.path.lstrip("/") or "nigraan") + f"_bench_{benchmark}"
    return urlunsplit(parts._replace(path="/" + name))


def _server_connection(url: str) -> psycopg.Connection:
    """A connection to the server's `postgres` database, to create and drop others."""
    import dj_database_url
    import psycopg

    # dj_database_url keeps a percent-encoded socket directory (the embedded server) intact.
    parts = dj_database_url.parse(url)
    return psycopg.connect(
        host=parts["HOST"] or "127.0.0.1",
        port=parts["PORT"] or 5432,
        user=parts["USER"] or "postgres",
        password=parts["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def recreate_database(url: str) -> None:
    """An empty database at ``url``, whatever a previous run left there."""
    name = urlsplit(url).path.lstrip("/")
    with _server_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with _server_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the benchmark's own broker -------------------------------------------------------------------


def bench_vhost(benchmark: str) -> str:
    return f"nigraan-bench-{benchmark}"


def bench_broker_url(base: str, vhost: str) -> str:
    """A private virtual host when rabbitmqctl is at hand, so no one else's worker takes ours
    (else ``base`` itself: the workers then only see our tasks if nobody else is queueing)."""
    ctl = shutil.which("rabbitmqctl")
    parts = urlsplit(base)
    if not ctl or not base.startswith("amqp") or parts.hostname not in ("127.0.0.1", "localhost"):
        return base
    user = parts.username or "guest"
    subprocess.run([ctl, "-q", "add_vhost", vhost], capture_output=True)
    subprocess.run(
        [ctl, "-q", "set_permissions", "-p", vhost, user, ".*", ".*", ".*"],
        capture_output=True,
        check=True,
    )
    return urlunsplit(parts._replace(path="/" + vhost))


def drop_vhost(vhost: str) -> None:
    ctl = shutil.which("rabbitmqctl")
    if ctl:
        subprocess.run([ctl, "-q", "delete_vhost", vhost], capture_output=True)


# --- Django in this process ---------------------------------------------------------------------


def setup_django(*, log_level: str | None = "WARNING") -> None:
    """Django configured from the environment (development settings unless told otherwise);
    ``log_level`` quiets the console so the figures stand out (None keeps the project's level)."""
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if log_level:
        os.environ.setdefault("LOG_LEVEL", log_level)
    import django

    django.setup()


@dataclass(frozen=True)
class BenchEnvironment:
    database_url: str
    broker_url: str | None
    env: dict[str, str]  # for the server and workers this benchmark starts


@contextlib.contextmanager
def isolated_run(
    benchmark: str,
    *,
    broker: bool = True,
    keep_database: bool = False,
    environ: Mapping[str, str] | None = None,
    log_level: str | None = "WARNING",
) -> Iterator[BenchEnvironment]:
    """The benchmark's own migrated database (and, with ``broker``, its own virtual host) set in
    the environment, Django set up on them; dropped on the way out (the database unless
    ``keep_database``). ``environ`` is set on top, e.g. to force eager or real Celery."""
    base_db = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    database_url = bench_database_url(base_db, benchmark)
    recreate_database(database_url)
    vhost = bench_vhost(benchmark)
    broker_url = None
    if broker:
        broker_url = bench_broker_url(
            os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER_URL, vhost
        )
        os.environ["CELERY_BROKER_URL"] = broker_url
    os.environ["DATABASE_URL"] = database_url
    os.environ.update(environ or {})
    try:
        setup_django(log_level=log_level)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        yield BenchEnvironment(database_url, broker_url, dict(os.environ))
    finally:
        from django.db import connections

        connections.close_all()
        if not keep_database:
            drop_database(database_url)
        if broker:
            drop_vhost(vhost)


# --- the server and workers as subprocesses -------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def celery_worker(queues: str, concurrency: int, name: str | None = None) -> list[str]:
    """The command of a Celery worker for ``queues`` (comma-separated)."""
    command = [sys.executable, "-m", "celery", "-A", "config", "worker",
               "-Q", queues, "-c", str(concurrency)]  # fmt: skip
    if name:
        command += ["-n", name]
    return [*command, "--without-gossip", "--without-mingle", "--loglevel=WARNING"]


def web_server(port: int, workers: int, threads: int, backlog: int | None = None) -> list[str]:
    """The command of gunicorn serving the project on 127.0.0.1:``port``."""
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application",
               "-b", f"127.0.0.1:{port}", "-w", str(workers), "--threads", str(threads)]  # fmt: skip
    if backlog:
        command += ["--backlog", str(backlog)]
    return [*command, "--log-level", "warning"]


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def running(
    commands: Mapping[str, list[str]],
    *,
    env: Mapping[str, str],
    logdir: Path,
    stop_timeout: float = 30,
) -> Iterator[None]:
    """The ``commands`` started in order (output in `<logdir>/<name>.log`), and stopped in the
    reverse order, each by its own pid, on the way out."""
    with contextlib.ExitStack() as logs:
        started: list[subprocess.Popen] = []
        try:
            for name, command in commands.items():
                log = logs.enter_context(open(logdir / f"{name}.log", "w"))
                started.append(
                    subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log)
                )
            yield
        finally:
            for process in reversed(started):
                stop(process, timeout=stop_timeout)
