"""Pages of the points supermarket (积分超市), a person's points, the leaderboard, and the staff counter."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
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
from xiangli.people.models import Role

from . import services
from .models import MonthlyTally, PointsAccount, PointsEntry, Redemption, Reward, month_of

PAGE = 50
# Every staff role sees the leaderboards of the villages it serves.
STAFF_ROLES = set(Role) - {Role.RESIDENT, Role.VOLUNTEER}


class RewardForm(Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300, required=False)
    price = forms.CharField(label=gettext_lazy("Price in points"), max_length=10,
                            widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    stock = forms.CharField(label=gettext_lazy("In stock"), max_length=10,
                            widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    is_active = forms.BooleanField(label=gettext_lazy("On offer"), required=False, initial=True)


class AdjustForm(Form):
    points = forms.CharField(label=gettext_lazy("Points to add (or take, with a minus sign)"), max_length=10)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)




# --- residents -----------------------------------------------------------------------------------


@login_required
def shop(request: HttpRequest) -> HttpResponse:
    """The catalogue of the resident's centre, cheapest first, with their balance."""
    resident = getattr(request.user, "resident", None)
    if resident is None:
        raise Http404
    rewards = list(Reward.objects.filter(village_id=resident.village_id, is_active=True).order_by("price", "name"))
    return render(request, "points/shop.html", {
        "rewards": rewards, "balance": services.balance_of(resident), "key": uuid.uuid4().hex,
    })


@require_POST
@login_required
def redeem(request: HttpRequest, reward_id: int) -> HttpResponse:
    resident = getattr(request.user, "resident", None)
    if resident is None:
        raise Http404
    reward = get_object_or_404(Reward, pk=reward_id, village_id=resident.village_id)
    redemption = run_action(request, lambda: services.redeem(
        reward, by=request.user, request_key=request.POST.get("key", "")))  # type: ignore[arg-type]
    if redemption is not None:
        messages.success(request, _("Done! Show the code %(code)s at the centre to collect %(name)s.")
                         % {"code": redemption.code, "name": reward.name})
        return redirect("points:mine")
    return redirect("points:shop")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """A person's balance, their ledger lines and the rewards waiting to be collected."""
    resident = getattr(request.user, "resident", None)
    if resident is None:
        raise Http404
    account = PointsAccount.objects.filter(resident=resident).first()
    entries = list(account.entries.order_by("-created_at", "-pk")[:PAGE]) if account else []
    redemptions = list(account.redemptions.select_related("reward").order_by("-created_at")[:20]) if account else []
    return render(request, "points/mine.html", {"account": account, "entries": entries, "redemptions": redemptions})


@require_POST
@login_required
def cancel(request: HttpRequest, redemption_id: int) -> HttpResponse:
    redemption = get_object_or_404(Redemption, pk=redemption_id,
                                   account__resident_id=getattr(request.user, "resident_id", None) or 0)
    if run_action(request, lambda: services.cancel_redemption(redemption, by=request.user)):  # type: ignore[arg-type]
        messages.success(request, _("Cancelled; your points are back."))
    return redirect("points:mine")


