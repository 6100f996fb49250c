"""Actions of "You nominate, we test". Pages call these; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangli.areas.models import Area, AreaKind
from xiangli.audit import services as audit
from xiangli.people.models import Resident, User

from .models import Batch, Nomination, NominationState, Regulator, Result, SamplingEvent, Support, regulator_paths

# A flood guard: one resident's nominations per day (a setting may override it).
NOMINATIONS_PER_DAY: int = getattr(settings, "SAMPLING_NOMINATIONS_PER_DAY", 5)


def township_of(resident: Resident) -> Area | None:
    """The township a resident nominates and supports in: markets are run at that level."""
    village = resident.village
    parent = village.parent if village.parent_id else None
    return parent if parent is not None and parent.kind == AreaKind.TOWNSHIP else None


def _resident(by: User) -> Resident:
    if by.resident_id is None or by.resident is None:
        raise PermissionDenied(_("Only residents can nominate and support."))
    return by.resident


def nominate(*, by: User, item: str, stall: str = "", reason: str = "", now: dt.datetime | None = None) -> Nomination:
    """A resident proposes a food or a stall to sample in their township; they support it at once."""
    resident = _resident(by)
    township = township_of(resident)
    if township is None:
        raise ValidationError(_("Your village is not under a township; please ask your centre."))
    item, stall, reason = item.strip()[:100], stall.strip()[:100], reason.strip()[:2000]
    if len(item) < 2:
        raise ValidationError({"item": _("Please say which food should be tested.")})
    now = now or timezone.now()
    since = now - dt.timedelta(days=1)
    if Nomination.objects.filter(nominated_by=by, created_at__gte=since).count() >= NOMINATIONS_PER_DAY:
        raise ValidationError(_("You have made %(n)d nominations today, the most in one day. "
                                "Please support others' instead, or try tomorrow.") % {"n": NOMINATIONS_PER_DAY})
    duplicate = Nomination.objects.filter(
        area=township, state=NominationState.OPEN, item__iexact=item, stall__iexact=stall
    ).first()
    if duplicate is not None:
        raise ValidationError(_("“%(item)s” is already nominated in your township: please support it instead.")
                              % {"item": duplicate})
    with transaction.atomic():
        nomination = Nomination.objects.create(
            item=item, stall=stall, reason=reason, area=township, nominated_by=by, created_at=now, supports=1
        )
        Support.objects.create(nomination=nomination, user=by, at=now)
        audit.record("sampling.nominated", obj=nomination, actor=by,
                     changes={"item": [None, item], "stall": [None, stall], "supports": [None, 1]})
    return nomination


def may_support(nomination: Nomination, user: Any) -> bool:
    resident = getattr(user, "resident", None)
    return resident is not None and resident.area_path.startswith(nomination.area_path)


def support(nomination: Nomination, *, by: User) -> Nomination:
    """One resident's support for a nomination of their township: once each, counted exactly.

    The unique constraint decides between two taps at once; the count moves in
    the same transaction as the row, so the ranking always equals the rows.
    """
    _resident(by)
    if not may_support(nomination, by):
        raise PermissionDenied(_("You can support nominations of your own township only."))
    if nomination.state != NominationState.OPEN:
        raise ValidationError(_("Sampling of this is already scheduled; support is closed."))
    try:
        with transaction.atomic():
            Support.objects.create(nomination=nomination, user=by)
            Nomination.objects.filter(pk=nomination.pk).update(supports=F("supports") + 1)
            nomination.refresh_from_db(fields=["supports"])
            audit.record("sampling.supported", obj=nomination, actor=by,
                         changes={"supports": [nomination.supports - 1, nomination.supports]})
    except IntegrityError:
        raise ValidationError(_("You already support this nomination.")) from None
    return nomination


# -- the regulator -------------------------------------------------------------------------


def regulates(user: Any, area_path: str) -> bool:
    return bool(getattr(user, "is_superuser", False)) or any(area_path.startswith(p) for p in regulator_paths(user))


def regulated_areas(user: Any) -> list[Area]:
    """The areas the user regulates, for choosing where an event happens."""
    if getattr(user, "is_superuser", False):
        return list(Area.objects.filter(kind__in=[AreaKind.COUNTY, AreaKind.TOWNSHIP]).order_by("path")[:200])
    ids = Regulator.objects.filter(user=user).values("area_id")
    return list(Area.objects.filter(pk__in=ids).order_by("path"))


def schedule(
    *, by: User, area: Area, title: str, planned_on: dt.date, nominations: list[Nomination]
) -> SamplingEvent:
    """Plan a sampling event in an area the user regulates, taking up open nominations there."""
    if not regulates(by, area.path):
        raise PermissionDenied(_("You do not regulate this area."))
    title = title.strip()[:100]
    if len(title) < 2:
        raise ValidationError({"title": _("Please give the event a title.")})
    if planned_on < timezone.localdate() - dt.timedelta(days=3 * 366):
        raise ValidationError({"planned_on": _("Please give a date within the last three years or later.")})
    for n in nominations:
        if not n.area_path.startswith(area.path) or n.state != NominationState.OPEN:
            raise ValidationError(_("“%(item)s” cannot be taken into this event.") % {"item": n})
    with transaction.atomic():
        event = SamplingEvent.objects.create(title=title, area=area, planned_on=planned_on, created_by=by)
        ids = [n.pk for n in nominations]
        # Conditional: a nomination another regulator took meanwhile makes the whole plan fail.
        if Nomination.objects.filter(pk__in=ids, state=NominationState.OPEN).update(
            state=NominationState.SCHEDULED, event=event
        ) != len(ids):
            raise ValidationError(_("Someone scheduled one of these nominations just now. Please look again."))
        for n in nominations:
            n.state, n.event = NominationState.SCHEDULED, event
        audit.record("sampling.event_scheduled", obj=event, actor=by,
                     changes={"title": [None, title], "planned_on": [None, planned_on], "nominations": ids})
    return event


def record_batch(
    event: SamplingEvent,
    *,
    by: User,
    item: str,
    seller: str,
    sampled_on: dt.date,
    lab: str,
    result: str,
    failing_indicator: str = "",
    nomination: Nomination | None = None,
) -> Batch:
    """Record one sampled batch and its lab result; published at once for the area."""
    if not regulates(by, event.area_path):
        raise PermissionDenied(_("You do not regulate this area."))
    errors: dict[str, str] = {}
    item, seller, lab = item.strip()[:100], seller.strip()[:100], lab.strip()[:100]
    failing_indicator = failing_indicator.strip()[:200]
    if not item:
        errors["item"] = _("Please name the food sampled.")
    if not seller:
        errors["seller"] = _("Please name the seller.")
    if not lab:
        errors["lab"] = _("Please name the lab.")
    if result not in Result.values:
        errors["result"] = _("Please choose pass or fail.")
    elif result == Result.FAIL and not failing_indicator:
        errors["failing_indicator"] = _("Please say which indicator failed.")
    elif result == Result.PASS:
        failing_indicator = ""
    if sampled_on > timezone.localdate():
        errors["sampled_on"] = _("The sampling day cannot be in the future.")
    if nomination is not None and nomination.event_id != event.pk:
        errors["nomination"] = _("This nomination is not part of the event.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        batch = Batch.objects.create(
            event=event, nomination=nomination, item=item, seller=seller, sampled_on=sampled_on, lab=lab,
            result=result, failing_indicator=failing_indicator, area_path=event.area_path, recorded_by=by,
        )
        if nomination is not None:
            Nomination.objects.filter(pk=nomination.pk).update(state=NominationState.SAMPLED)
        audit.record("sampling.batch_recorded", obj=batch, actor=by, area_path=event.area_path,
                     changes={"item": item, "seller": seller, "result": result,
                              "failing_indicator": failing_indicator, "lab": lab})
    return batch


# -- published figures ---------------------------------------------------------------------


@dataclass(frozen=True)
class YearTotals:
    year: int
    events: int
    batches: int
    passed: int

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.batches if self.batches else None


def yearly_totals(batches: Any) -> list[YearTotals]:
    """Events, batches and passes per year over the given batches, newest year first: one query."""
    rows = (
        batches.annotate(year=ExtractYear("sampled_on"))
        .values("year")
        .annotate(events=Count("event_id", distinct=True), batches=Count("pk"),
                  passed=Count("pk", filter=Q(result=Result.PASS)))
        .order_by("-year")
    )
    return [YearTotals(r["year"], r["events"], r["batches"], r["passed"]) for r in rows]
