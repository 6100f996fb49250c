"""Poll pages: a village's votes in public, voting on the phone, and the council's desk.

Results are published lazily: the first view after closing time counts them
(`services.publish_results`), and the tick does the same for polls nobody opens.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiangli.areas.models import Area, AreaKind
from xiangli.disclosure.views import cacheable
from xiangli.front.access import attempt
from xiangli.front.views_desk import staff_required
from xiangli.people import scope
from xiangli.people.models import CASE_READER_ROLES, Resident

from . import services
from .forms import CounterVoteForm, PollChangeForm, PollForm, VoteForm
from .models import Poll, PollQuerySet, VoterRoll

PAGE = 30


def _village(code: str) -> Area:
    return get_object_or_404(Area, code=code, kind=AreaKind.VILLAGE)


def village(request: HttpRequest, code: str) -> HttpResponse:
    """The village's polls: open now, coming, and closed with their results."""
    area = _village(code)
    now = timezone.now()
    for due in Poll.objects.due_for_results(now).filter(village=area):
        services.publish_results(due, now=now)
    polls = list(Poll.objects.filter(village=area).order_by("-closes_at", "-pk")[:PAGE])
    groups: dict[str, list[Poll]] = {"open": [], "upcoming": [], "closed": []}
    for p in polls:
        groups[p.status(now)].append(p)
    return cacheable(request, render(request, "polls/village.html", {"village": area, **groups}))


def _poll(code: str, poll_id: int) -> Poll:
    poll = Poll.objects.select_related("village").filter(pk=poll_id, village__code=code).first()
    if poll is None:
        raise Http404
    return services.publish_results(poll)


def _resident(user: Any) -> Resident | None:
    resident_id = getattr(user, "resident_id", None)
    return Resident.objects.filter(pk=resident_id).first() if resident_id else None


def poll(request: HttpRequest, code: str, poll_id: int, form: VoteForm | None = None) -> HttpResponse:
    """One poll: what is asked and how; the ballot for a resident who may vote; the results after closing."""
    item = _poll(code, poll_id)
    options = list(item.options.select_related(None).order_by("sort", "pk"))
    resident = _resident(request.user)
    voted = eligible = False
    if resident is not None:
        voted = services.has_voted(item, resident)
        eligible = services.is_eligible(item, resident)
    total = sum(o.votes for o in options)
    show_results = item.results_published_at is not None
    return cacheable(request, render(request, "polls/poll.html", {
        "poll": item, "status": item.status(), "options": options if show_results else [],
        "choices": options, "show_results": show_results, "total": total,
        "resident": resident, "voted": voted, "eligible": eligible,
        "form": form or VoteForm(options=item.options.all()),
    }))


@login_required
@require_POST
def vote(request: HttpRequest, code: str, poll_id: int) -> HttpResponse:
    item = _poll(code, poll_id)
    form = VoteForm(request.POST, options=item.options.all())
    if form.is_valid():
        try:
            services.cast_ballot(item, by=request.user, option=form.cleaned_data["option"])  # type: ignore[arg-type]
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            # The choice is not repeated here, nor kept in the session: the ballot is secret.
            messages.success(request, _("Your vote was counted. Thank you."))
        return redirect("polls:poll", code=code, poll_id=item.pk)
    return poll(request, code, poll_id, form=form)


# The council's desk.


def _visible(user: Any) -> PollQuerySet:
    if getattr(user, "is_superuser", False):
        return Poll.objects.all()
    return Poll.objects.in_areas(scope.paths_for(user, CASE_READER_ROLES))


def _council_villages(user: Any) -> list[Area]:
    paths = scope.paths_for(user, services.COUNCIL_ROLES)
    if not paths:
        return []
    return list(Area.objects.under(*[Area(path=p) for p in paths]).villages()[:200])


@staff_required
def desk(request: HttpRequest) -> HttpResponse:
    polls = list(_visible(request.user).select_related("village").order_by("-opens_at", "-pk")[:PAGE])
    return render(request, "polls/desk.html", {
        "polls": polls, "now": timezone.now(), "villages": _council_villages(request.user),
    })


