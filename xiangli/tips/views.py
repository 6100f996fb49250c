"""Tip pages: reporting and following (public, no JavaScript), the desk, the statistics."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiangli.areas.models import Area, AreaKind
from xiangli.front.access import attempt
from xiangli.ops.sendfile import file_response
from xiangli.people import scope
from xiangli.people.models import User

from . import services
from .forms import AssignForm, RevealForm, StepForm, TipForm, TrackForm
from .models import PUBLIC_STEPS, SUPERVISOR_ROLES, Category, Outcome, State, Tip, TipDesk, TipPhoto, desk_paths

PAGE = 30
FOLLOWED = "tips-followed"


def _address(request: HttpRequest) -> str | None:
    # ClientAddressMiddleware (xiangli/ops/proxy.py) has put the real address here.
    return request.META.get("REMOTE_ADDR") or None


def new(request: HttpRequest) -> HttpResponse:
    """Report fake or shoddy farm inputs, named or anonymous."""
    if request.method == "POST":
        form = TipForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            township = Area.objects.filter(pk=data["township"], kind=AreaKind.TOWNSHIP).select_related("parent").first()
            if township is None:
                form.add_error("township", _("Please choose the township where it was bought."))
            else:
                result = attempt(form, lambda: services.submit_tip(
                    by=request.user if request.user.is_authenticated else None,
                    category=data["category"], product=data["product"], description=data["description"],
                    seller=data["seller"], place=data["place"], bought_on=data["bought_on"], township=township,
                    anonymous=data["anonymous"], name=data["name"], phone=data["phone"], photos=data["photos"],
                    address=_address(request),
                ), uploads="photos")
                if result is not None:
                    tip, secret = result
                    _remember(request, tip)
                    # Shown once, here: only a hash of the secret is kept.
                    return render(request, "tips/sent.html", {"tip": tip, "secret": secret})
    else:
        initial: dict[str, Any] = {"anonymous": "yes"}
        if request.user.is_authenticated:
            initial["name"] = request.user.name
        form = TipForm(initial=initial)
    return render(request, "tips/new.html", {"form": form})


def _remember(request: HttpRequest, tip: Tip) -> None:
    followed = [pk for pk in request.session.get(FOLLOWED, []) if pk != tip.pk][-9:]
    request.session[FOLLOWED] = [*followed, tip.pk]


def track(request: HttpRequest) -> HttpResponse:
    """Follow a report with its tracking code and secret alone."""
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tip = attempt(form, lambda: services.follow(
            code=form.cleaned_data["code"], secret=form.cleaned_data["secret"], address=_address(request)))
        if tip is not None:
            _remember(request, tip)
            return redirect("tips:followed", code=tip.code)
    return render(request, "tips/track.html", {"form": form})


def followed(request: HttpRequest, code: str) -> HttpResponse:
    """A report's steps, for whoever gave its code and secret in this session, or its named reporter."""
    tip = Tip.objects.filter(code=services.normalise_code(code)).select_related("area", "county").first()
    if tip is None:
        raise Http404
    own = request.user.is_authenticated and tip.reporter_id == request.user.pk
    if not own and tip.pk not in request.session.get(FOLLOWED, []):
        return redirect("tips:track")
    steps = tip.steps.filter(kind__in=PUBLIC_STEPS).order_by("at", "pk")
    return render(request, "tips/followed.html", {"tip": tip, "steps": steps})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The named reports sent from this account."""
    tips = Tip.objects.filter(reporter_id=request.user.pk).order_by("-received_at", "-pk")[:50]
    return render(request, "tips/mine.html", {"tips": tips})


# -- the desk ------------------------------------------------------------------------------


def _desk_member(request: HttpRequest) -> None:
    if not request.user.is_authenticated or not (request.user.is_superuser or desk_paths(request.user)):
        raise Http404


def _desk_tip(request: HttpRequest, tip_id: int) -> Tip:
    """A tip of the user's desk, or 404 (another county's tip does not exist for them)."""
    _desk_member(request)
    tip = Tip.objects.on_desk_of(request.user).select_related("area", "county", "handler").filter(pk=tip_id).first()
    if tip is None:
        raise Http404
    return tip


QUEUE_VIEWS = ["open", "new", "overdue", "mine", "finished"]


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The desk's queue: new tips to accept, tips being worked on, overdue ones first."""
    _desk_member(request)
    today = timezone.localdate()
    tips = Tip.objects.on_desk_of(request.user)
    view = request.GET.get("view", "open")
    if view not in QUEUE_VIEWS:
        view = "open"
    overdue_count = tips.overdue(today).count()
    shown = {
        "open": tips.filter(state__in=[State.RECEIVED, State.ACCEPTED, State.INVESTIGATING]),
        "new": tips.filter(state=State.RECEIVED),
        "overdue": tips.overdue(today),
        "mine": tips.filter(handler_id=request.user.pk, state__in=[State.ACCEPTED, State.INVESTIGATING]),
        "finished": tips.filter(state__in=[State.REJECTED, State.ANSWERED, State.CLOSED]),
    }[view]
    ordering = ["-received_at", "-pk"] if view == "finished" else ["accept_due", "feedback_due", "pk"]
    rows = list(shown.select_related("area", "handler").order_by(*ordering)[:PAGE])
    labels = {"open": _("Open"), "new": _("New"), "overdue": _("Overdue"), "mine": _("Mine"),
              "finished": _("Finished")}
    return render(request, "tips/queue.html", {
        "tips": rows, "view": view, "filters": [(k, labels[k]) for k in QUEUE_VIEWS],
        "overdue_count": overdue_count, "today": today,
    })


