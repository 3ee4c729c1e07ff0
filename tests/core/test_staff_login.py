"""Staff login: TOTP enforced for MLRO and Admin, available to others; lockout after failures."""

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _login(client: Client, username: str, password: str = PASSWORD, otp: str = ""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "otp_token": otp, "next": "/admin/"},
    )


def test_analyst_without_a_device_logs_in_with_password(staff_user):
    analyst = staff_user("Analyst")
    client = Client()
    assert _login(client, analyst.username).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_mlro_without_a_device_is_refused(staff_user):
    mlro = staff_user("MLRO")
    response = _login(Client(), mlro.username)
    assert response.status_code == 200
    assert "requires two-factor" in response.content.decode()


def test_mlro_needs_the_current_totp_code(staff_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below must not throttle the right one
    mlro = staff_user("MLRO")
    device = TOTPDevice.objects.create(user=mlro, name="phone", confirmed=True)
    client = Client()
    assert _login(client, mlro.username, otp="000000").status_code == 200
    assert _login(client, mlro.username, otp=_code(device)).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_account_locks_after_repeated_failed_logins(staff_user, settings):
    analyst = staff_user("Analyst")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, analyst.username, password="wrong-password")
    response = _login(Client(), analyst.username)
    assert response.status_code in (403, 429)
