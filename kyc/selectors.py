"""Reads: find a customer by id or external id, list with filters, review queues."""

from __future__ import annotations

import uuid
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from core.errors import DomainError
from kyc.models import Customer, PeriodicReview


class CustomerNotFound(DomainError):
    code = "not_found"
    status = 404


def _as_uuid(ref: object) -> uuid.UUID | None:
    if isinstance(ref, uuid.UUID):
        return ref
    try:
        return uuid.UUID(str(ref))
    except ValueError:
        return None


def get_customer(ref: object, *, queryset: QuerySet[Customer] | None = None) -> Customer:
    """The customer whose id (UUID) or ``external_id`` is ``ref``; ``CustomerNotFound`` (404)."""
    qs = (queryset if queryset is not None else Customer.objects).select_related("tier")
    pk = _as_uuid(ref)
    customer = None
    if pk is not None:
        customer = qs.filter(pk=pk).first()
    if customer is None:
        customer = qs.filter(external_id=str(ref)).first()
    if customer is None:
        raise CustomerNotFound("Not found.")
    return customer


def list_customers(
    *,
    external_id: str | None = None,
    status: str | None = None,
    risk_level: str | None = None,
    customer_type: str | None = None,
) -> QuerySet[Customer]:
    qs = Customer.objects.select_related("tier").prefetch_related("beneficial_owners")
    if external_id:
        qs = qs.filter(external_id=external_id)
    if status:
        qs = qs.filter(status=status)
    if risk_level:
        qs = qs.filter(risk_level=risk_level)
    if customer_type:
        qs = qs.filter(customer_type=customer_type)
    return qs.order_by("-created_at")


def open_reviews(*, overdue_only: bool = False, today: date | None = None):
    qs = PeriodicReview.objects.filter(status=PeriodicReview.Status.OPEN).select_related("customer")
    if overdue_only:
        qs = qs.filter(due_date__lt=today or timezone.localdate())
    return qs.order_by("due_date")


def latest_verification(customer: Customer):
    return customer.verifications.order_by("-created_at").first()
