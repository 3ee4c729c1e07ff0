import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from core.models import ApiKey

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    from django.core.management import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not get_user_model().objects.filter(username="mlro").exists()


def test_seed_demo_runs_twice_and_leaves_one_active_demo_key(capsys, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert ApiKey.objects.filter(name="demo-exchange", revoked_at__isnull=True).count() == 1
    for username in ("analyst", "mlro", "regulator", "auditor", "admin"):
        assert get_user_model().objects.filter(username=username, is_staff=True).exists()
    assert "API key (demo-exchange" in out
    inspection = ApiKey.objects.get(name="demo-inspection", revoked_at__isnull=True)
    assert inspection.scopes == ["reports:read"]
