"""Actions on polls: open a topic, cast a secret ballot, publish the results at closing.

Refused actions raise ValidationError or PermissionDenied and write nothing.
Poll creation and changes go to the audit trail; a ballot's trail entry says
who took part, never what they chose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangli.areas.models import Area, AreaKind
from xiangli.audit import services as audit
from xiangli.people import scope
from xiangli.people.models import Resident, ResidentQuerySet, Role, User

from .models import Channel, Electorate, Option, Poll, PollKind, VoterRoll

# The village council's cadres open topics and take votes in person at the centre.
COUNCIL_ROLES = {Role.AGENT, Role.SECRETARY}
MIN_OPTIONS, MAX_OPTIONS = 2, 30
EDITABLE = ("title", "description", "electorate", "min_age", "opens_at", "closes_at", "quorum_percent")


def may_manage(user: Any, village: Area) -> bool:
    return scope.serves(user, village.path, COUNCIL_ROLES)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without it
        return day.replace(year=day.year - years, day=28)


def electorate(poll: Poll) -> ResidentQuerySet:
    """Everyone who may vote: residents of the village old enough on the closing day (or its household heads)."""
    born_by = _years_before(poll.closing_day, poll.min_age)
    voters = Resident.objects.filter(village_id=poll.village_id, birth_date__lte=born_by)
    if poll.electorate == Electorate.HOUSEHOLD_HEADS:
        voters = voters.filter(is_household_head=True)
    return voters


def is_eligible(poll: Poll, resident: Resident) -> bool:
    return electorate(poll).filter(pk=resident.pk).exists()


def has_voted(poll: Poll, resident: Resident) -> bool:
    return VoterRoll.objects.filter(poll=poll, resident=resident).exists()


def _check_fields(values: dict[str, Any], *, now: dt.datetime, new: bool) -> None:
    errors: dict[str, str] = {}
    if not str(values.get("title") or "").strip():
        errors["title"] = _("Please give the topic.")
    if values.get("electorate") not in Electorate.values:
        errors["electorate"] = _("Please say who may vote.")
    min_age = values.get("min_age")
    if not isinstance(min_age, int) or not 16 <= min_age <= 120:
        errors["min_age"] = _("The minimum age is between 16 and 120.")
    quorum = values.get("quorum_percent")
    if not isinstance(quorum, int) or not 1 <= quorum <= 100:
        errors["quorum_percent"] = _("The quorum is a share from 1 to 100 per cent.")
    opens, closes = values.get("opens_at"), values.get("closes_at")
    if not isinstance(opens, dt.datetime):
        errors["opens_at"] = _("Please give the opening time.")
    elif new and opens < now - dt.timedelta(minutes=10):
        errors["opens_at"] = _("The opening time has passed.")
    if not isinstance(closes, dt.datetime):
        errors["closes_at"] = _("Please give the closing time.")
    elif isinstance(opens, dt.datetime) and closes <= opens:
        errors["closes_at"] = _("The poll must close after it opens.")
    if errors:
        raise ValidationError(errors)


def _nominees(village: Area, names: Sequence[str]) -> list[Resident]:
    """Each name must be one resident of the village: a moral model is a person, not a label."""
    found = []
    errors = []
    for name in names:
        matches = list(Resident.objects.filter(village=village, name=name)[:2])
        if not matches:
            errors.append(_("No resident of the village is named %(name)s.") % {"name": name})
        elif len(matches) > 1:
            errors.append(_("Several residents are named %(name)s; please add the household number after the "
                            "name, as 姓名/户号.") % {"name": name})
        else:
            found.append(matches[0])
    if errors:
        raise ValidationError({"options": errors})
    return found


def create_poll(
    *, by: User, village: Area, kind: str, title: str, description: str = "", options: Sequence[str],
    electorate: str = Electorate.RESIDENTS, min_age: int = 18, opens_at: dt.datetime, closes_at: dt.datetime,
    quorum_percent: int = 50,
) -> Poll:
    """Open a topic for the village; for a moral-model election each option names a nominated resident."""
    if village.kind != AreaKind.VILLAGE or not may_manage(by, village):
        raise PermissionDenied(_("You do not serve this village's council."))
    if kind not in PollKind.values:
        raise ValidationError({"kind": _("Unknown kind of poll.")})
    values: dict[str, Any] = {
        "title": title.strip()[:200], "description": description.strip()[:4000], "electorate": electorate,
        "min_age": min_age, "opens_at": opens_at, "closes_at": closes_at, "quorum_percent": quorum_percent,
    }
    _check_fields(values, now=timezone.now(), new=True)
    labels = [o.strip()[:200] for o in options if o and o.strip()]
    if not MIN_OPTIONS <= len(labels) <= MAX_OPTIONS:
        raise ValidationError({"options": _("Please give between %(a)d and %(b)d options.")
                               % {"a": MIN_OPTIONS, "b": MAX_OPTIONS}})
    if len(set(labels)) != len(labels):
        raise ValidationError({"options": _("Two options are the same.")})
    nominees: list[Resident | None] = [None] * len(labels)
    if kind == PollKind.MORAL_MODEL:
        nominees = list(_find_nominees(village, labels))
    with transaction.atomic():
        poll = Poll.objects.create(village=village, area_path=village.path, kind=kind, created_by=by, **values)
        Option.objects.bulk_create([
            Option(poll=poll, label=nominee.name if nominee else label, nominee=nominee, sort=n)
            for n, (label, nominee) in enumerate(zip(labels, nominees, strict=True))
        ])
        audit.record("poll.created", obj=poll, actor=by, area_path=poll.area_path, changes={
            **{k: [None, v] for k, v in values.items()}, "kind": [None, kind], "options": [None, labels],
        })
    return poll


def _find_nominees(village: Area, lines: list[str]) -> list[Resident]:
    plain = []
    found: dict[int, Resident] = {}
    for n, line in enumerate(lines):
        name, _sep, household = (part.strip() for part in line.partition("/"))
        if household:
            match = Resident.objects.filter(village=village, name=name, household=household).first()
            if match is None:
                raise ValidationError({"options": _("No resident of the village is named %(name)s.") % {"name": line}})
            found[n] = match
        else:
            plain.append((n, name))
    for (n, _name), resident in zip(plain, _nominees(village, [name for _n, name in plain]), strict=True):
        found[n] = resident
    if len({r.pk for r in found.values()}) != len(found):
        raise ValidationError({"options": _("Two options are the same.")})
    return [found[n] for n in range(len(lines))]


def update_poll(poll: Poll, *, by: User, **changes: Any) -> Poll:
    """Change a topic before it opens; once voting has begun, the question and its rules stay."""
    if not may_manage(by, poll.village):
        raise PermissionDenied(_("You do not serve this village's council."))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("These cannot be changed: %(names)s") % {"names": ", ".join(sorted(unknown))})
    with transaction.atomic():
        locked = Poll.objects.select_for_update().get(pk=poll.pk)
        if timezone.now() >= locked.opens_at:
            raise ValidationError(_("Voting has begun; the poll can no longer be changed."))
        before = audit.snapshot(locked, EDITABLE)
        values = {**before, **changes}
        if isinstance(values.get("title"), str):
            values["title"] = values["title"].strip()[:200]
        _check_fields(values, now=timezone.now(), new=True)
        for name in EDITABLE:
            setattr(locked, name, values[name])
        locked.save(update_fields=list(EDITABLE))
        diff = audit.diff(before, audit.snapshot(locked, EDITABLE))
        if diff:
            audit.record("poll.changed", obj=locked, actor=by, area_path=locked.area_path, changes=diff)
    return locked


def cast_ballot(
    poll: Poll, *, by: User, option: Option, resident: Resident | None = None, now: dt.datetime | None = None
) -> None:
    """One secret vote: the resident goes on the roll, the option's count goes up; nothing links the two.

    A resident votes for themself online; a council cadre may record the vote of a
    resident who comes to the centre (`resident=`). Either way one vote per person:
    the roll's unique constraint refuses a second, even one sent at the same instant.
    Returns nothing on purpose: there is no ballot object to hand back.
    """
    own = resident is None or resident.pk == getattr(by, "resident_id", None)
    if resident is None:
        if not getattr(by, "resident_id", None):
            raise PermissionDenied(_("Only residents can vote."))
        resident = Resident.objects.get(user=by)
    channel = Channel.ONLINE if own else Channel.COUNTER
    if not own and not may_manage(by, poll.village):
        raise PermissionDenied(_("You do not serve this village's council."))
    if option.poll_id != poll.pk:
        raise ValidationError(_("Please choose one of this poll's options."))
    if not is_eligible(poll, resident):
        raise ValidationError(_("%(name)s is not among those who may vote on this poll.") % {"name": resident.name}
                              if not own else _("You are not among those who may vote on this poll."))
    already = (_("You have already voted on this poll. Each person votes once.") if own
               else _("%(name)s has already voted on this poll. Each person votes once.") % {"name": resident.name})
    if has_voted(poll, resident):
        raise ValidationError(already)  # early, without queueing for the lock; the constraint still decides
    try:
        with transaction.atomic():
            # The poll's row lock orders each ballot against the closing of the poll,
            # so no vote slips in after the results are counted.
            locked = Poll.objects.select_for_update().get(pk=poll.pk)
            moment = now or timezone.now()
            if moment < locked.opens_at:
                raise ValidationError(_("Voting has not opened yet. It opens at %(when)s.")
                                      % {"when": f"{timezone.localtime(locked.opens_at):%Y-%m-%d %H:%M}"})
            if moment >= locked.closes_at or locked.results_published_at is not None:
                raise ValidationError(_("Voting has closed."))
            VoterRoll.objects.create(poll=locked, resident=resident, channel=channel,
                                     recorded_by=None if own else by, voted_on=timezone.localdate(moment))
            # Every option of the poll is updated, by 1 or by 0: the same rows change
            # whichever was chosen.
            Option.objects.filter(poll=locked).update(
                votes=F("votes") + Case(When(pk=option.pk, then=Value(1)), default=Value(0))
            )
            audit.record("poll.voted", obj=locked, actor=by, area_path=locked.area_path,
                         changes={"voter": [None, resident.pk], "channel": [None, channel]})
    except IntegrityError:
        raise ValidationError(already) from None


def publish_results(poll: Poll, *, now: dt.datetime | None = None) -> Poll:
    """At closing, fix the electorate and turnout so the results can be shown. Idempotent.

    Called on the first view after closing (and by the tick), whichever comes first:
    the row lock and the `results_published_at` check make it happen once.
    """
    now = now or timezone.now()
    if poll.results_published_at is not None or now < poll.closes_at:
        return poll
    with transaction.atomic():
        locked = Poll.objects.select_for_update().get(pk=poll.pk)
        if locked.results_published_at is None:
            locked.electorate_size = electorate(locked).count()
            locked.turnout = VoterRoll.objects.filter(poll=locked).count()
            locked.results_published_at = now
            locked.save(update_fields=["electorate_size", "turnout", "results_published_at"])
            votes = dict(Option.objects.filter(poll=locked).values_list("label", "votes"))
            audit.record("poll.results_published", obj=locked, actor=None, area_path=locked.area_path, changes={
                "electorate": [None, locked.electorate_size], "turnout": [None, locked.turnout],
                "quorum_met": [None, locked.quorum_met], "votes": [None, votes],
            })
    return locked


def publish_due_results(*, now: dt.datetime | None = None) -> int:
    """Publish the results of every poll past its closing time; for the tick."""
    now = now or timezone.now()
    done = 0
    for poll in Poll.objects.due_for_results(now).select_related("village")[:500]:
        publish_results(poll, now=now)
        done += 1
    return done
