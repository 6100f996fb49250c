"""Roster pages: upload and check an Excel roster, import it, export a filtered list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiangli.areas.models import Area
from xiangli.front.access import attempt
from xiangli.people import scope
from xiangli.people.models import CASE_READER_ROLES, Resident, ResidentQuerySet
from xiangli.policies.rules import age_q, has_tag

from . import services
from .exporting import export_residents
from .forms import ExportFilterForm, UploadForm
from .models import RosterImport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _staff(request: HttpRequest) -> None:
    if not scope.is_staff_member(request.user):
        raise Http404


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Upload a roster for a dry run; the latest uploads; the export form."""
    _staff(request)
    may_import = services.may_import(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not may_import:
            raise Http404
        if form.is_valid():
            upload = form.cleaned_data["file"]
            record = attempt(form, lambda: services.check_roster(
                by=request.user, filename=upload.name or "", data=upload.read()))  # type: ignore[arg-type]
            if record is not None:
                return redirect("roster:import_detail", import_id=record.pk)
    recent = list(RosterImport.objects.filter(created_by_id=request.user.pk).order_by("-created_at")
                  .only("pk", "filename", "created_at", "status", "rows", "new", "updated")[:10])
    return render(request, "roster/home.html", {
        "form": form, "may_import": may_import, "recent": recent, "export_form": ExportFilterForm(),
    })


def _own_import(request: HttpRequest, import_id: int) -> RosterImport:
    record = RosterImport.objects.filter(pk=import_id, created_by_id=request.user.pk).first()
    if record is None:
        raise Http404
    return record


@login_required
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    """The dry run's report: what an import would do, and every rejected row."""
    _staff(request)
    return render(request, "roster/import.html", {"record": _own_import(request, import_id)})


@login_required
@require_POST
def import_apply(request: HttpRequest, import_id: int) -> HttpResponse:
    _staff(request)
    record = _own_import(request, import_id)
    try:
        record = services.apply_import(record, by=request.user)  # type: ignore[arg-type]
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("Imported: %(new)d new residents, %(updated)d updated, %(unchanged)d unchanged.")
                         % {"new": record.new, "updated": record.updated, "unchanged": record.unchanged})
    return redirect("roster:import_detail", import_id=record.pk)


def filtered(user: Any, data: dict[str, Any]) -> ResidentQuerySet:
    """Residents the user serves, narrowed by area, tag and age."""
    residents = Resident.objects.served_by(user, CASE_READER_ROLES)
    if data.get("area"):
        area = Area.objects.filter(code=data["area"].strip()).first()
        if area is None:
            raise ValidationError(_("Unknown area code."))
        residents = residents.filter(area_path__startswith=area.path)
    if data.get("tag"):
        residents = residents.filter(has_tag(data["tag"]))
    today = timezone.localdate()
    if data.get("min_age") is not None:
        residents = residents.filter(age_q(">=", data["min_age"], today))
    if data.get("max_age") is not None:
        residents = residents.filter(age_q("<=", data["max_age"], today))
    return residents


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    """A filtered list of residents as Excel (posted, so no filter or reason lands in a log)."""
    _staff(request)
    form = ExportFilterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check the export filters."))
        return redirect("roster:home")
    data = form.cleaned_data
    try:
        content = export_residents(
            filtered(request.user, data), by=request.user, full=data["full"],  # type: ignore[arg-type]
            reason=data["reason"], ip=request.META.get("REMOTE_ADDR"),
            what=f"roster area={data['area'] or '*'} tag={data['tag'] or '*'} "
                 f"age={data['min_age'] or ''}-{data['max_age'] or ''}",
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return redirect("roster:home")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="roster-{timezone.localdate().isoformat()}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
