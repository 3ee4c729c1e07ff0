"""The demo's supervisor: embedded services, migrations, sample data, then the Procfile's processes.

``python -m config.supervisor`` (what ``make demo`` runs):

1. starts embedded PostgreSQL and Redis under the data directory unless ``DATABASE_URL`` /
   ``CELERY_BROKER_URL`` are set (``config.embedded``);
2. migrates, and loads the sample data unless ``DEMO_DATA=0``;
3. runs every process of the ``Procfile`` (web, worker, beat) with its output prefixed by its
   name, restarts one that dies (a killed worker is back within seconds), and writes each pid
   to ``<data>/run/<name>.pid`` so outside harnesses can find them;
4. prints ``Nigraan ready on http://127.0.0.1:PORT/`` once ``/health/`` answers 200;
5. on Ctrl-C or SIGTERM stops the processes (TERM, then KILL after a grace period) and the
   embedded services it started.

Production runs the same ``Procfile`` under its own process manager with the URLs set.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from config import embedded

BASE_DIR = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 15
RESTART_BACKOFF_MAX = 30.0
READY_TIMEOUT = 120.0


def read_procfile(path: Path) -> dict[str, str]:
    """``name: command`` lines; blank lines and ``#`` comments are skipped."""
    processes = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_-]+):\s*(.+)$", line.strip())
        if match and not line.lstrip().startswith("#"):
            processes[match.group(1)] = match.group(2)
    return processes


@dataclass
class Child:
    name: str
    command: str
    process: subprocess.Popen | None = None
    restarts: int = 0
    started_at: float = 0.0
    pump: threading.Thread | None = field(default=None, repr=False)


class Supervisor:
    def __init__(self, procfile: dict[str, str], env: dict[str, str], run_dir: Path) -> None:
        self.children = [Child(name, command) for name, command in procfile.items()]
        self.env = env
        self.run_dir = run_dir
        self.width = max(len(name) for name in procfile)
        self.stopping = threading.Event()
        self.output_lock = threading.Lock()

    def say(self, name: str, line: str) -> None:
        with self.output_lock:
            sys.stdout.write(f"{name.ljust(self.width)} | {line}\n")
            sys.stdout.flush()

    def start(self, child: Child) -> None:
        # exec: the signal reaches the program itself, not a shell around it.
        child.process = subprocess.Popen(
            ["/bin/sh", "-c", f"exec {child.command}"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        child.started_at = time.monotonic()
        (self.run_dir / f"{child.name}.pid").write_text(str(child.process.pid))
        child.pump = threading.Thread(target=self._pump, args=(child, child.process), daemon=True)
        child.pump.start()
        self.say("system", f"{child.name} started (pid {child.process.pid})")

    def _pump(self, child: Child, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.say(child.name, line.rstrip("\n"))

    def watch(self) -> None:
        """Restart what dies, with a backoff that grows while it keeps dying at once."""
        while not self.stopping.is_set():
            for child in self.children:
                process = child.process
                if process is None or process.poll() is None:
                    continue
                lived = time.monotonic() - child.started_at
                child.restarts = 0 if lived > RESTART_BACKOFF_MAX else child.restarts + 1
                delay = min(2.0**child.restarts / 2, RESTART_BACKOFF_MAX)
                self.say(
                    "system", f"{child.name} exited ({process.returncode}); restart in {delay:g} s"
                )
                if self.stopping.wait(delay):
                    return
                self.start(child)
            self.stopping.wait(0.2)

    def stop(self) -> None:
        self.stopping.set()
        live = [c for c in self.children if c.process and c.process.poll() is None]
        for child in live:
            self.say("system", f"stopping {child.name}")
            _signal_group(child.process, signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for child in live:
            try:
                child.process.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                self.say("system", f"{child.name} did not stop in {GRACE_SECONDS} s; killing it")
                _signal_group(child.process, signal.SIGKILL)
                child.process.wait(5)
        for child in self.children:
            (self.run_dir / f"{child.name}.pid").unlink(missing_ok=True)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def wait_until_healthy(url: str, supervisor: Supervisor) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline and not supervisor.stopping.is_set():
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def main() -> int:
    root = embedded.data_dir(BASE_DIR)
    root.mkdir(parents=True, exist_ok=True)
    run_dir = root / "run"
    run_dir.mkdir(exist_ok=True)
    port = os.environ.get("PORT", "8000")
    started_embedded = {
        name for name in ("DATABASE_URL", "CELERY_BROKER_URL") if not os.environ.get(name)
    }
    begun = time.monotonic()
    env = {
        **os.environ,
        **embedded.service_environment(root),
        "NIGRAAN_DATA": str(root),
        "PORT": port,
        "PYTHONUNBUFFERED": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    supervisor = Supervisor(read_procfile(BASE_DIR / "Procfile"), env, run_dir)

    def on_signal(signum, frame) -> None:
        supervisor.stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        manage(env, "migrate", "--no-input", "-v", "0")
        if os.environ.get("DEMO_DATA", "1") != "0":
            manage(env, "seed_demo")
        for child in supervisor.children:
            supervisor.start(child)
        watcher = threading.Thread(target=supervisor.watch, daemon=True)
        watcher.start()
        if wait_until_healthy(f"http://127.0.0.1:{port}/health/", supervisor):
            supervisor.say(
                "system", f"ready after {time.monotonic() - begun:.1f} s (data in {root})"
            )
            print(f"Nigraan ready on http://127.0.0.1:{port}/", flush=True)
        elif not supervisor.stopping.is_set():
            supervisor.say("system", f"/health/ did not answer 200 within {READY_TIMEOUT:g} s")
        while not supervisor.stopping.wait(0.5):
            pass
    except subprocess.CalledProcessError as exc:
        supervisor.say("system", f"{' '.join(map(str, exc.cmd[1:]))} failed ({exc.returncode})")
        return 1
    finally:
        supervisor.stop()
        if "CELERY_BROKER_URL" in started_embedded:
            embedded.stop_redis(root / "redis")
        if "DATABASE_URL" in started_embedded:
            embedded.stop_postgres(root)
        supervisor.say("system", "stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
