"""The health endpoint for load balancers and monitoring: ``GET /health/``.

200 with ``{"status": "ok", ...}`` when the database answers, the cache works and the upload
directory is writable; 503 with the failing check named otherwise. No login, no data.
"""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    cache.set("zorgregio:health", 1, 10)
    if cache.get("zorgregio:health") != 1:
        raise RuntimeError("cache did not return the value")


def _storage() -> None:
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=settings.MEDIA_ROOT):
        pass


CHECKS = {"database": _database, "cache": _cache, "storage": _storage}


@require_GET
def health(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # noqa: BLE001 - any failure makes the instance unhealthy
            results[name] = "error"
        else:
            results[name] = "ok"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results},
        status=200 if healthy else 503,
    )
