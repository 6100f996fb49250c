"""Pages of the "三自" organisations: residents see and join their village's; staff keep the register."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiangli.areas.models import Area, AreaKind
from xiangli.front.access import attempt, run_action
from xiangli.front.forms import Form
from xiangli.front.views_desk import staff_required
from xiangli.people import scope
from xiangli.people.models import Resident

from . import services
from .models import Membership, Organisation, OrgKind


class OrganisationForm(Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=OrgKind.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    purpose = forms.CharField(label=gettext_lazy("What it does"), max_length=300, required=False)


class ActivityForm(Form):
    held_on = forms.DateField(label=gettext_lazy("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=gettext_lazy("What happened"), max_length=150)
    participants = forms.IntegerField(label=gettext_lazy("Participants"), min_value=0, initial=0)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))




@login_required
def village_list(request: HttpRequest) -> HttpResponse:
    """The organisations of the resident's village, by kind, and the ones they belong to."""
    resident = getattr(request.user, "resident", None)
    if resident is None:
        raise Http404
    orgs = list(
        Organisation.objects.filter(village_id=resident.village_id, is_active=True)
        .select_related("leader")
        .annotate(members=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .order_by("kind", "name")
    )
    mine = set(Membership.objects.filter(resident=resident, left_on__isnull=True).values_list("organisation_id",
                                                                                             flat=True))
    labels = dict(OrgKind.choices)
    groups = [(labels[k], [o for o in orgs if o.kind == k]) for k in OrgKind.values]
    return render(request, "organisations/list.html", {"groups": [g for g in groups if g[1]], "mine": mine})


@require_POST
@login_required
def membership(request: HttpRequest, org_id: int) -> HttpResponse:
    resident = getattr(request.user, "resident", None)
    if resident is None:
        raise Http404
    org = get_object_or_404(Organisation, pk=org_id, village_id=resident.village_id)
    by: Any = request.user
    if request.POST.get("action") == "leave":
        if run_action(request, lambda: services.leave(org, resident=resident, by=by)):
            messages.success(request, _("You have left %(name)s.") % {"name": org.name})
    elif run_action(request, lambda: services.join(org, resident=resident, by=by)):
        messages.success(request, _("Welcome to %(name)s!") % {"name": org.name})
    return redirect("organisations:list")


# --- staff ---------------------------------------------------------------------------------------


def _desk_orgs(user: Any) -> Any:
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.in_areas(scope.paths_for(user, services.ORG_STAFF_ROLES))


def _villages(user: Any) -> list[Area]:
    paths = scope.paths_for(user, services.ORG_STAFF_ROLES)
    if getattr(user, "is_superuser", False):
        return list(Area.objects.villages()[:200])
    if not paths:
        return []
    return list(Area.objects.under(*[Area(path=p) for p in paths]).filter(kind=AreaKind.VILLAGE)[:200])


@staff_required
def desk(request: HttpRequest) -> HttpResponse:
    """The register of organisations in the areas served, and a form to add one."""
    villages = _villages(request.user)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        village = next((v for v in villages if str(v.pk) == request.POST.get("village")), None)
        if village is None:
            form.add_error(None, _("Choose a village."))
        else:
            org = attempt(form, lambda: services.found_organisation(by=request.user, village=village,  # type: ignore[arg-type]
                                                                    **form.cleaned_data))
            if org is not None:
                messages.success(request, _("%(name)s registered.") % {"name": org.name})
                return redirect("organisations:desk_detail", org_id=org.pk)
    orgs = list(_desk_orgs(request.user).select_related("village", "leader")
                .annotate(members=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
                .order_by("village__path", "kind", "name")[:200])
    return render(request, "organisations/desk.html", {"orgs": orgs, "form": form, "villages": villages})


@staff_required
def desk_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    """Members (party members marked), the leader, the activities log; add members by search."""
    org = get_object_or_404(_desk_orgs(request.user).select_related("village", "leader"), pk=org_id)
    members = list(org.memberships.filter(left_on__isnull=True).select_related("resident")
                   .order_by("resident__name"))
    q = request.GET.get("q", "").strip()
    found = list(Resident.objects.filter(village_id=org.village_id).search(q)[:20]) if q else []
    form = ActivityForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        activity = attempt(form, lambda: services.log_activity(org, by=request.user, **data))  # type: ignore[arg-type]
        if activity is not None:
            messages.success(request, _("Activity logged."))
            return redirect("organisations:desk_detail", org_id=org.pk)
    return render(request, "organisations/desk_detail.html", {
        "org": org, "members": members, "q": q, "found": found, "form": form,
        "party_members": sum(1 for m in members if m.is_party_member),
        "activities": list(org.activities.order_by("-held_on", "-pk")[:30]),
    })


@require_POST
@staff_required
def desk_member(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_object_or_404(_desk_orgs(request.user), pk=org_id)
    resident = get_object_or_404(Resident, pk=request.POST.get("resident") or 0, village_id=org.village_id)
    by: Any = request.user
    action = request.POST.get("action")
    if action == "add" and run_action(request, lambda: services.join(org, resident=resident, by=by)):
        messages.success(request, _("%(name)s added.") % {"name": resident.name})
    elif action == "remove" and run_action(request, lambda: services.leave(org, resident=resident, by=by)):
        messages.success(request, _("%(name)s removed.") % {"name": resident.name})
    elif action == "leader" and run_action(request, lambda: services.set_leader(org, resident=resident, by=by)):
        messages.success(request, _("%(name)s is the leader now.") % {"name": resident.name})
    return redirect("organisations:desk_detail", org_id=org.pk)

