"""Health (/healthz) and readiness (/readyz) probes for load balancers and orchestrators."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from gongyou.ops.health import run_checks


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers: no database, no cache, no template — the cheapest view there is,
    and the reference the load figures in bench/README.md are measured against."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: every dependency answers. 503 names the failing check, so the load
    balancer takes the process out and the operator sees why."""
    checks = run_checks()
    ok = all(result == "ok" for result in checks.values())
    return JsonResponse({"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503)
