"""Deadline alerts: the MLRO hears about overdue filings."""

from __future__ import annotations

import logging
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from core import audit, roles
from core.actors import Actor
from reporting import selectors
from reporting.models import OverdueNotice

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------------- deadlines


def mlro_recipients() -> list[str]:
    users = (
        get_user_model().objects.filter(groups__name=roles.MLRO, is_active=True).exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def alert_overdue(*, now: datetime | None = None) -> list[OverdueNotice]:
    """Tell the MLRO about reports past their due time: once per report per Karachi day.

    Each notice is a row and an audit event; one e-mail lists them all.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    reports = list(
        selectors.overdue_reports(now)
        .exclude(overdue_notices__notified_on=today)
        .select_related("customer")
    )
    if not reports:
        return []
    recipients = mlro_recipients()
    lines = []
    for report in reports:
        late = now - report.due_at
        lines.append(
            f"{report.reference} ({report.kind}, {report.get_status_display().lower()}): due "
            f"{timezone.localtime(report.due_at):%d %b %Y %H:%M} PKT, overdue by "
            f"{late.days} day(s) {late.seconds // 3600} hour(s)"
        )
    body = (
        "These filings to the FMU are past their deadline:\n\n"
        + "\n".join(lines)
        + "\n\nOpen Reporting > Reports in Nigraan to finish them."
    )
    notices = []
    with transaction.atomic():
        for report, line in zip(reports, lines, strict=True):
            notice, created = OverdueNotice.objects.get_or_create(
                report=report,
                notified_on=today,
                defaults={"recipients": recipients, "message": line},
            )
            if created:
                notices.append(notice)
        audit.record_many(
            [
                audit.Entry(
                    actor=Actor.automated("reporting.deadlines"),
                    action="report.overdue_alerted",
                    obj=notice.report,
                    after={"due_at": notice.report.due_at, "recipients": recipients},
                )
                for notice in notices
            ]
        )
    if notices and recipients:
        try:
            send_mail(
                subject=f"[Nigraan] {len(notices)} FMU filing(s) overdue",
                message=body,
                from_email=None,
                recipient_list=recipients,
            )
        except Exception:  # the notice rows stand; the next run does not resend
            logger.exception("overdue e-mail to the MLRO failed")
        else:
            OverdueNotice.objects.filter(pk__in=[n.pk for n in notices]).update(email_sent=True)
    return notices
