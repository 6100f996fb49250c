"""Dispatch report pages: an area's reports with their downloads, and asking for another month."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from xiangli.areas.models import AreaKind
from xiangli.front.access import attempt
from xiangli.metrics import access, periods
from xiangli.metrics.queries import children
from xiangli.ops.sendfile import file_response
from xiangli.people.models import User

from . import services
from .content import month_label
from .forms import MonthForm
from .models import CONTENT_TYPES, DISPATCH_KINDS, DispatchReport


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The reports of the widest area the user supervises."""
    area = access.home_area(request.user)
    if area is None or area.kind not in DISPATCH_KINDS:
        raise Http404
    return redirect("dispatch:reports", code=area.code)


@login_required
def reports(request: HttpRequest, code: str) -> HttpResponse:
    """The area's reports, newest month first, and a form to prepare another month."""
    user = cast(User, request.user)  # logged in: login_required
    area = services.area_for(user, code)
    may_prepare = services.may_prepare(request.user, area)
    last_month = periods.month(timezone.localdate().replace(day=1) - dt.timedelta(days=1))
    form = MonthForm(request.POST or None, initial={"month": last_month.code})
    if request.method == "POST":
        if not may_prepare:
            raise PermissionDenied
        if form.is_valid():
            month = form.cleaned_data["month"]
            done = attempt(form, lambda: services.request_report(area=area, month=month, by=user))
            if done is not None:
                messages.success(request, _(
                    "The report for %(month)s is being prepared. It will be listed here in a few minutes, "
                    "and you will get a message.") % {"month": month_label(done.month)})
                return redirect("dispatch:reports", code=area.code)
    language = get_language() or "zh-hans"
    rows = [(r, month_label(r.month), r.size("xlsx", language), r.size("pdf", language))
            for r in DispatchReport.objects.filter(area=area).select_related("generated_by").order_by("-month")]
    return render(request, "dispatch/reports.html", {
        "area": area, "rows": rows, "form": form, "may_prepare": may_prepare,
        "below": children(area) if area.kind != AreaKind.TOWNSHIP else [],
    }, status=400 if request.method == "POST" else 200)


@login_required
def download(request: HttpRequest, code: str, month: str, fmt: str) -> HttpResponseBase:
    """The workbook or the PDF, in the reader's language."""
    area = services.area_for(request.user, code)
    report = DispatchReport.objects.filter(area=area, month=month).first()
    language = get_language() or "zh-hans"
    file = report.file(fmt, language) if report is not None else None
    if file is None or not file.name:
        raise Http404
    suffix = "-en" if language.startswith("en") else ""
    return file_response(file, content_type=CONTENT_TYPES[fmt], filename=f"dispatch-{area.code}-{month}{suffix}.{fmt}")
