"""Lockout by user name (from an address) and by address, staff unlock with an alert; API rate
limits per key with 429 and Retry-After."""

from __future__ import annotations

import pytest
from django.test import Client

from core.models import AuditEvent, LoginLockout

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def _login(username: str, password: str, ip: str):
    return Client(REMOTE_ADDR=ip).post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "otp_token": "", "next": "/admin/"},
    )


@pytest.fixture(autouse=True)
def _no_totp(settings):
    settings.TWO_FACTOR_REQUIRED_GROUPS = []


def test_nobody_elsewhere_can_lock_an_officer_out(staff_user, settings):
    mlro = staff_user("MLRO")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(mlro.username, "wrong-password", "203.0.113.7")
    assert _login(mlro.username, PASSWORD, "203.0.113.7").status_code in (403, 429)
    assert _login(mlro.username, PASSWORD, "198.51.100.20").status_code == 302
    assert AuditEvent.objects.filter(action="login.locked_out").exists()


def test_password_spraying_across_names_locks_the_address(staff_user, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 6
    users = [staff_user("Analyst") for _ in range(6)]
    for user in users[:-1]:  # one guess per name: no name reaches its own limit
        assert _login(user.username, "Winter2026!", "203.0.113.9").status_code == 200
    assert _login(users[-1].username, "Winter2026!", "203.0.113.9").status_code in (403, 429)
    bystander = staff_user("Analyst")
    assert _login(bystander.username, PASSWORD, "203.0.113.9").status_code in (403, 429)
    assert _login(bystander.username, PASSWORD, "198.51.100.21").status_code == 302
    event = AuditEvent.objects.filter(action="login.locked_out").last()
    assert event.after["ip_address"] == "203.0.113.9"


def test_staff_unlock_lifts_a_lockout_and_is_audited(staff_user, settings):
    analyst = staff_user("Analyst")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(analyst.username, "wrong-password", "203.0.113.8")
    assert _login(analyst.username, PASSWORD, "203.0.113.8").status_code in (403, 429)

    admin = Client()
    admin.force_login(staff_user("Admin"))
    listed = admin.get("/admin/core/loginlockout/")
    assert listed.status_code == 200 and analyst.username in listed.content.decode()
    ids = [str(pk) for pk in LoginLockout.objects.values_list("pk", flat=True)]
    answer = admin.post("/admin/core/loginlockout/", {"action": "unlock", "_selected_action": ids})
    assert answer.status_code == 302
    assert AuditEvent.objects.filter(action="login.unlocked").exists()
    assert _login(analyst.username, PASSWORD, "203.0.113.8").status_code == 302


def test_an_api_key_over_its_rate_gets_429_with_retry_after(make_api_client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT = "3/min"
    client, other = make_api_client(), make_api_client()
    for _ in range(3):
        assert client.get("/api/v1/transactions/").status_code == 200
    limited = client.get("/api/v1/transactions/")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert limited.json()["code"] == "throttled"
    assert other.get("/api/v1/transactions/").status_code == 200  # per key

    settings.API_RATE_LIMIT = "off"
    assert client.get("/api/v1/transactions/").status_code == 200
