"""Customer documents: content-sniffed type, size limit, SHA-256, Django storage.

The client's filename and Content-Type are not trusted: the type comes from the file's magic
bytes (``filetype``) and only JPEG, PNG and PDF are kept. The stored name is the customer id and
the content hash, so nothing the client sends reaches the filesystem path.
"""

from __future__ import annotations

import hashlib
from typing import IO

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from core import audit
from core.actors import Actor
from core.errors import InvalidTransition, ValidationFailed
from kyc.models import Customer, CustomerDocument

ALLOWED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
CLOSED_STATUSES = (Customer.Status.CLOSED, Customer.Status.REJECTED)


def max_bytes() -> int:
    return int(getattr(settings, "DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff(content: bytes) -> tuple[str, str]:
    """``(mime, extension)`` from the content; raises ``ValidationFailed`` if not allowed."""
    kind = filetype.guess(content[:8192])
    if kind is None or kind.mime not in ALLOWED_TYPES:
        found = kind.mime if kind is not None else "unrecognised content"
        raise ValidationFailed(
            {"file": [f"Only JPEG, PNG or PDF files are accepted; got {found}."]}
        )
    return kind.mime, ALLOWED_TYPES[kind.mime]


def read_limited(file: IO[bytes] | bytes, limit: int) -> bytes:
    """The file's bytes, refusing anything over ``limit`` without reading it all."""
    if isinstance(file, bytes | bytearray):
        content = bytes(file)
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        content = file.read(limit + 1)
    if len(content) > limit:
        raise ValidationFailed({"file": [f"File is larger than the {limit}-byte limit."]})
    if not content:
        raise ValidationFailed({"file": ["The file is empty."]})
    return content


def add_document(
    *,
    customer: Customer,
    actor: Actor,
    kind: str,
    file: IO[bytes] | bytes,
    original_name: str = "",
) -> CustomerDocument:
    """Store one document for the customer (see ``upload_document``)."""
    document, _ = upload_document(
        customer=customer, actor=actor, kind=kind, file=file, original_name=original_name
    )
    return document


def upload_document(
    *,
    customer: Customer,
    actor: Actor,
    kind: str,
    file: IO[bytes] | bytes,
    original_name: str = "",
) -> tuple[CustomerDocument, bool]:
    """Store one document; ``False`` when the same content and kind was already stored (a
    client retry stores nothing twice)."""
    if customer.status in CLOSED_STATUSES:
        raise InvalidTransition(f"cannot add documents to a {customer.status} customer")
    if kind not in CustomerDocument.Kind.values:
        raise ValidationFailed({"kind": [f"Unknown document kind {kind!r}."]})
    content = read_limited(file, max_bytes())
    mime, extension = sniff(content)
    digest = hashlib.sha256(content).hexdigest()
    existing = CustomerDocument.objects.filter(customer=customer, kind=kind, sha256=digest).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        document = CustomerDocument(
            customer=customer,
            kind=kind,
            content_type=mime,
            extension=extension,
            size_bytes=len(content),
            sha256=digest,
            original_name=(original_name or "")[:255],
            uploaded_by=actor.label[:200],
        )
        document.file.save(f"{digest}.{extension}", ContentFile(content), save=False)
        document.save()
        audit.record(
            actor=actor,
            action="customer.document_added",
            obj=customer,
            after={
                "document": str(document.pk),
                "kind": kind,
                "content_type": mime,
                "size_bytes": len(content),
                "sha256": digest,
            },
        )
    return document, True


def verify_integrity(document: CustomerDocument) -> bool:
    """True if the stored file still hashes to the SHA-256 recorded at upload."""
    digest = hashlib.sha256()
    with document.file.open("rb") as stored:
        for chunk in iter(lambda: stored.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest() == document.sha256
