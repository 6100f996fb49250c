"""A resident's copy of everything Xiangli holds about them: a page and a JSON file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from xiangli.people.models import Resident
from xiangli.people.rights import export


def _own_record(request: HttpRequest) -> Resident:
    resident: Resident | None = getattr(request.user, "resident", None)
    if resident is None:
        raise Http404
    return resident


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "front/my_data.html", {"data": export(_own_record(request))})


@login_required
def my_data_json(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(export(_own_record(request)), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="xiangli-my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response
