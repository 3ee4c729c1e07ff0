"""API.md "Screening": name and wallet look-ups, screen_batch and import_watchlist commands."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from contract_fixtures import *  # noqa: F403
from contract_fixtures import (
    API,
    approve,
    assert_error_shape,
    create_customer,
    individual_body,
)
from django.core.management import call_command

pytestmark = pytest.mark.django_db
SEARCH = f"{API}/screening/search/"
WALLET = f"{API}/screening/wallet/"
MATCH_FIELDS = {"list", "entry_id", "name", "matched_name", "score", "reasons"}
LISTED_ETH = "0x1111111111111111111111111111111111111111"
LISTED_TRON = "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"

UN_XML = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-10-01T00:00:00">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>6908555</DATAID>
      <FIRST_NAME>MUHAMMAD</FIRST_NAME>
      <SECOND_NAME>TAHIR</SECOND_NAME>
      <THIRD_NAME>ANWAR</THIRD_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
      <REFERENCE_NUMBER>QDi.001</REFERENCE_NUMBER>
      <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Mohd Tahir Anwar</ALIAS_NAME>
      </INDIVIDUAL_ALIAS>
      <NATIONALITY><VALUE>Pakistan</VALUE></NATIONALITY>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1971-03-05</DATE>
      </INDIVIDUAL_DATE_OF_BIRTH>
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES>
    <ENTITY>
      <DATAID>6908600</DATAID>
      <FIRST_NAME>AL-RASHID TRUST</FIRST_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
      <REFERENCE_NUMBER>QDe.005</REFERENCE_NUMBER>
    </ENTITY>
  </ENTITIES>
</CONSOLIDATED_LIST>
"""

OFAC_XML = f"""<?xml version="1.0" standalone="yes"?>
<sdnList xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML">
  <publshInformation><Publish_Date>10/01/2026</Publish_Date><Record_Count>1</Record_Count>
  </publshInformation>
  <sdnEntry>
    <uid>36001</uid>
    <firstName>Abdul Rehman</firstName>
    <lastName>CHAUDHRY</lastName>
    <sdnType>Individual</sdnType>
    <programList><program>SDGT</program></programList>
    <idList>
      <id><uid>9002</uid><idType>Digital Currency Address - ETH</idType>
      <idNumber>{LISTED_ETH}</idNumber></id>
    </idList>
    <dateOfBirthList><dateOfBirthItem><uid>9201</uid><dateOfBirth>12 Jan 1975</dateOfBirth>
    </dateOfBirthItem></dateOfBirthList>
  </sdnEntry>
</sdnList>
"""

NACTA_CSV = """sr_no,name,father_name,cnic,province,district,status
1,Qari Muhammad Yousaf,Abdul Ghafoor,61101-1234567-9,Islamabad,Islamabad,Proscribed
"""

HOUSE_HEADER = (
    "entry_id,list,kind,name,aliases,date_of_birth,nationality,id_numbers,wallet_addresses,"
    "program\n"
)
HOUSE_CSV = (
    HOUSE_HEADER + "HW-001,HOUSE,person,Muhammad Ismail Javed,Mohammad Ismael Javaid;Ismail Javed,"
    "1990-04-20,PK,33119-5154287-7,,UN-1267\n"
    + f"HW-002,HOUSE,entity,Ameen Madrassa,,,PK,,TRX:{LISTED_TRON},NACTA-4TH-SCHEDULE\n"
)


def import_list(tmp_path: Path, source: str, text: str, *extra: str) -> str:
    path = tmp_path / f"{source}-{len(list(tmp_path.iterdir()))}.list"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("import_watchlist", "--source", source, str(path), *extra, stdout=out)
    return out.getvalue()


def search(client, **body) -> list[dict]:
    response = client.post(SEARCH, body, format="json")
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"matches"}
    matches = response.json()["matches"]
    for match in matches:
        assert set(match) == MATCH_FIELDS, match
        assert isinstance(match["score"], int | float) and 0 <= match["score"] <= 1
        assert isinstance(match["reasons"], list)
        assert all(isinstance(reason, str) for reason in match["reasons"])
    scores = [m["score"] for m in matches]
    assert scores == sorted(scores, reverse=True)  # best first
    return matches


