"""Demo data of the five helps: volunteers of the demo village, help tasks in every state, points paid.

The demo volunteer login (吴春燕) gets a resident record, so she can take tasks;
the demo resident (王秀英) has a request waiting and one to confirm.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.exceptions import ValidationError

from xiangli.areas.models import Area, AreaKind
from xiangli.people.crypto import digest
from xiangli.people.models import Resident, Role, RoleAssignment, Tag, User

from . import services
from .models import HelpKind, HelpRule, HelpTask, TaskChannel, TaskState, Volunteer

VOLUNTEER_PHONE = "+8613900000008"
RESIDENT_PHONE = "+8613800000001"


def demo_village_and_staff() -> tuple[Area, dict[str, User]] | None:
    """The demo village (where the demo volunteer serves) and its staff by role."""
    user = User.objects.filter(login_digest=digest(VOLUNTEER_PHONE)).first()
    if user is None:
        return None
    assignment = RoleAssignment.objects.filter(user=user, role=Role.VOLUNTEER).select_related("area").first()
    if assignment is None or assignment.area.kind != AreaKind.VILLAGE:
        return None
    village = assignment.area
    staff = {ra.role: ra.user for ra in RoleAssignment.objects.filter(
        area=village, role__in=[Role.AGENT, Role.SECRETARY]).select_related("user")}
    if Role.SECRETARY not in staff:
        return None
    return village, staff


def build(*, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    found = demo_village_and_staff()
    if found is None:
        return {}
    village, staff = found
    secretary = staff[Role.SECRETARY]
    vera = User.objects.get(login_digest=digest(VOLUNTEER_PHONE))
    me = vera.resident
    if me is None:
        # The demo volunteer is one of the village's registered residents (with a valid ID number),
        # a woman of working age without an account of her own, given the login's name.
        taken = User.objects.filter(resident__isnull=False).values("resident_id")
        me = (Resident.objects.filter(village=village, gender="F", birth_date__range=(
            dt.date(now.year - 55, 1, 1), dt.date(now.year - 25, 12, 31))).exclude(pk__in=taken)
            .order_by("pk").first())
        if me is None:
            return {}
        me.name = vera.name
        me.tags = sorted({*me.tags, Tag.PARTY_MEMBER})
        me.save()
        vera.resident = me
        vera.save(update_fields=["resident"])
    HelpRule.objects.bulk_create([
        HelpRule(village=village, kind=HelpKind.JOB, points_per_task=10, points_per_hour=10, daily_cap=60),
        HelpRule(village=village, kind=HelpKind.CLEANING, points_per_task=5, points_per_hour=10, daily_cap=60),
    ])
    people = list(Resident.objects.filter(village=village).exclude(pk=me.pk).order_by("pk"))
    today = now.date()
    young = [r for r in people if 20 <= r.age_on(today) <= 60]
    elderly = [r for r in people if Tag.LIVING_ALONE in r.tags or r.age_on(today) >= 75]
    volunteers = [services.register_volunteer(me, by=secretary)]
    for resident in rng.sample(young, min(9, len(young))):
        volunteers.append(services.register_volunteer(resident, by=secretary))
    # The demo resident: one request waiting, one done by the demo volunteer for her to confirm.
    wang = Resident.objects.filter(phone_digest=digest(RESIDENT_PHONE), village=village).first()
    if wang is not None:
        services.ask_for_help(by=secretary, resident=wang, kind=HelpKind.SHOPPING, note="米和油",
                              channel=TaskChannel.HEART_CARD)
        to_confirm = services.ask_for_help(by=secretary, resident=wang, kind=HelpKind.CLEANING,
                                           channel=TaskChannel.HEART_CARD)
        services.claim_task(to_confirm, by=vera)
        services.finish_task(to_confirm, by=vera, hours="1.5")
    tasks = 2 if wang is not None else 0
    for n in range(36):
        asker = rng.choice([r for r in elderly or people if r != wang] or people)
        kind = rng.choice(HelpKind.values)
        try:
            task = services.ask_for_help(by=secretary, resident=asker, kind=kind, channel=TaskChannel.HEART_CARD)
        except ValidationError:  # this resident already has requests waiting: ask for someone else
            continue
        tasks += 1
        asked = now - dt.timedelta(days=rng.uniform(0, 55), hours=rng.uniform(0, 8))
        volunteer = rng.choice(volunteers)
        state = TaskState.OPEN if n < 5 else TaskState.CLAIMED if n < 8 else TaskState.DONE if n < 10 else (
            TaskState.CONFIRMED)
        if volunteer.resident_id == asker.pk:
            state = TaskState.OPEN
        hours = Decimal(rng.choice(["0.5", "1", "1.5", "2", "3"]))
        fields: dict[str, object] = {"created_at": asked, "state": state}
        if state != TaskState.OPEN:
            fields.update(volunteer=volunteer, claimed_at=asked + dt.timedelta(minutes=20))
        if state in (TaskState.DONE, TaskState.CONFIRMED):
            fields.update(hours=hours, done_at=asked + dt.timedelta(hours=float(hours) + 0.5))
        HelpTask.objects.filter(pk=task.pk).update(**fields)
        if state == TaskState.CONFIRMED:
            task.refresh_from_db()
            rule = services.rule_for(task)
            points = rule["points_per_task"] + int(hours * rule["points_per_hour"])
            from xiangli.points.services import award_points

            entry = award_points(volunteer.resident, points=points, hours=hours, source=task.source_key,
                                 reason=f"{task.get_kind_display()} · {asker.name}", by=secretary, when=asked)
            HelpTask.objects.filter(pk=task.pk).update(points=entry.points, confirmed_by=secretary,
                                                       confirmed_at=asked + dt.timedelta(hours=6))
    return {"volunteers": Volunteer.objects.filter(village=village).count(), "help tasks": tasks}
