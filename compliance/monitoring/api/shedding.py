"""Load shedding for ``POST /transactions/check/``: beyond capacity, say so at once.

A check that waits behind others is a customer waiting at the exchange; past the check's budget
a late answer is worth less than a quick "try again". So each server process counts the checks
it is working on; one arriving when ``MONITORING_CHECK_MAX_IN_FLIGHT`` are in flight gets ``503``
with ``Retry-After`` before any other work (no authentication, no database). The counter is per
process: with threaded workers (gunicorn ``gthread``), the threads beyond the bound turn excess
requests away instead of queueing them. The middleware also stamps the request's arrival, from
which the check's budget runs.

It sits first in ``MIDDLEWARE`` so a shed request costs next to nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import NoReverseMatch, reverse

from compliance.monitoring import conf

ARRIVAL = "check_arrival"


def arrival(request) -> float | None:
    """When the check request arrived (``time.perf_counter()``), if the middleware saw it."""
    return getattr(request, ARRIVAL, None)


class CheckLoadShedding:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.in_flight = 0
        self.lock = threading.Lock()
        self.path: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.path is None:
            try:
                self.path = reverse("transaction-check")
            except NoReverseMatch:  # a URLconf without the check (a test's own): nothing to shed
                return self.get_response(request)
        if request.method != "POST" or request.path_info != self.path:
            return self.get_response(request)
        setattr(request, ARRIVAL, time.perf_counter())
        with self.lock:
            admitted = self.in_flight < conf.check_max_in_flight()
            if admitted:
                self.in_flight += 1
        if not admitted:
            response = JsonResponse(
                {"code": "overloaded", "detail": "Too many checks in progress; retry shortly."},
                status=503,
                headers={"Retry-After": str(conf.check_retry_after())},
            )
            response["Content-Length"] = str(len(response.content))  # no chunked encoding
            return response
        try:
            return self.get_response(request)
        finally:
            with self.lock:
                self.in_flight -= 1
