"""Pages of "policy finds people": policies and their preview, runs, outreach lists, coverage."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiangli.areas.models import Area
from xiangli.catalog.models import ServiceItem
from xiangli.front.access import attempt
from xiangli.front.views_desk import staff_required
from xiangli.people.models import Tag

from . import queries, rules, services
from .forms import ExportForm, OutcomeForm, PolicyForm, initial_for_rule
from .models import Outreach, OutreachStatus, Policy, PolicyStatus

PAGE = 50


def _policy(request: HttpRequest, policy_id: int) -> Policy:
    """A policy the user may see, or 404 (another county's policy does not exist for them)."""
    policy = Policy.objects.visible_to(request.user).select_related("area", "service_item").filter(
        pk=policy_id).first()
    if policy is None:
        raise Http404
    return policy


def _managed(request: HttpRequest, policy_id: int) -> Policy:
    policy = _policy(request, policy_id)
    if not services.may_manage(request.user, policy):
        raise Http404
    return policy


@staff_required
def policy_list(request: HttpRequest) -> HttpResponse:
    """The policies over or under the user's areas."""
    policies = list(Policy.objects.visible_to(request.user).select_related("area").order_by("status", "code"))
    may_define = bool(services.policy_areas_for(request.user))
    return render(request, "policies/list.html", {"policies": policies, "may_define": may_define})


def _form_choices(user: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    areas = [(a.code, a.display_name) for a in services.policy_areas_for(user)]
    items = [(i.code, f"{i.code} {i.name}") for i in ServiceItem.objects.filter(active=True).order_by("code")]
    return areas, items


def _save(request: HttpRequest, form: PolicyForm, policy: Policy | None) -> Policy | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    area = Area.objects.get(code=data["area"])
    item = ServiceItem.objects.filter(code=data["service_item"]).first() if data["service_item"] else None
    fields = {
        "code": data["code"], "name_zh": data["name_zh"], "name_en": data["name_en"], "benefit": data["benefit"],
        "documents": data["documents_list"], "rule": data["rule"], "area": area, "service_item": item,
    }
    if policy is None:
        return attempt(form, lambda: services.create_policy(by=request.user, **fields))  # type: ignore[arg-type]
    return attempt(form, lambda: services.update_policy(policy, by=request.user, **fields))  # type: ignore[arg-type]


@staff_required
def policy_new(request: HttpRequest) -> HttpResponse:
    """Define a policy: its text, its area and who is eligible, as conditions."""
    areas, items = _form_choices(request.user)
    if not areas:
        raise Http404
    form = PolicyForm(request.POST or None, areas=areas, items=items, initial={"mode": "rows", "combinator": "all"})
    if request.method == "POST" and (policy := _save(request, form, None)) is not None:
        messages.success(request, _("Policy saved as a draft. Check the preview, then put it live."))
        return redirect("policies:preview", policy_id=policy.pk)
    return render(request, "policies/form.html", {"form": form, "tags": Tag.choices, "policy": None})


@staff_required
def policy_edit(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = _managed(request, policy_id)
    areas, items = _form_choices(request.user)
    initial = {
        "code": policy.code, "name_zh": policy.name_zh, "name_en": policy.name_en, "benefit": policy.benefit,
        "documents": "\n".join(policy.documents), "area": policy.area.code,
        "service_item": policy.service_item.code if policy.service_item else "", **initial_for_rule(policy.rule),
    }
    form = PolicyForm(request.POST or None, areas=areas, items=items, initial=initial)
    if request.method == "POST" and _save(request, form, policy) is not None:
        messages.success(request, _("Policy saved."))
        return redirect("policies:preview", policy_id=policy.pk)
    return render(request, "policies/form.html", {"form": form, "tags": Tag.choices, "policy": policy})


@staff_required
def preview(request: HttpRequest, policy_id: int) -> HttpResponse:
    """The policy and who its rule matches now, per area, with a sample: checked before going live."""
    policy = _policy(request, policy_id)
    root = queries.root_for(request.user, policy, request.GET.get("area", ""))
    if root is None:
        raise Http404
    breakdown, sample = queries.preview(policy, root)
    return render(request, "policies/preview.html", {
        "policy": policy, "rule_text": rules.describe(policy.rule), "breakdown": breakdown, "sample": sample,
        "may_manage": services.may_manage(request.user, policy), "last_run": policy.runs.order_by("-at").first(),
        "export_form": ExportForm(),
    })


@staff_required
@require_POST
def set_status(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = _managed(request, policy_id)
    try:
        services.set_status(policy, by=request.user, status=request.POST.get("status", ""))  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("policies:preview", policy_id=policy.pk)


@staff_required
@require_POST
def run(request: HttpRequest, policy_id: int) -> HttpResponse:
    """Send grid workers to the eligible residents not yet enrolled."""
    policy = _managed(request, policy_id)
    try:
        done = services.run_policy(policy, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)d new visits for grid workers; the villages are told.") % {"n": done.created})
    return redirect("policies:preview", policy_id=policy.pk)


@staff_required
def coverage(request: HttpRequest) -> HttpResponse:
    """应保尽保: for each live policy, eligible, reached, enrolled, declined and the gap in the user's area."""
    table = []
    for policy in Policy.objects.visible_to(request.user).filter(status=PolicyStatus.LIVE).select_related("area"):
        root = queries.root_for(request.user, policy)
        if root is not None:
            table.append((policy, root, queries.coverage(policy, root).total))
    return render(request, "policies/coverage.html", {"table": table})


@staff_required
def coverage_detail(request: HttpRequest, policy_id: int) -> HttpResponse:
    """One policy's coverage per child area, to drill down from the city to the grid."""
    policy = _policy(request, policy_id)
    root = queries.root_for(request.user, policy, request.GET.get("area", ""))
    if root is None:
        raise Http404
    breakdown = queries.coverage(policy, root)
    parent = root.parent if root != policy.area and root.parent_id else None
    return render(request, "policies/coverage_detail.html", {"policy": policy, "breakdown": breakdown,
                                                             "parent": parent})


@staff_required
def outreach_list(request: HttpRequest) -> HttpResponse:
    """The visits to make (a grid worker's list) or oversee, by policy and status."""
    status = request.GET.get("status", OutreachStatus.OPEN)
    if status not in OutreachStatus.values:
        status = OutreachStatus.OPEN
    policies = list(Policy.objects.visible_to(request.user).only("pk", "code", "name_zh", "name_en"))
    chosen = next((p for p in policies if str(p.pk) == request.GET.get("policy")), None)
    visits = queries.outreach_list(request.user, policy=chosen, status=status)
    offset = _offset(request)
    rows = list(visits[offset: offset + PAGE + 1])
    return render(request, "policies/outreach_list.html", {
        "visits": rows[:PAGE], "next": offset + PAGE if len(rows) > PAGE else None, "status": status,
        "statuses": OutreachStatus.choices, "policies": policies, "chosen": chosen,
    })


def _offset(request: HttpRequest) -> int:
    try:
        return max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        return 0


@staff_required
def outreach_detail(request: HttpRequest, outreach_id: int) -> HttpResponse:
    """One visit: the resident, the policy's benefit and documents, and the outcome form."""
    visit = (
        Outreach.objects.visible_to(request.user)
        .select_related("policy__service_item", "resident__village", "resident__grid")
        .filter(pk=outreach_id).first()
    )
    if visit is None:
        raise Http404
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(form, lambda: services.record_outcome(
            visit, by=request.user, outcome=form.cleaned_data["outcome"],  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"]))
        if done is not None:
            messages.success(request, _("Outcome recorded."))
            if done.case_id:
                return redirect("front:desk_case", case_id=done.case_id)
            return redirect("policies:outreach")
    return render(request, "policies/outreach_detail.html", {"visit": visit, "form": form})


@staff_required
@require_POST
def export(request: HttpRequest, policy_id: int) -> HttpResponse:
    """The eligible residents not yet enrolled, in the user's areas, as an Excel file."""
    from xiangli.people.models import CASE_READER_ROLES
    from xiangli.roster.exporting import export_residents

    policy = _policy(request, policy_id)
    form = ExportForm(request.POST)
    form.is_valid()
    people = services.not_enrolled(policy).served_by(request.user, CASE_READER_ROLES)
    try:
        data = export_residents(
            people, by=request.user, full=form.cleaned_data.get("full", False),  # type: ignore[arg-type]
            reason=form.cleaned_data.get("reason", ""), ip=request.META.get("REMOTE_ADDR"),
            what=f"policy {policy.code}: not enrolled",
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return redirect("policies:preview", policy_id=policy.pk)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="policy-{policy.code}-{stamp}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
