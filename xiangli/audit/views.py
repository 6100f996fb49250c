"""The auditors' page: search the audit trail of the areas they audit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from xiangli.people import scope
from xiangli.people.models import Role

from .forms import AuditSearchForm
from .models import AuditEntry

PAGE = 50


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Auditors and superusers only; anyone else gets a 404, as for any page not theirs."""
    if not (request.user.is_superuser or scope.has_role(request.user, {Role.AUDITOR})):
        raise Http404
    entries = AuditEntry.objects.visible_to(request.user)
    form = AuditSearchForm(request.GET or None)
    if form.is_bound and form.is_valid():
        entries = form.filter(entries)
    elif form.is_bound:
        entries = entries.none()
    try:
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        offset = 0
    rows = list(entries.order_by("-at", "-pk")[offset: offset + PAGE + 1])
    query = request.GET.copy()
    query.pop("offset", None)
    return render(request, "audit/log.html", {
        "form": form,
        "entries": rows[:PAGE],
        "next": offset + PAGE if len(rows) > PAGE else None,
        "query": query.urlencode(),
    })