@pytest.fixture
def un_list(tmp_path):
    import_list(tmp_path, "un", UN_XML, "--no-rescreen")


# -- POST /screening/search/ ---------------------------------------------------------------------


def test_a_name_search_answers_matches_best_first_with_the_lists_own_entry_id(api_client, un_list):
    matches = search(
        api_client,
        name="Mohd Tahir Anwar",
        date_of_birth="1971-03-05",
        nationality="PK",
        kind="person",
    )

    assert matches and matches[0]["entry_id"] == "QDi.001"
    assert matches[0]["list"] == "UN"
    assert matches[0]["reasons"]


def test_optional_fields_may_be_left_out_and_threshold_narrows(api_client, un_list):
    loose = search(api_client, name="Tahir Anwar", kind="person", threshold=0.6)
    strict = search(api_client, name="Tahir Anwar", kind="person", threshold=1.0)

    assert len(strict) <= len(loose)
    assert all(m["score"] >= 0.6 for m in loose)


def test_an_id_number_is_accepted_as_evidence(api_client, un_list):
    matches = search(
        api_client, name="Muhammad Tahir Anwar", id_number="35202-5556667-1", kind="person"
    )

    assert matches[0]["entry_id"] == "QDi.001"


def test_an_entity_search_finds_listed_entities(api_client, un_list):
    matches = search(api_client, name="Al Rashid Trust", kind="entity")

    assert matches[0]["entry_id"] == "QDe.005"


def test_no_match_is_an_empty_list(api_client, un_list):
    assert search(api_client, name="Ayesha Siddiqui", kind="person") == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "person"}, "name"),
        ({"name": "Tahir Anwar", "kind": "vessel"}, "kind"),
        ({"name": "Tahir Anwar", "kind": "person", "threshold": 1.5}, "threshold"),
        ({"name": "Tahir Anwar", "kind": "person", "date_of_birth": "soon"}, "date_of_birth"),
        ({"name": "Tahir Anwar", "kind": "person", "alias": "Abu Tahir"}, "alias"),
    ],
)
def test_a_bad_search_is_400_naming_the_field(api_client, body, field):
    assert_error_shape(api_client.post(SEARCH, body, format="json"), field)


# -- POST /screening/wallet/ ---------------------------------------------------------------------


def test_a_listed_wallet_is_sanctioned_with_its_match(api_client, tmp_path):
    import_list(tmp_path, "ofac_sdn", OFAC_XML, "--no-rescreen")

    response = api_client.post(
        WALLET,
        {"chain": "ethereum", "address": LISTED_ETH.upper().replace("0X", "0x")},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"sanctioned", "matches"}
    assert body["sanctioned"] is True
    assert body["matches"][0]["entry_id"] == "36001"  # the OFAC uid
    assert set(body["matches"][0]) == MATCH_FIELDS


def test_an_unlisted_wallet_is_not_sanctioned(api_client, tmp_path):
    import_list(tmp_path, "ofac_sdn", OFAC_XML, "--no-rescreen")

    response = api_client.post(
        WALLET, {"chain": "bitcoin", "address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"},
        format="json",
    )  # fmt: skip

    assert response.json() == {"sanctioned": False, "matches": []}


def test_a_wallet_check_without_an_address_is_400(api_client):
    assert_error_shape(api_client.post(WALLET, {"chain": "tron"}, format="json"), "address")


# -- import_watchlist --source un|ofac_sdn|nacta|csv FILE ----------------------------------------


def test_each_source_format_is_imported_and_reported_with_its_own_entry_ids(api_client, tmp_path):
    for source, text in (
        ("un", UN_XML),
        ("ofac_sdn", OFAC_XML),
        ("nacta", NACTA_CSV),
        ("csv", HOUSE_CSV),
    ):
        output = import_list(tmp_path, source, text, "--no-rescreen")
        assert "added" in output, (source, output)

    def top(name, kind="person"):
        return search(api_client, name=name, kind=kind)[0]["entry_id"]

    assert top("Muhammad Tahir Anwar") == "QDi.001"
    assert top("Abdul Rehman Chaudhry") == "36001"
    assert top("Muhammad Ismail Javed") == "HW-001"
    assert top("Ameen Madrassa", kind="entity") == "HW-002"
    assert search(api_client, name="Qari Muhammad Yousaf", kind="person")
    tron = api_client.post(WALLET, {"chain": "tron", "address": LISTED_TRON}, format="json")
    assert tron.json()["sanctioned"] is True


