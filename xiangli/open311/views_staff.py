"""Staff pages: Open311 submissions waiting for village staff to find the resident.

A submission is visible to staff who take cases in its village or grid; any
other is a 404. Matching opens the case through the cases app's own action.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiangli.front.views_desk import staff_required
from xiangli.people import scope
from xiangli.people.crypto import digest
from xiangli.people.masking import mask_phone
from xiangli.people.models import CASE_INTAKE_ROLES, REVEAL_ROLES, Resident

from . import services
from .models import Submission

PAGE = 50


def _visible(user: Any, pk: int) -> Submission:
    sub = get_object_or_404(Submission.objects.select_related("item", "village", "client", "case"), pk=pk)
    if not scope.serves(user, sub.area_path, CASE_INTAKE_ROLES):
        raise Http404
    return sub


@staff_required
def pending(request: HttpRequest) -> HttpResponse:
    """Submissions of the user's villages that wait for a resident, oldest first."""
    subs = list(services.pending_for(request.user).select_related("item", "village", "client")
                .order_by("submitted_at", "pk")[:PAGE])
    return render(request, "open311/pending.html", {"submissions": subs})


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One submission: who and what, residents who may be meant, and the two decisions.

    The search is posted, not put in the address, so phones and ID numbers never
    land in logs; it looks only among residents of the submission's village.
    """
    sub = _visible(request.user, pk)
    village_residents = Resident.objects.filter(village=sub.village).select_related("grid")
    q = request.POST.get("q", "").strip() if request.method == "POST" else ""
    if q:
        candidates = list(village_residents.search(q)[:20])
    else:
        # Suggestions: the same phone, or the same name, in that village.
        guess = village_residents.none()
        if sub.phone:
            guess = village_residents.filter(phone_digest=digest(sub.phone))
        if sub.contact_name:
            guess = guess | village_residents.filter(name=sub.contact_name)
        candidates = list(guess[:20])
    return render(request, "open311/submission.html", {
        "sub": sub, "q": q, "candidates": candidates, "masked_phone": mask_phone(sub.phone),
        "answers": services.answers_text(sub.item, sub.attributes),
        "revealed": request.session.pop(f"open311-revealed-{sub.pk}", None),
        "can_reveal": scope.serves(request.user, sub.area_path, REVEAL_ROLES),
    })


@require_POST
@staff_required
def match(request: HttpRequest, pk: int, resident_id: int) -> HttpResponse:
    sub = _visible(request.user, pk)
    resident = get_object_or_404(Resident, pk=resident_id, village_id=sub.village_id)
    try:
        case = services.match(sub, by=request.user, resident=resident)  # type: ignore[arg-type]
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
        return redirect("open311:submission", pk=sub.pk)
    messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
    return redirect("front:desk_case", case_id=case.pk)


@require_POST
@staff_required
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _visible(request.user, pk)
    try:
        services.reject(sub, by=request.user, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
        return redirect("open311:submission", pk=sub.pk)
    messages.success(request, _("Saved."))
    return redirect("open311:pending")


@require_POST
@staff_required
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full contact phone once, after the clerk gives a reason; logged."""
    sub = _visible(request.user, pk)
    try:
        value = services.reveal_phone(sub, by=request.user, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    else:
        request.session[f"open311-revealed-{sub.pk}"] = value
    return redirect("open311:submission", pk=sub.pk)