@staff_required
def desk_new(request: HttpRequest) -> HttpResponse:
    villages = _council_villages(request.user)
    village_id = request.POST.get("village") or request.GET.get("village") or (villages[0].pk if villages else "")
    area = next((v for v in villages if str(v.pk) == str(village_id)), None)
    if area is None:
        raise Http404
    if request.method == "POST":
        form = PollForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            created = attempt(form, lambda: services.create_poll(
                by=request.user, village=area, kind=data["kind"], title=data["title"],  # type: ignore[arg-type]
                description=data["description"], options=form.option_lines(), electorate=data["electorate"],
                min_age=data["min_age"], opens_at=data["opens_at"], closes_at=data["closes_at"],
                quorum_percent=data["quorum_percent"],
            ))
            if created is not None:
                messages.success(request, _("The poll was set up."))
                return redirect("polls:desk_poll", poll_id=created.pk)
    else:
        form = PollForm(initial={"kind": request.GET.get("kind", "deliberation")})
    return render(request, "polls/desk_new.html", {"form": form, "village": area, "villages": villages})


def _desk_poll(user: Any, poll_id: int) -> Poll:
    item = _visible(user).select_related("village").filter(pk=poll_id).first()
    if item is None:
        raise Http404
    return services.publish_results(item)


@staff_required
def desk_poll(request: HttpRequest, poll_id: int) -> HttpResponse:
    """A poll for the council: turnout so far, and votes taken in person for residents who come in."""
    item = _desk_poll(request.user, poll_id)
    manages = services.may_manage(request.user, item.village)
    can_change = manages and item.status() == "upcoming"
    change_form = PollChangeForm(initial={name: getattr(item, name) for name in services.EDITABLE})
    if can_change and request.method == "POST" and request.POST.get("action") == "change":
        change_form = PollChangeForm(request.POST)
        if change_form.is_valid():
            changed = attempt(change_form, lambda: services.update_poll(
                item, by=request.user, **change_form.cleaned_data,  # type: ignore[arg-type]
            ))
            if changed is not None:
                messages.success(request, _("The poll was changed."))
                return redirect("polls:desk_poll", poll_id=item.pk)
    can_take = manages and item.is_open()
    # Posted, not put in the address: an ID number or phone must not land in access logs.
    q = request.POST.get("q", "").strip() if can_take and request.method == "POST" else ""
    found: list[tuple[Resident, bool, bool]] = []
    if q:
        residents = list(Resident.objects.filter(village=item.village).search(q).order_by("name", "pk")[:20])
        eligible = set(services.electorate(item).filter(pk__in=[r.pk for r in residents]).values_list("pk", flat=True))
        voted = set(VoterRoll.objects.filter(poll=item, resident__in=residents).values_list("resident_id", flat=True))
        found = [(r, r.pk in eligible, r.pk in voted) for r in residents]
    options = list(item.options.order_by("sort", "pk"))
    return render(request, "polls/desk_poll.html", {
        "poll": item, "status": item.status(), "q": q, "found": found, "can_take": can_take,
        "voted_so_far": VoterRoll.objects.filter(poll=item).count(),
        "options": options, "show_results": item.results_published_at is not None,
        "total": sum(o.votes for o in options), "form": CounterVoteForm(options=item.options.all()),
        "can_change": can_change, "change_form": change_form,
    })


@staff_required
@require_POST
def desk_counter_vote(request: HttpRequest, poll_id: int) -> HttpResponse:
    """A cadre records the vote of a resident who came to the centre; the same one-vote rule."""
    item = _desk_poll(request.user, poll_id)
    form = CounterVoteForm(request.POST, options=item.options.all())
    if not form.is_valid():
        messages.error(request, _("Please choose an option."))
        return redirect("polls:desk_poll", poll_id=item.pk)
    resident = Resident.objects.filter(pk=form.cleaned_data["resident"], village=item.village).first()
    if resident is None:
        raise Http404
    try:
        services.cast_ballot(item, by=request.user, option=form.cleaned_data["option"], resident=resident)  # type: ignore[arg-type]
        messages.success(request, _("The vote of %(name)s was counted.") % {"name": resident.name})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("polls:desk_poll", poll_id=item.pk)
