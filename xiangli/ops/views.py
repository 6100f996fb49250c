"""The ops endpoints: /health/ for load balancers, /metrics for Prometheus."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from . import metrics
from .health import health


@never_cache
def health_view(request: HttpRequest) -> HttpResponse:
    """200 when every part is well, 503 (same body) when one is not: load balancers read the status."""
    report = health()
    return JsonResponse(report, status=200 if report["ok"] else 503)


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    # A 404, not a 403: the world need not learn that the endpoint exists.
    if not metrics.allowed(request):
        raise Http404
    return metrics.metrics_response()
