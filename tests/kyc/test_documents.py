"""Uploads: type from content (JPEG/PNG/PDF), size limit, SHA-256, Django storage."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import ValidationFailed
from kyc import documents, services

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def docs_url(customer):
    return f"/api/v1/customers/{customer.pk}/documents/"


@pytest.mark.parametrize(
    ("content", "mime"), [(PNG, "image/png"), (JPEG, "image/jpeg"), (PDF, "application/pdf")]
)
def test_jpeg_png_and_pdf_are_stored_with_their_sniffed_type_and_sha256(
    make_customer, system_actor, content, mime
):
    customer = make_customer()
    document = services.add_document(
        customer=customer, actor=system_actor, kind="id_front", file=content
    )
    assert document.content_type == mime
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size_bytes == len(content)
    with document.file.open("rb") as stored:
        assert stored.read() == content
    assert documents.verify_integrity(document)


def test_client_content_type_and_filename_are_not_trusted(api_client, make_customer):
    customer = make_customer()
    fake = SimpleUploadedFile("passport.jpg", GIF, content_type="image/jpeg")
    response = api_client.post(docs_url(customer), {"kind": "id_front", "file": fake})
    assert response.status_code == 400
    assert response.json()["errors"]["file"] == [
        "Only JPEG, PNG or PDF files are accepted; got image/gif."
    ]


def test_a_pdf_named_exe_is_stored_as_pdf(api_client, make_customer):
    customer = make_customer()
    upload = SimpleUploadedFile("statement.exe", PDF, content_type="application/octet-stream")
    response = api_client.post(docs_url(customer), {"kind": "source_of_funds", "file": upload})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["content_type"] == "application/pdf"
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    stored = customer.documents.get()
    assert stored.file.name.endswith(".pdf") and "statement" not in stored.file.name


def test_files_over_the_size_limit_are_refused(api_client, make_customer, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    customer = make_customer()
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * 2000, content_type="image/png")
    response = api_client.post(docs_url(customer), {"kind": "selfie", "file": big})
    assert response.status_code == 400
    assert "1024-byte limit" in response.json()["errors"]["file"][0]


def test_a_file_exactly_at_the_limit_is_accepted(make_customer, system_actor, settings):
    content = PNG + b"\x00" * 100
    settings.DOCUMENT_MAX_BYTES = len(content)
    document = services.add_document(
        customer=make_customer(), actor=system_actor, kind="selfie", file=content
    )
    assert document.size_bytes == len(content)


def test_empty_and_unknown_kinds_are_400(api_client, make_customer):
    customer = make_customer()
    empty = SimpleUploadedFile("x.png", b"", content_type="image/png")
    assert api_client.post(docs_url(customer), {"kind": "selfie", "file": empty}).status_code == 400
    png = SimpleUploadedFile("x.png", PNG, content_type="image/png")
    response = api_client.post(docs_url(customer), {"kind": "tattoo", "file": png})
    assert response.status_code == 400 and "kind" in response.json()["errors"]


def test_missing_file_is_400(api_client, make_customer):
    response = api_client.post(docs_url(make_customer()), {"kind": "selfie"})
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_uploading_the_same_file_again_stores_nothing_twice(api_client, make_customer):
    customer = make_customer()
    first = api_client.post(
        docs_url(customer), {"kind": "selfie", "file": SimpleUploadedFile("a.png", PNG)}
    )
    again = api_client.post(
        docs_url(customer), {"kind": "selfie", "file": SimpleUploadedFile("b.png", PNG)}
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert customer.documents.count() == 1


def test_the_upload_is_audited(make_customer, system_actor):
    from core import audit

    customer = make_customer()
    services.add_document(customer=customer, actor=system_actor, kind="selfie", file=PNG)
    event = audit.events_for(customer).get(action="customer.document_added")
    assert event.after["sha256"] == hashlib.sha256(PNG).hexdigest()


def test_sniff_rejects_text():
    with pytest.raises(ValidationFailed):
        documents.sniff(b"hello, this is not an image")
