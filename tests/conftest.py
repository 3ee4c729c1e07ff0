"""Shared fixtures. The suite runs against real PostgreSQL (DATABASE_URL, set by `make test`)."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from rest_framework.test import APIClient


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        raise pytest.UsageError(
            "The test suite runs on PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/"
            "nigraan (make test does) and start PostgreSQL with "
            "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`."
        )


@pytest.fixture
def make_api_client(db):
    from core.actors import Actor
    from core.api_keys import create_api_key

    counter = {"n": 0}

    def make(scopes: list[str] | None = None) -> APIClient:
        counter["n"] += 1
        _, plaintext = create_api_key(
            name=f"test-key-{counter['n']}-{os.getpid()}",
            scopes=scopes if scopes is not None else ["*"],
            actor=Actor.automated("tests"),
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
        client.api_key_plaintext = plaintext
        return client

    return make


@pytest.fixture
def api_client(make_api_client) -> APIClient:
    return make_api_client()


@pytest.fixture
def staff_user(db):
    """``staff_user("MLRO")`` makes a staff user in that role (a new one per call)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    counter = {"n": 0}

    def make(role: str, username: str | None = None):
        counter["n"] += 1
        user = get_user_model().objects.create_user(
            username=username or f"{role.lower()}-{counter['n']}",
            password="correct-horse-battery-staple",
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def actor_for():
    from core.actors import Actor

    return Actor.for_user
