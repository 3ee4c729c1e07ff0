import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from core.actors import Actor
from core.api_keys import authenticate_key, create_api_key, revoke_api_key
from core.models import ApiKey

pytestmark = pytest.mark.django_db


def test_key_is_stored_only_as_a_hash():
    api_key, plaintext = create_api_key(name="exchange", scopes=["*"], actor=Actor.automated())
    stored = ApiKey.objects.get(pk=api_key.pk)
    assert plaintext not in (stored.key_hash, stored.prefix, str(stored.scopes))
    assert authenticate_key(plaintext) == stored


def test_create_api_key_command_prints_the_key_alone_on_its_last_line(capsys):
    call_command("create_api_key", "backend", "--scopes", "customers", "transactions:write")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    response = client.get("/api/v1/whoami/")
    assert response.status_code == 200
    assert response.json() == {"name": "backend", "scopes": ["customers", "transactions:write"]}


def test_missing_key_is_401():
    response = APIClient().get("/api/v1/whoami/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_unknown_key_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Api-Key ngr_deadbeef_nope")
    assert client.get("/api/v1/whoami/").status_code == 401


def test_wrong_scheme_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer something")
    assert client.get("/api/v1/whoami/").status_code == 401


def test_revoked_key_is_401(make_api_client):
    client = make_api_client(["*"])
    api_key = authenticate_key(client.api_key_plaintext)
    revoke_api_key(api_key=api_key, actor=Actor.automated(), reason="leaked")
    assert client.get("/api/v1/whoami/").status_code == 401


def test_last_used_time_is_recorded(make_api_client):
    client = make_api_client(["*"])
    client.get("/api/v1/whoami/")
    assert ApiKey.objects.filter(last_used_at__isnull=False).exists()


def test_unknown_scope_is_refused():
    from core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        create_api_key(name="x", scopes=["everything"], actor=Actor.automated())


@pytest.mark.parametrize(
    ("granted", "needed", "allowed"),
    [
        (["*"], "alerts:read", True),
        (["*"], "reports:read", False),
        (["*", "reports:read"], "reports:read", True),
        (["reports"], "reports:read", False),
        (["customers"], "customers:write", True),
        (["customers:read"], "customers:read", True),
        (["customers:read"], "customers:write", False),
        (["transactions:write"], "customers:read", False),
    ],
)
def test_scope_grants(granted, needed, allowed):
    assert ApiKey(scopes=granted).has_scope(needed) is allowed


def test_key_without_the_scope_gets_403(make_api_client):
    client = make_api_client(["screening"])
    response = client.get("/api/v1/customers/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
