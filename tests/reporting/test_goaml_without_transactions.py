"""Reports without transactions: goAML's activity form, as the published 5.0.1 schema has it."""

from dataclasses import replace

import pytest
from lxml import etree
from reporting_helpers import confirmed_hit
from test_goaml_builder import CUSTOMER, crypto_str

from compliance.screening.signals import true_match_confirmed
from reporting.goaml.builder import Entity, ReportParty, build_report_xml
from reporting.goaml.published import check_published
from reporting.goaml.validation import validate_report_xml
from reporting.models import Report


def strf_without_transactions(**changes):
    fields = {
        "kind": "STR-F",
        "transactions": [],
        "parties": [ReportParty(person=CUSTOMER, significance=10)],
        "indicators": ["TFS_MATCH"],
    }
    return replace(crypto_str(), **{**fields, **changes})


def test_an_str_f_without_transactions_is_an_activity_report_valid_against_the_schema():
    xml = build_report_xml(strf_without_transactions())
    root = etree.fromstring(xml)

    assert validate_report_xml(xml) == []
    assert root.find("transaction") is None
    party = root.find("activity/report_parties/report_party")
    assert party.findtext("person/last_name") == CUSTOMER.last_name
    assert party.findtext("significance") == "10"
    # The activity sits where transactions would, before the indicators.
    assert [c.tag for c in root][-2:] == ["activity", "report_indicators"]


def test_an_entity_can_be_the_party_of_an_str_without_transactions():
    firm = Entity(name="Indus Bullion Traders", incorporation_country_code="PK")
    xml = build_report_xml(
        strf_without_transactions(kind="STR", parties=[ReportParty(entity=firm)])
    )

    assert validate_report_xml(xml) == []
    assert etree.fromstring(xml).findtext("activity/report_parties/report_party/entity/name") == (
        "Indus Bullion Traders"
    )


def test_a_report_with_neither_transactions_nor_parties_is_refused():
    with pytest.raises(ValueError, match="transactions or, without them, report parties"):
        build_report_xml(strf_without_transactions(parties=[]))


def test_a_ctr_without_its_cash_transaction_does_not_validate():
    xml = build_report_xml(strf_without_transactions(kind="CTR"))

    problems = validate_report_xml(xml)
    assert [p.path for p in problems] == ["/report/transaction"]
    assert "cash transaction" in problems[0].message


def test_activity_out_of_order_is_named_by_the_schema():
    xml = build_report_xml(strf_without_transactions())
    root = etree.fromstring(xml)
    activity = root.find("activity")
    root.remove(activity)
    root.insert(3, activity)

    problems = validate_report_xml(etree.tostring(root))
    assert problems and problems[0].path.startswith("/report/")


# A published schema carries its FIU's lookup lists as enumerations (XSD 1.1 like goAML 5.0.1).
PUBLISHED = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:vc="http://www.w3.org/2007/XMLSchema-versioning" vc:minVersion="1.1">
  <xs:element name="report"><xs:complexType><xs:sequence>
    <xs:element name="report_code" type="report_type"/>
    <xs:element name="rentity_branch"><xs:simpleType><xs:restriction base="xs:string">
      <xs:minLength value="1"/></xs:restriction></xs:simpleType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
  <xs:simpleType name="report_type"><xs:restriction base="xs:string">
    <xs:enumeration value="STR"/><xs:enumeration value="CTR"/>
  </xs:restriction></xs:simpleType>
</xs:schema>"""


def test_published_schema_check_leaves_lookup_codes_to_the_fmu_lists_but_not_structure(
    tmp_path,
):
    xsd = tmp_path / "published.xsd"
    xsd.write_text(PUBLISHED)

    assert check_published(b"<report><report_code>STR-F</report_code>"
                           b"<rentity_branch>HQ</rentity_branch></report>", xsd) == []  # fmt: skip
    problems = check_published(b"<report><report_code>STR-F</report_code>"
                               b"<rentity_branch></rentity_branch></report>", xsd)  # fmt: skip
    assert [p.path for p in problems] == ["/report/rentity_branch"]


@pytest.mark.django_db
def test_confirmed_match_on_a_customer_without_transactions_drafts_a_valid_str_f(
    customer, officers
):
    hit = confirmed_hit(customer, officers["mlro"])

    true_match_confirmed.send(sender=None, hit_id=hit.pk)

    report = Report.objects.get(screening_hit=hit)
    assert report.kind == "STR-F" and report.transactions.count() == 0
    assert report.validation_problems == []
    root = etree.fromstring(report.xml.encode())
    assert root.find("activity/report_parties/report_party/person") is not None
