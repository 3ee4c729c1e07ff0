"""API rate limits: per API key (``API_RATE_LIMIT``), and per client address for requests
without a key (``API_ANON_RATE_LIMIT``). Over the limit: ``429`` with ``Retry-After``.

Counts live in Django's cache (``CACHES``): per process with the default local-memory cache,
shared by every worker once a shared cache (Redis, Memcached) is configured. An empty or
``off`` limit switches that throttle off (load tests)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class _ConfiguredRate(SimpleRateThrottle):
    setting = ""

    def get_rate(self) -> str | None:
        rate = (getattr(settings, self.setting, "") or "").strip()
        return None if rate.lower() in ("", "off", "none") else rate

    def allow_request(self, request, view) -> bool:
        # Read per request, so a changed setting takes effect without a restart of the class.
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class ApiKeyThrottle(_ConfiguredRate):
    scope = "api_key"
    setting = "API_RATE_LIMIT"

    def get_cache_key(self, request, view) -> str | None:
        api_key = getattr(request, "auth", None)
        if api_key is None or not hasattr(api_key, "pk"):
            return None
        return self.cache_format % {"scope": self.scope, "ident": api_key.pk}


class AnonymousThrottle(_ConfiguredRate):
    scope = "api_anon"
    setting = "API_ANON_RATE_LIMIT"

    def get_cache_key(self, request, view) -> str | None:
        if getattr(request, "auth", None) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
