"""Small helpers shared by the reporting tests (imported by basename, like conftest)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from reporting.submission import Submission

KARACHI = ZoneInfo("Asia/Karachi")


def pkt(*args: int) -> datetime:
    return datetime(*args, tzinfo=KARACHI)


CHANGELIST = "/admin/reporting/report/"


def login(user):
    """An admin session for ``user`` (MLRO and Admin with a verified TOTP device)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if user.groups.filter(name__in=["MLRO", "Admin"]).exists():
        device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


class SilentGoAML:
    """A goAML adapter whose FMU has not answered yet."""

    def submit(self, *, reference: str, xml: bytes) -> Submission:
        return Submission(transport_ref=f"upload:{reference}", submitted_at=timezone.now())

    def outcome(self, *, reference: str) -> None:
        return None


def confirmed_hit(customer, confirmer):
    """A UN-list hit on ``customer`` confirmed as a true match by ``confirmer``."""
    import uuid
    from decimal import Decimal

    from compliance.screening.models import (
        ScreeningHit,
        Watchlist,
        WatchlistEntry,
        WatchlistVersion,
    )

    watchlist = Watchlist.objects.create(
        code=f"UN-{uuid.uuid4().hex[:6]}", name="UN 1267", source_kind="un"
    )
    version = WatchlistVersion.objects.create(
        watchlist=watchlist,
        number=1,
        imported_at=timezone.now(),
        file_sha256="0" * 64,
        imported_by="tests",
    )
    entry = WatchlistEntry.objects.create(
        watchlist=watchlist,
        entry_id="QDi.401",
        list_code="UN",
        kind="person",
        primary_name="Listed Person",
        fingerprint="f" * 64,
        first_version=version,
        last_version=version,
    )
    now = timezone.now()
    return ScreeningHit.objects.create(
        customer=customer,
        subject_kind="customer",
        subject_key="customer:name",
        subject_name=customer.full_name,
        entry=entry,
        list_version=version,
        origin="onboarding",
        score=Decimal("0.9700"),
        matched_name="Listed Person",
        reasons=["name", "date_of_birth"],
        status=ScreeningHit.Status.TRUE_MATCH,
        decided_at=now,
        reason="Name and date of birth match the UN entry",
        confirmed_by=confirmer,
        confirmed_at=now,
        confirmation_reason="Confirmed against the UN notice",
    )