def _handlers(tip: Tip) -> list[User]:
    paths = [p for p in tip.area_path.split("/") if p]
    prefixes = ["/" + "/".join(paths[:n]) + "/" for n in range(1, len(paths) + 1)]
    ids = TipDesk.objects.filter(area__path__in=prefixes).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("name"))


@login_required
def detail(request: HttpRequest, tip_id: int) -> HttpResponse:
    tip = _desk_tip(request, tip_id)
    actions = services.allowed_actions(tip, request.user)
    handler = services.is_handler(tip, request.user)
    assign_form = AssignForm()
    assign_form.fields["handler"].choices = [(u.pk, u.name) for u in _handlers(tip)]  # type: ignore[attr-defined]
    return render(request, "tips/detail.html", {
        "tip": tip,
        "steps": tip.steps.select_related("actor").order_by("at", "pk"),
        "photos": tip.photos.order_by("pk"),
        "actions": [(a, services.TRANSITIONS[a]) for a in actions],
        "step_form": StepForm(),
        "is_handler": handler,
        "reveal_form": RevealForm() if handler and not tip.anonymous else None,
        "revealed": request.session.pop(f"tip-revealed-{tip.pk}", None),
        "looks": tip.identity_looks.select_related("actor").order_by("-at")[:10] if not tip.anonymous else [],
        "assign_form": assign_form if tip.state in (State.ACCEPTED, State.INVESTIGATING) else None,
        "today": timezone.localdate(),
    })


def _refused(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
        messages.error(request, message)


@require_POST
@login_required
def step(request: HttpRequest, tip_id: int) -> HttpResponse:
    tip = _desk_tip(request, tip_id)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            services.transition(tip, form.cleaned_data["action"], by=request.user,  # type: ignore[arg-type]
                                note=form.cleaned_data["note"], outcome=form.cleaned_data["outcome"])
            messages.success(request, _("Done."))
        except (ValidationError, PermissionDenied) as exc:
            _refused(request, exc)
    return redirect("tips:detail", tip_id=tip.pk)


@require_POST
@login_required
def assign(request: HttpRequest, tip_id: int) -> HttpResponse:
    tip = _desk_tip(request, tip_id)
    raw = str(request.POST.get("handler", ""))
    to = User.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    try:
        if to is None:
            raise ValidationError(_("Please choose whom to hand it to."))
        services.assign(tip, by=request.user, to=to)  # type: ignore[arg-type]
        messages.success(request, _("Handed to %(name)s.") % {"name": to.name})
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    return redirect("tips:detail", tip_id=tip.pk)


@require_POST
@login_required
def reveal(request: HttpRequest, tip_id: int) -> HttpResponse:
    tip = _desk_tip(request, tip_id)
    form = RevealForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Please say why you need the reporter's details."))
        name, phone = services.reveal_identity(tip, by=request.user, reason=form.cleaned_data["reason"],  # type: ignore[arg-type]
                                               ip=_address(request))
        # Shown once on the next page and not kept: the session is dropped after it.
        request.session[f"tip-revealed-{tip.pk}"] = {"name": name, "phone": phone}
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    return redirect("tips:detail", tip_id=tip.pk)


@login_required
def photo(request: HttpRequest, photo_id: int) -> HttpResponseBase:
    """A tip's photo, for its desk only."""
    item = TipPhoto.objects.filter(pk=photo_id).first()
    if item is None:
        raise Http404
    _desk_tip(request, item.tip_id)
    return file_response(item.file, content_type=item.content_type, filename=f"tip-photo-{item.pk}")


# -- statistics ----------------------------------------------------------------------------


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    """Tips by category, area and outcome, for township staff and above: counts, no identities."""
    if not (request.user.is_superuser or scope.has_role(request.user, SUPERVISOR_ROLES)):
        raise Http404
    tips = Tip.objects.supervised_by(request.user)
    year = request.GET.get("year", "")
    if year.isdigit() and len(year) == 4:
        tips = tips.filter(received_at__year=int(year))
    else:
        year = ""
    categories = dict(Category.choices)
    outcomes = dict(Outcome.choices)
    states = dict(State.choices)
    by_category = [(categories.get(k, k), n) for k, n in
                   tips.values_list("category").annotate(n=Count("pk")).order_by("-n", "category")]
    by_area_ids = list(tips.values_list("area_id").annotate(n=Count("pk")).order_by("-n", "area_id"))
    areas = Area.objects.select_related("parent").in_bulk([pk for pk, _ in by_area_ids])
    by_area = [(areas[pk].parent, areas[pk], n) for pk, n in by_area_ids if pk in areas]
    by_outcome: list[tuple[str, int]] = []
    for state, outcome, n in tips.values_list("state", "outcome").annotate(n=Count("pk")).order_by("state", "outcome"):
        label = str(outcomes.get(outcome)) if outcome else str(states.get(state, state))
        by_outcome.append((label, n))
    merged: dict[str, int] = {}
    for label, n in by_outcome:
        merged[label] = merged.get(label, 0) + n
    total = sum(n for _, n in by_category)
    overdue = tips.overdue(timezone.localdate()).count()
    return render(request, "tips/stats.html", {
        "by_category": by_category, "by_area": by_area, "by_outcome": sorted(merged.items(), key=lambda r: -r[1]),
        "total": total, "overdue": overdue, "year": year,
    })
