"""Resident pages: the centre's service list, applying, following a case, the inbox.

Mobile first and complete without JavaScript: every action is a plain form post.
"""

from __future__ import annotations

import uuid
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangli.areas.access import centre_by_code
from xiangli.areas.models import Centre, CentreFunction
from xiangli.cases import services
from xiangli.cases.access import attachment_response, own_case
from xiangli.cases.models import Case, Channel, State
from xiangli.catalog import listing
from xiangli.catalog.models import ServiceItem
from xiangli.notifications.models import Notification
from xiangli.ops.dbrouter import replica_view
from xiangli.people import scope

from .access import attempt
from .forms import ApplyForm, RatingForm

PAGE = 20


def home(request: HttpRequest) -> HttpResponse:
    """Staff go to their workbench, residents to their centre; others choose a centre."""
    user = request.user
    if scope.is_staff_member(user):
        return redirect("front:desk")
    if getattr(user, "resident_id", None):
        centre = Centre.objects.filter(area_id=user.resident.village_id).select_related("area").first()  # type: ignore[union-attr]
        if centre:
            return redirect("front:centre", code=centre.area.code)
    q = request.GET.get("q", "").strip()
    centres = Centre.objects.select_related("area__parent").order_by("area__path")
    if q:
        centres = centres.filter(area__name__contains=q) | centres.filter(name__contains=q)
    return render(request, "front/home.html", {"centres": centres[:PAGE], "q": q})


@replica_view  # public and read-only: a few seconds' lag is harmless
def centre(request: HttpRequest, code: str) -> HttpResponse:
    """The service list (服务事项清单) of one centre, by 7+N category."""
    c = centre_by_code(code)
    category = request.GET.get("category", "")
    if category not in CentreFunction.values:
        category = ""
    labels = dict(CentreFunction.choices)

    def groups() -> list[tuple[str, list[ServiceItem]]]:
        items = ServiceItem.objects.offered_by(c)
        if category:
            items = items.filter(category=category)
        # Groups follow the order of the 7+N functions, not the alphabet of their codes.
        rank = {v: n for n, v in enumerate(CentreFunction.values)}
        rows = sorted(items, key=lambda i: (rank.get(i.category, 99), i.sort, i.code))
        return [(labels.get(k, k), list(g)) for k, g in groupby(rows, key=lambda i: i.category)]

    def categories() -> list[tuple[str, str]]:
        present = set(ServiceItem.objects.offered_by(c).values_list("category", flat=True).distinct())
        return [(v, str(labels[v])) for v in CentreFunction.values if v in present]
    # Published on the centre's own page, so residents can hold it to its promise;
    # cached because every visitor would otherwise re-count the centre's cases.
    stats = cache.get_or_set(f"centre-performance:{c.pk}", lambda: Case.objects.filter(centre=c).performance(), 300)
    return render(request, "front/centre.html", {
        "centre": c, "groups": groups, "categories": categories, "category": category, "stats": stats,
        # The list is rendered only when its cached fragment is missing (front/centre.html).
        "list_version": listing.version(),
    })


@replica_view
def item(request: HttpRequest, code: str, item_code: str) -> HttpResponse:
    c = centre_by_code(code)
    service = get_object_or_404(ServiceItem.objects.offered_by(c), code=item_code)
    return render(request, "front/item.html", {"centre": c, "item": service})


@login_required
def apply(request: HttpRequest, code: str, item_code: str) -> HttpResponse:
    """Apply online for oneself, attaching photos of the materials."""
    c = centre_by_code(code)
    service = get_object_or_404(ServiceItem.objects.offered_by(c), code=item_code)
    resident = request.user.resident  # type: ignore[union-attr]
    if resident is None:
        messages.error(request, _("Only residents can apply online. Staff enter cases at the workbench."))
        return redirect("front:item", code=code, item_code=item_code)
    if request.method == "POST":
        form = ApplyForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            case = attempt(form, lambda: services.create_case(
                by=request.user,  # type: ignore[arg-type]
                resident=resident,
                item=service,
                channel=Channel.ONLINE,
                description=data["description"],
                uploads=data["files"],
                idempotency_key=data["idempotency_key"],
            ), uploads="files")
            if case is not None:
                messages.success(request, _("Your application was sent. Case number: %(n)s") % {"n": case.number})
                return redirect("front:my_case", case_id=case.pk)
    else:
        form = ApplyForm(initial={"idempotency_key": uuid.uuid4().hex})
    return render(request, "front/apply.html", {"centre": c, "item": service, "form": form})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """A resident's own things across the platform, one tap each."""
    return render(request, "front/mine.html")


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    resident_id = request.user.resident_id  # type: ignore[union-attr]
    cases = (
        Case.objects.filter(resident_id=resident_id).select_related("item").order_by("-submitted_at", "-pk")
        if resident_id else Case.objects.none()
    )
    page = _offset(request)
    rows = list(cases[page: page + PAGE + 1])
    return render(request, "front/my_cases.html", {
        "cases": rows[:PAGE], "next": page + PAGE if len(rows) > PAGE else None,
    })


def _offset(request: HttpRequest) -> int:
    try:
        return max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        return 0


@login_required
def my_case(request: HttpRequest, case_id: int) -> HttpResponse:
    """The resident follows the case's timeline, adds materials, rates it when done."""
    case = own_case(request.user, case_id)
    rating_form = RatingForm()
    if request.method == "POST":
        # Each form of the page names its action: a rating sent without stars is
        # answered beside the stars, not taken for an upload without a file.
        action = request.POST.get("action")
        try:
            if action == "rate":
                rating_form = RatingForm(request.POST)
                if rating_form.is_valid():
                    services.rate_case(case, by=request.user, stars=rating_form.cleaned_data["stars"],  # type: ignore[arg-type]
                                       comment=rating_form.cleaned_data["comment"])
                    messages.success(request, _("Thank you for rating the service."))
                    return redirect("front:my_case", case_id=case.pk)
            elif action == "withdraw":
                services.withdraw_case(case, by=request.user)  # type: ignore[arg-type]
                messages.success(request, _("Your application was withdrawn."))
                return redirect("front:my_case", case_id=case.pk)
            elif action == "attach" and "files" in request.FILES:
                services.add_attachments(case, by=request.user, uploads=request.FILES.getlist("files"))  # type: ignore[arg-type]
                messages.success(request, _("Your materials were added."))
                return redirect("front:my_case", case_id=case.pk)
            else:
                messages.error(request, _("Please choose a file."))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
    return render(request, "front/my_case.html", {
        "case": case,
        "events": case.events.select_related("actor").order_by("at", "pk"),
        "attachments": case.attachments.order_by("pk"),
        "rating_form": rating_form,
        "can_rate": case.rating is None and case.state in (State.DONE, State.CLOSED),
        "can_withdraw": case.state == State.SUBMITTED,
        "can_attach": case.is_open,
    })


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert user.pk is not None  # noqa: S101 -- login_required let only a saved user in; for mypy
    query = Notification.objects.filter(user_id=user.pk)
    if user.resident_id:
        query = query | Notification.objects.filter(resident_id=user.resident_id)
    rows = list(query.order_by("-created_at", "-pk")[:50])
    unread = [n.pk for n in rows if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return render(request, "front/inbox.html", {"notifications": rows, "unread": set(unread)})


@login_required
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """Materials are personal data: served only to those who may see the case."""
    return attachment_response(request.user, attachment_id)
