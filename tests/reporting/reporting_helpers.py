"""Small helpers shared by the reporting tests (imported by basename, like conftest)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from reporting.submission import Submission

KARACHI = ZoneInfo("Asia/Karachi")


def pkt(*args: int) -> datetime:
    return datetime(*args, tzinfo=KARACHI)


class SilentGoAML:
    """A goAML adapter whose FMU has not answered yet."""

    def submit(self, *, reference: str, xml: bytes) -> Submission:
        return Submission(transport_ref=f"upload:{reference}", submitted_at=timezone.now())

    def outcome(self, *, reference: str) -> None:
        return None
