"""Demo staff users (one per role), TOTP for the roles that need it, and an exchange API key."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import api_keys, roles
from core.actors import Actor
from core.models import ApiKey

# Demo only: fixed passwords and TOTP seeds so a tester can log in from the README.
DEMO_USERS = {
    roles.ANALYST: ("analyst", "analyst-demo-pass"),
    roles.MLRO: ("mlro", "mlro-demo-pass"),
    roles.REGULATOR: ("regulator", "regulator-demo-pass"),
    roles.AUDITOR: ("auditor", "auditor-demo-pass"),
    roles.ADMIN: ("admin", "admin-demo-pass"),
}
DEMO_TOTP_KEYS = {
    "mlro": "3132333435363738393031323334353637383930",
    "admin": "3132333435363738393031323334353637383931",
}
DEMO_KEY_NAME = "demo-exchange"
DEMO_INSPECTION_KEY_NAME = "demo-inspection"


def ensure_staff_user(username: str, password: str, role: str):
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(
        username=username, defaults={"email": f"{username}@demo.nigraan.pk"}
    )
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    return user


def seed(*, stdout) -> None:
    stdout.write("Staff logins (demo passwords):")
    for role, (username, password) in DEMO_USERS.items():
        user = ensure_staff_user(username, password, role)
        line = f"  {role:<10} {username} / {password}"
        key = DEMO_TOTP_KEYS.get(username)
        if key:
            TOTPDevice.objects.get_or_create(
                user=user, name="demo", defaults={"key": key, "confirmed": True}
            )
            line += f"   TOTP secret (base32): {_base32(key)}"
        stdout.write(line)

    exchange_key = _rotate_key(DEMO_KEY_NAME, ["*"])
    inspection_key = _rotate_key(DEMO_INSPECTION_KEY_NAME, ["reports:read"])
    stdout.write(f"API key ({DEMO_KEY_NAME}, exchange scopes): {exchange_key}")
    stdout.write(f"API key ({DEMO_INSPECTION_KEY_NAME}, reports:read): {inspection_key}")


def _rotate_key(name: str, scopes: list[str]) -> str:
    """The plaintext of an old key cannot be shown again, so demo keys are rotated each run."""
    for old in ApiKey.objects.filter(name=name):
        old.name = f"{name} (rotated {timezone.now():%Y%m%d%H%M%S%f})"
        old.save(update_fields=["name"])
        api_keys.revoke_api_key(
            api_key=old, actor=Actor.automated("seed_demo"), reason="demo key rotated"
        )
    _, plaintext = api_keys.create_api_key(
        name=name, scopes=scopes, actor=Actor.automated("seed_demo")
    )
    return plaintext


def _base32(hex_key: str) -> str:
    import base64

    return base64.b32encode(bytes.fromhex(hex_key)).decode()
