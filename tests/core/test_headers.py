"""Content-Security-Policy on the admin and the API docs; Swagger UI from the pinned package."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {p.split()[0]: p.split()[1:] for p in header.split(";") if p.strip()}


@pytest.mark.parametrize("path", ["/admin/login/", "/api/docs/", "/api/schema/"])
def test_pages_carry_a_content_security_policy(path):
    response = Client().get(path)
    assert response.status_code == 200
    policy = _policy(response)
    # Scripts from this server only, never inline ('unsafe-eval' is for the admin's Alpine.js).
    assert policy["script-src"] == ["'self'", "'unsafe-eval'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


def test_swagger_ui_comes_from_this_server_and_has_no_inline_script():
    page = Client().get("/api/docs/").content.decode()
    sources = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "cdn" not in page.lower()
    assert not re.search(r"<script(?![^>]*src=)[^>]*>\s*\S", page), "inline script"
    assert any("drf_spectacular_sidecar" in s for s in sources)
