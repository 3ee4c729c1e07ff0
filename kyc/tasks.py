"""Celery tasks of kyc (explicit names; routed by prefix in settings)."""

from __future__ import annotations

from celery import shared_task

from kyc import reviews


@shared_task(name="kyc.open_due_reviews")
def open_due_reviews() -> int:
    """Daily (beat): open periodic reviews that are due and ID-expiry reviews."""
    return reviews.open_due_reviews()
