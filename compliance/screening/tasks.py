"""Screening tasks (queue ``screening``): delta rescreens, scheduled list imports, customers."""

from __future__ import annotations

import logging
import shutil
import tempfile
import urllib.request
from pathlib import Path

from celery import shared_task
from django.conf import settings

from compliance.screening import poison, services
from compliance.screening.models import ScreeningHit, WatchlistVersion
from core.actors import Actor
from core.errors import DomainError
from kyc.models import Customer, CustomerWallet

logger = logging.getLogger(__name__)
SCHEDULE_ACTOR = Actor.automated("screening.scheduled_import")
DOWNLOAD_TIMEOUT_SECONDS = 120


@shared_task(name="compliance.screening.rescreen_delta")
def rescreen_delta(version_id: int) -> int:
    """Plan the delta rescreen of a list version and fan its customer batches out."""
    version = WatchlistVersion.objects.select_related("watchlist").filter(pk=version_id).first()
    if version is None:
        return 0
    ranges = services.plan_rescreen(version=version)
    for after, upto in ranges:
        rescreen_delta_batch.delay(
            version_id, str(after) if after is not None else None, str(upto) if upto else None
        )
    return len(ranges)


def enqueue_rescreen(version_id: int) -> None:
    """Queue a version's delta rescreen (registered with the import service at start-up)."""
    rescreen_delta.delay(version_id)


@shared_task(name="compliance.screening.rescreen_delta_batch")
def rescreen_delta_batch(version_id: int, after: str | None, upto: str | None) -> int:
    version = WatchlistVersion.objects.select_related("watchlist").get(pk=version_id)
    result = services.rescreen_range(version=version, after=after, upto=upto)
    return len(result.hits)


@shared_task(name="compliance.screening.screen_customer")
def screen_customer(customer_id: str, origin: str = ScreeningHit.Origin.MANUAL) -> int:
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        return 0
    if origin == ScreeningHit.Origin.PROFILE_CHANGE and customer.status == Customer.Status.DRAFT:
        return 0  # not yet submitted: onboarding screens the final profile
    return poison.screen_isolating(customer, origin)  # a failing customer is set aside


@shared_task(name="compliance.screening.screen_wallet")
def screen_wallet(wallet_id: str) -> int:
    wallet = CustomerWallet.objects.filter(pk=wallet_id).first()
    if wallet is None:
        return 0
    return len(services.screen_wallet(wallet=wallet))


def configured_sources(value: str | None = None) -> list[tuple[str, str]]:
    """``settings.WATCHLIST_SOURCES`` ("un=/path/or/url,ofac_sdn=...") as (source, location)."""
    text = settings.WATCHLIST_SOURCES if value is None else value
    pairs = []
    for item in (text or "").split(","):
        source, _, location = item.strip().partition("=")
        if source.strip() and location.strip():
            pairs.append((source.strip(), location.strip()))
    return pairs


def _fetch(location: str) -> Path:
    """A local copy of a configured file or URL (downloads go to a temporary file)."""
    if not location.startswith(("http://", "https://")):
        return Path(location)
    handle = tempfile.NamedTemporaryFile(prefix="watchlist-", delete=False)  # noqa: SIM115
    with handle, urllib.request.urlopen(location, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
        shutil.copyfileobj(response, handle)
    return Path(handle.name)


@shared_task(name="compliance.screening.import_scheduled_lists")
def import_scheduled_lists() -> dict[str, str]:
    """Import every configured list; one failing source does not stop the others."""
    outcome: dict[str, str] = {}
    for source, location in configured_sources():
        downloaded = location.startswith(("http://", "https://"))
        try:
            path = _fetch(location)
            try:
                result = services.import_watchlist(
                    source=source,
                    file=path,
                    actor=SCHEDULE_ACTOR,
                    file_name=location.rsplit("/", 1)[-1],
                )
            finally:
                if downloaded:
                    path.unlink(missing_ok=True)
            outcome[source] = "{added} added, {changed} changed, {removed} removed".format(
                **result.delta
            )
        except (DomainError, OSError, ValueError) as error:
            logger.error("watchlist import %s from %s failed: %s", source, location, error)
            outcome[source] = f"failed: {error}"
    return outcome


@shared_task(name="compliance.screening.sweep_rescreens", ignore_result=True)
def sweep_rescreens() -> int:
    """Beat: a delta rescreen that never finished (task lost, worker killed) is planned again.

    Re-planning repeats the whole delta; recording hits is idempotent, so nothing doubles.
    """
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    stuck_after = timedelta(seconds=settings.RESCREEN_SWEEP_AFTER_SECONDS)
    versions = WatchlistVersion.objects.filter(
        rescreen_finished_at__isnull=True,
        imported_at__lt=now - stuck_after,
        imported_at__gte=now - timedelta(days=7),
    ).exclude(rescreen_started_at__gte=now - stuck_after)
    ids = list(versions.values_list("pk", flat=True))
    for version_id in ids:
        rescreen_delta.delay(version_id)
    return len(ids)