def _month(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{value}-01")
    except ValueError:
        return month_of(timezone.now())


@login_required
def leaderboard(request: HttpRequest) -> HttpResponse:
    """Volunteers of a village by points earned in a month: a resident's own village, or one staff serve."""
    user: Any = request.user
    month = _month(request.GET.get("month", ""))
    village: Area | None = None
    if request.GET.get("village") and scope.is_staff_member(user):
        village = Area.objects.filter(pk=request.GET["village"], kind=AreaKind.VILLAGE).first()
        if village is None or not scope.serves(user, village.path, STAFF_ROLES):
            raise Http404
    elif getattr(user, "resident", None) is not None:
        village = user.resident.village
    if village is None:
        raise Http404
    rows = list(MonthlyTally.objects.filter(village=village, month=month, points__gt=0)
                .select_related("account__resident").order_by("-points", "account_id")[:20])
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return render(request, "points/leaderboard.html", {
        "village": village, "month": month, "rows": rows, "previous": previous,
        "following": following if following <= month_of(timezone.now()) else None,
    })


# --- staff ---------------------------------------------------------------------------------------


def _served(user: Any, roles: Iterable[str]) -> Q:
    if getattr(user, "is_superuser", False):
        return Q()
    return scope.under(scope.paths_for(user, roles))


def _shop_villages(user: Any) -> list[Area]:
    if getattr(user, "is_superuser", False):
        return list(Area.objects.villages()[:200])
    paths = scope.paths_for(user, services.SHOP_ROLES)
    if not paths:
        return []
    return list(Area.objects.under(*[Area(path=p) for p in paths]).filter(kind=AreaKind.VILLAGE)[:200])


@staff_required
def desk_rewards(request: HttpRequest) -> HttpResponse:
    """The shelves of the supermarkets the staff member runs, and a form to stock a new reward."""
    villages = _shop_villages(request.user)
    form = RewardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        village = next((v for v in villages if str(v.pk) == request.POST.get("village")), None)
        if village is None:
            form.add_error(None, _("Choose a village."))
        else:
            data = form.cleaned_data
            reward = attempt(form, lambda: services.save_reward(by=request.user, village=village,  # type: ignore[arg-type]
                                                                data=services.RewardInput(**data)))
            if reward is not None:
                messages.success(request, _("%(name)s is on the shelf.") % {"name": reward.name})
                return redirect("points:desk_rewards")
    rewards = list(Reward.objects.filter(_served(request.user, services.SHOP_ROLES)).select_related("village")
                   .order_by("village__path", "-is_active", "price")[:200])
    return render(request, "points/desk_rewards.html", {"rewards": rewards, "form": form, "villages": villages})


@staff_required
def desk_reward(request: HttpRequest, reward_id: int) -> HttpResponse:
    reward = get_object_or_404(Reward.objects.filter(_served(request.user, services.SHOP_ROLES)), pk=reward_id)
    initial = {"name": reward.name, "description": reward.description, "price": reward.price,
               "stock": reward.stock, "is_active": reward.is_active}
    form = RewardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = attempt(form, lambda: services.save_reward(by=request.user, village=reward.village,  # type: ignore[arg-type]
                                                           data=services.RewardInput(**form.cleaned_data),
                                                           reward=reward))
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("points:desk_rewards")
    return render(request, "points/desk_reward.html", {"reward": reward, "form": form})


@staff_required
def desk_handover(request: HttpRequest) -> HttpResponse:
    """The counter: type the code the person shows, see what it is for, hand it over."""
    code = request.POST.get("code", "").strip() if request.method == "POST" else ""
    found = services.find_redemption(code, by=request.user) if code else None  # type: ignore[arg-type]
    if request.method == "POST" and request.POST.get("action") == "hand_over" and found is not None:
        if run_action(request, lambda: services.hand_over(found, by=request.user)):  # type: ignore[arg-type]
            messages.success(request, _("%(name)s handed over.") % {"name": found.reward.name})
            return redirect("points:desk_handover")
    if code and found is None:
        messages.error(request, _("No redemption with this code in your villages."))
    return render(request, "points/desk_handover.html", {"code": code, "found": found})


@staff_required
def desk_accounts(request: HttpRequest) -> HttpResponse:
    """Points accounts of the areas served, found by name; the way to an adjustment or a reversal."""
    q = request.GET.get("q", "").strip()
    accounts = PointsAccount.objects.filter(_served(request.user, services.SHOP_ROLES | services.CORRECTION_ROLES))
    if q:
        accounts = accounts.filter(Q(resident__name__startswith=q) | Q(resident__name_initials__startswith=q.lower()))
    rows = list(accounts.select_related("resident", "village").order_by("-balance", "pk")[:PAGE])
    return render(request, "points/desk_accounts.html", {"accounts": rows, "q": q})


def _desk_account(request: HttpRequest, account_id: int) -> PointsAccount:
    return get_object_or_404(
        PointsAccount.objects.filter(_served(request.user, services.SHOP_ROLES | services.CORRECTION_ROLES))
        .select_related("resident", "village"), pk=account_id)


@staff_required
def desk_account(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _desk_account(request, account_id)
    form = AdjustForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = attempt(form, lambda: services.adjust(account, by=request.user, **form.cleaned_data))  # type: ignore[arg-type]
        if entry is not None:
            messages.success(request, _("Adjustment written."))
            return redirect("points:desk_account", account_id=account.pk)
    entries = list(account.entries.select_related("actor").order_by("-created_at", "-pk")[:PAGE])
    reversed_ids = set(PointsEntry.objects.filter(reverses__in=[e.pk for e in entries])
                       .values_list("reverses_id", flat=True))
    return render(request, "points/desk_account.html", {
        "account": account, "entries": entries, "form": form, "reversed_ids": reversed_ids,
        "may_correct": scope.serves(request.user, account.area_path, services.CORRECTION_ROLES),
    })


@require_POST
@staff_required
def desk_reverse(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(PointsEntry.objects.select_related("account"), pk=entry_id)
    account = _desk_account(request, entry.account_id)
    if run_action(request, lambda: services.reverse_entry(entry, reason=request.POST.get("reason", ""),
                                                    by=request.user)):  # type: ignore[arg-type]
        messages.success(request, _("Reversal written."))
    return redirect("points:desk_account", account_id=account.pk)