def test_reimporting_a_list_applies_the_delta(api_client, tmp_path):
    import_list(tmp_path, "csv", HOUSE_CSV, "--no-rescreen")
    without_first = HOUSE_HEADER + HOUSE_CSV.splitlines(keepends=True)[2]
    with_new = without_first + "HW-003,HOUSE,person,Habib-ur-Rehman Iqbal,,1993,AF,,,OFAC-SDGT\n"

    output = import_list(tmp_path, "csv", with_new, "--no-rescreen", "--allow-mass-removal")

    assert "1 added" in output and "1 removed" in output
    assert search(api_client, name="Muhammad Ismail Javed", kind="person", threshold=0.9) == []
    assert search(api_client, name="Habib ur Rehman Iqbal", kind="person")[0]["entry_id"] == (
        "HW-003"
    )


def test_an_import_rescreens_customers_against_what_changed(
    api_client, tmp_path, django_capture_on_commit_callbacks
):
    from compliance.screening.models import ScreeningHit, WatchlistVersion

    customer = create_customer(
        api_client,
        individual_body(full_name="Muhammad Ismail Javed", date_of_birth="1990-04-20"),
    )

    with django_capture_on_commit_callbacks(execute=True):
        import_list(tmp_path, "csv", HOUSE_CSV)

    version = WatchlistVersion.objects.get()
    assert version.rescreen_finished_at is not None and version.rescreen_hits == 1
    hit = ScreeningHit.objects.get(customer_id=customer["id"])
    assert hit.entry.entry_id == "HW-001"


# -- what the customers API screens ------------------------------------------------------------


def test_a_change_to_a_screened_field_rescreens_the_customer(
    api_client, tmp_path, django_capture_on_commit_callbacks
):
    from compliance.screening.models import ScreeningHit

    import_list(tmp_path, "csv", HOUSE_CSV, "--no-rescreen")
    customer = create_customer(api_client)
    approve(customer["id"])
    assert not ScreeningHit.objects.filter(customer_id=customer["id"]).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.patch(
            f"{API}/customers/{customer['id']}/",
            {"full_name": "Muhammad Ismail Javed", "date_of_birth": "1990-04-20"},
            format="json",
        )

    assert response.status_code == 200, response.content
    hit = ScreeningHit.objects.get(customer_id=customer["id"])
    assert hit.entry.entry_id == "HW-001"


def test_a_registered_wallet_is_screened(api_client, tmp_path, django_capture_on_commit_callbacks):
    from compliance.screening.models import ScreeningHit

    import_list(tmp_path, "csv", HOUSE_CSV, "--no-rescreen")
    customer = create_customer(api_client)
    approve(customer["id"])

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            f"{API}/customers/{customer['id']}/wallets/",
            {"chain": "tron", "address": LISTED_TRON},
            format="json",
        )

    assert response.status_code == 201, response.content
    hit = ScreeningHit.objects.get(customer_id=customer["id"])
    assert hit.entry.entry_id == "HW-002"


# -- screen_batch input.csv --output results.csv -------------------------------------------------


def test_screen_batch_writes_one_row_per_match_best_first_and_none_without_a_match(
    un_list, tmp_path
):
    source = tmp_path / "input.csv"
    source.write_text(
        "ref,name,date_of_birth,nationality,kind\n"
        "R1,Mohd Tahir Anwar,1971-03-05,PK,person\n"
        "R2,Ayesha Siddiqui,,,person\n"
        "R3,Al Rashid Trust,,,entity\n",
        encoding="utf-8",
    )
    results = tmp_path / "results.csv"

    call_command("screen_batch", str(source), "--output", str(results), stdout=StringIO())

    with results.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["ref", "entry_id", "list", "matched_name", "score"]
    by_ref: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        by_ref.setdefault(row[0], []).append(row)
    assert set(by_ref) == {"R1", "R3"}
    assert by_ref["R1"][0][1:3] == ["QDi.001", "UN"]
    assert by_ref["R3"][0][1] == "QDe.005"
    for matches in by_ref.values():
        scores = [float(row[4]) for row in matches]
        assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
