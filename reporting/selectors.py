"""Reads for reporting: settings rows, lookups, the goAML registration, reports and deadlines."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from core import selectors as core_selectors
from reporting import deadlines
from reporting.goaml.builder import Address, Person, Phone, ReportingEntity
from reporting.goaml.lookups import DEFAULT_LOOKUPS, Lookups
from reporting.lookup_tables import LookupRow, lookups_from_rows
from reporting.models import (
    FilingSettings,
    LookupCode,
    Report,
    ReportingEntityProfile,
)


def filing_settings() -> FilingSettings:
    """The settings row (created with its defaults if the data migration's row is gone)."""
    settings, _ = FilingSettings.objects.get_or_create(pk=1)
    return settings


def closure_dates() -> list[date]:
    """Core's closure days: filing deadlines count the same days as case SLAs."""
    return core_selectors.closure_dates()


def current_lookups() -> Lookups:
    """The FMU lookup lists from the database (the defaults when the table is empty)."""
    rows = [
        LookupRow(table, code, description, data or {})
        for table, code, description, data in LookupCode.objects.filter(is_active=True)
        .values_list("table", "code", "description", "data")
        .iterator()
    ]
    return lookups_from_rows(rows) if rows else DEFAULT_LOOKUPS


def active_profile() -> ReportingEntityProfile:
    profile = ReportingEntityProfile.objects.filter(is_active=True).first()
    if profile is None:
        raise ReportingEntityProfile.DoesNotExist(
            "No active goAML registration: add one under Reporting > reporting entity."
        )
    return profile


def reporting_entity(profile: ReportingEntityProfile | None = None) -> ReportingEntity:
    """The exchange's goAML registration as the builder's dataclass."""
    p = profile or active_profile()
    phones = []
    if p.person_phone_number:
        phones.append(
            Phone(
                contact_type="BUSINESS",
                communication_type="MOBILE",
                country_prefix=p.person_phone_prefix,
                number=p.person_phone_number,
            )
        )
    return ReportingEntity(
        rentity_id=p.rentity_id,
        branch=p.branch,
        name=p.name,
        institution_code=p.institution_code or None,
        swift=p.swift or None,
        location=Address(
            address_type="BUSINESS",
            address=p.address,
            district=p.district or None,
            city=p.city,
            state=p.province or None,
            zip=p.postal_code or None,
            country_code=p.country_code,
        ),
        reporting_person=Person(
            title=p.person_title or None,
            first_name=p.person_first_name,
            last_name=p.person_last_name,
            phones=phones,
            email=p.person_email or None,
            occupation=p.person_occupation or None,
        ),
    )


# --------------------------------------------------------------------------------- deadlines


def str_due_for(suspicion_formed_at: datetime) -> datetime:
    settings = filing_settings()
    return deadlines.str_due_at(suspicion_formed_at, settings.str_working_days, closure_dates())


def ctr_due_for(transaction_at: datetime) -> datetime:
    settings = filing_settings()
    return deadlines.ctr_due_at(transaction_at, settings.ctr_schedule_days, closure_dates())


# ----------------------------------------------------------------------------------- reports


def list_reports(*, kind: str | None = None, status: str | None = None) -> QuerySet[Report]:
    reports = Report.objects.select_related("customer").order_by("-created_at", "id")
    if kind:
        reports = reports.filter(kind=kind)
    if status:
        reports = reports.filter(status=status)
    return reports


def get_report(pk: object) -> Report:
    try:
        return Report.objects.select_related("customer").get(pk=pk)
    except (Report.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such report.") from exc


def overdue_reports(now: datetime | None = None) -> QuerySet[Report]:
    """Reports not yet submitted whose due time has passed."""
    return Report.objects.filter(
        status__in=Report.OPEN_STATUSES, due_at__lt=now or timezone.now()
    ).order_by("due_at")


def due_soon(days: int = 2, now: datetime | None = None) -> QuerySet[Report]:
    now = now or timezone.now()
    return Report.objects.filter(
        status__in=Report.OPEN_STATUSES,
        due_at__gte=now,
        due_at__lt=now + timedelta(days=days),
    ).order_by("due_at")


def reports_for_customers(customer_ids: Iterable[object]) -> QuerySet[Report]:
    return Report.objects.filter(customer_id__in=list(customer_ids)).order_by("created_at")


# A draft task normally runs within seconds of its decision; past this it was lost.
LOST_DRAFT_AFTER = timedelta(minutes=5)


def lost_draft_origins() -> tuple[list[tuple], list]:
    """(case id, decision id) of approved STR decisions and ids of confirmed true matches whose
    draft report does not exist though it should have been made by now."""
    from compliance.cases.models import Decision
    from compliance.screening.models import ScreeningHit

    cutoff = timezone.now() - LOST_DRAFT_AFTER
    drafted = set(
        Report.objects.filter(origin__regex=r"^(case|screening_hit):").values_list(
            "origin", flat=True
        )
    )
    decisions = Decision.objects.filter(
        kind=Decision.Kind.STR_DECISION,
        status=Decision.Status.APPROVED,
        decided_at__lt=cutoff,
    ).values_list("case_id", "pk")
    cases = [(case_id, pk) for case_id, pk in decisions if f"case:{case_id}" not in drafted]
    confirmed = ScreeningHit.objects.filter(
        status=ScreeningHit.Status.TRUE_MATCH, confirmed_at__lt=cutoff
    ).values_list("pk", flat=True)
    hits = [pk for pk in confirmed if f"screening_hit:{pk}" not in drafted]
    return cases, hits
