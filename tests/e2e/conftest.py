"""Browser tests: Playwright drives Debian's Chromium (headless) against pytest-django's live
server on the real test database.

- Data is made through the services before the browser opens a page; a live server needs
  committed rows, so these tests are transactional. A transactional test ends with a flush,
  which also removes what the data migrations wrote; each browser test therefore starts from
  (and leaves behind) the migrated rows as serialized when the test database was created.
  Modules mark themselves ``pytestmark = [pytest.mark.e2e,
  pytest.mark.django_db(transaction=True, serialized_rollback=True)]``.
- Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls
  from it ("async unsafe"); the test itself is synchronous, so the guard is switched off here.
- Screenshots go to var/e2e/ (``settings.VAR_DIR``), kept as artifacts of the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct-horse-battery-staple"
WAIT_MS = 30_000  # the machine is shared: generous, but every wait is on a selector

_initial = {}


def _reset_to_initial_rows() -> None:
    """Empty every table and load the rows the migrations left (roles, rule pack, SLA
    policies, risk model...), whatever the previous transactional test did to them."""
    from django.core.management import call_command
    from django.db import connection

    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    connection.creation.deserialize_db_from_string(_initial["rows"])
    # The rows come back with their ids; the sequences must move past them, or the next
    # insert (a new rule version, say) collides with a restored row.
    from django.apps import apps
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.fixture(scope="session", autouse=True)
def _initial_rows(django_db_setup, django_db_blocker):
    """The migrated database as serialized when it was created (``serialized_rollback``).

    Taken here, before Playwright starts: once its event loop runs in this thread, Django
    hands the test a fresh connection object without the serialized copy."""
    from django.db import connection

    rows = getattr(connection, "_test_serialized_contents", None)
    if not rows:
        raise RuntimeError(
            "browser test modules need pytest.mark.django_db(transaction=True, "
            "serialized_rollback=True) so the migrated rows are kept"
        )
    _initial.update(rows=rows, blocker=django_db_blocker)
    # An earlier transactional test may have left post_migrate's re-created roles (new keys)
    # that the per-test load of the serialized rows would collide with.
    with django_db_blocker.unblock():
        _reset_to_initial_rows()
    return rows


@pytest.fixture(autouse=True)
def _start_from_initial_rows(transactional_db, _initial_rows):
    """Each browser test starts from the migrated rows, not from what a flush left."""
    _reset_to_initial_rows()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "e2e"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"{CHROMIUM} is missing: run `make setup` (installs Debian's chromium) or "
            "`apt-get install -y chromium`."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """``new_page()``: a page in a fresh browser context (its own cookies: one officer each)."""
    contexts = []

    def make():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1440, "height": 1000}
        )
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def totp_code():
    """``totp_code(device)``: the device's current code, as the officer's phone shows it."""
    from django_otp.oath import TOTP

    def code(device) -> str:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        return f"{totp.token():0{device.digits}d}"

    return code


@pytest.fixture
def log_in():
    """``log_in(page, username, otp="")``: the admin's login form, then the dashboard index."""

    def submit(page, username: str, *, otp: str = "", password: str = PASSWORD) -> None:
        page.goto("/admin/login/?next=/admin/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        if otp:
            page.fill("#id_otp_token", otp)
        page.click("#login-form [type=submit]")
        page.wait_for_selector("#workspace-dashboard")

    return submit


@pytest.fixture
def eager():
    """``with eager():`` runs Celery tasks in the test's thread (to build data quickly before
    the worker takes over the tasks the officers' clicks send)."""
    from contextlib import contextmanager

    from config.celery import app

    @contextmanager
    def run_eagerly():
        before = app.conf.task_always_eager
        app.conf.task_always_eager = True
        try:
            yield
        finally:
            app.conf.task_always_eager = before

    return run_eagerly


@pytest.fixture
def stack(real_worker, live_server):
    """The running stack: the live server and a real Celery worker on every queue (this
    engineer's broker vhost); tasks sent by the officers' clicks run in the worker."""
    return real_worker(concurrency=1)


@pytest.fixture
def wait_until():
    """``wait_until(check, what)``: poll the database until ``check()`` is truthy (the worker
    runs in its own process), at most 30 seconds."""
    import time

    def wait(check, what: str, timeout: float = 30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = check()
            if result:
                return result
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}")

    return wait


@pytest.fixture
def shot(artifacts_dir):
    """``shot(page, name)``: a full-page screenshot of the final state, var/e2e/<name>.png."""

    def take(page, name: str) -> None:
        page.screenshot(path=str(artifacts_dir / f"{name}.png"), full_page=True)

    return take
