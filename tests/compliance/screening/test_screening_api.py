"""POST /screening/search/ and /screening/wallet/ (API.md "Screening")."""

from __future__ import annotations

import pytest
from screening_fixtures import *  # noqa: F403
from screening_helpers import entry

pytestmark = pytest.mark.django_db

SEARCH, WALLET = "/api/v1/screening/search/", "/api/v1/screening/wallet/"


@pytest.fixture
def lists(import_house):
    return import_house(
        [
            entry("QDi.001", "Muhammad Tahir Anwar", date_of_birth="1971-03-05", list="UN"),
            entry("QDi.002", "Tahir Anwar Khan", date_of_birth="1980", list="UN"),
            entry(
                "OF-W",
                "Garantex Europe",
                kind="entity",
                wallet_addresses="ETH:0xabcdef0123456789abcdef0123456789abcdef01",
            ),
        ]
    )


def test_search_answers_matches_best_first_with_list_entry_id_and_reasons(api_client, lists):
    response = api_client.post(
        SEARCH,
        {"name": "Mohd Tahir Anwar", "date_of_birth": "1971-03-05", "kind": "person"},
        format="json",
    )
    assert response.status_code == 200
    matches = response.json()["matches"]
    assert matches[0]["list"] == "UN" and matches[0]["entry_id"] == "QDi.001"
    assert matches[0]["matched_name"] == "Muhammad Tahir Anwar"
    assert 0 < matches[0]["score"] <= 1 and matches[0]["reasons"]
    scores = [m["score"] for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert set(matches[0]) == {"list", "entry_id", "name", "matched_name", "score", "reasons"}


def test_search_with_a_higher_threshold_returns_fewer_matches(api_client, lists):
    body = {"name": "Tahir Anwar", "kind": "person"}
    loose = api_client.post(SEARCH, {**body, "threshold": 0.7}, format="json").json()["matches"]
    strict = api_client.post(SEARCH, {**body, "threshold": 1.0}, format="json").json()["matches"]
    assert len(strict) < len(loose)


def test_search_without_a_match_is_an_empty_list(api_client, lists):
    response = api_client.post(SEARCH, {"name": "Ayesha Siddiqui", "kind": "person"}, format="json")
    assert response.status_code == 200 and response.json() == {"matches": []}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "person"}, "name"),
        ({"name": "Tahir", "kind": "vessel"}, "kind"),
        ({"name": "Tahir", "kind": "person", "threshold": 2}, "threshold"),
        ({"name": "Tahir", "kind": "person", "date_of_birth": "last year"}, "date_of_birth"),
        ({"name": "12345", "kind": "person"}, "name"),
        ({"name": "Tahir", "kind": "person", "alias": "x"}, "alias"),
        ({"name": "", "kind": "person"}, "name"),
        ({"name": "M", "kind": "person"}, "name"),
        ({"name": "T" * 10_000, "kind": "person"}, "name"),
        ({"name": "\u200f\u200e\u0007", "kind": "person"}, "name"),
        ({"name": "Tahir\x00Anwar", "kind": "person"}, "name"),
    ],
)
def test_search_rejects_bad_input_with_a_message_per_field(api_client, body, field):
    response = api_client.post(SEARCH, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and field in response.json()["errors"]


@pytest.mark.parametrize(
    "written",
    [
        "Muhammad\u200f Tahir\u200e Anwar",  # right-to-left and left-to-right marks
        "Muhammad\tTahir\x07 Anwar",  # control characters
        "محمد Tahir Anwar",  # mixed scripts
    ],
)
def test_marks_control_characters_and_mixed_scripts_are_normalized(api_client, lists, written):
    response = api_client.post(
        SEARCH, {"name": written, "date_of_birth": "1971-03-05", "kind": "person"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["matches"][0]["entry_id"] == "QDi.001"


def test_a_cyrillic_name_matches_its_latin_listing(api_client, import_house):
    import_house([entry("RU-1", "Sergey Ivanov", list="UN")])
    response = api_client.post(SEARCH, {"name": "Сергей Иванов", "kind": "person"}, format="json")
    assert response.json()["matches"][0]["entry_id"] == "RU-1"


def test_listed_wallet_is_sanctioned_whatever_the_letter_case(api_client, lists):
    response = api_client.post(
        WALLET,
        {"chain": "ethereum", "address": "0xABCDEF0123456789ABCDEF0123456789ABCDEF01"},
        format="json",
    )
    body = response.json()
    assert response.status_code == 200 and body["sanctioned"] is True
    assert body["matches"][0]["entry_id"] == "OF-W" and body["matches"][0]["score"] == 1


def test_unlisted_wallet_is_not_sanctioned(api_client, lists):
    response = api_client.post(
        WALLET,
        {"chain": "bitcoin", "address": "bc1qnotlistedanywhere000000000000000"},
        format="json",
    )
    assert response.json() == {"sanctioned": False, "matches": []}


def test_wallet_needs_an_address(api_client):
    response = api_client.post(WALLET, {"chain": "bitcoin"}, format="json")
    assert response.status_code == 400 and "address" in response.json()["errors"]


@pytest.mark.parametrize("path", [SEARCH, WALLET])
def test_a_key_without_the_screening_scope_is_refused(make_api_client, path):
    client = make_api_client(["customers:read", "customers:write"])
    response = client.post(path, {"name": "Tahir", "kind": "person"}, format="json")
    assert response.status_code == 403


def test_a_key_with_only_the_screening_scope_may_search(make_api_client, lists):
    client = make_api_client(["screening"])
    response = client.post(SEARCH, {"name": "Tahir Anwar Khan", "kind": "person"}, format="json")
    assert response.status_code == 200 and response.json()["matches"]
