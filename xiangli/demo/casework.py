"""Made-up case histories for the demo: each case a timeline the real actions could have written.

A planned case carries the same field values that `xiangli.cases.services`
would have left after the same steps (accepted_on, due_on, the pause, on_time,
escalation…), so pages and reports cannot tell demo cases from real ones. The
rows are written in bulk by the builder; nothing here touches the database
except `WorkCalendar.load`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from xiangli.cases.models import Channel, EventKind, State
from xiangli.catalog.models import HandlingLevel, ServiceItem
from xiangli.workdays.models import CalendarDay

ONE_DAY = dt.timedelta(days=1)


class WorkCalendar:
    """`xiangli.workdays.calendar` computed in memory from one query.

    The same rule (a stored exception, else Monday to Friday), without a query
    per call, which thousands of demo cases cannot afford.
    """

    def __init__(self, exceptions: dict[dt.date, bool]) -> None:
        self.exceptions = exceptions

    @classmethod
    def load(cls) -> WorkCalendar:
        return cls(dict(CalendarDay.objects.values_list("day", "is_workday")))

    def is_workday(self, day: dt.date) -> bool:
        return self.exceptions.get(day, day.weekday() < 5)

    def add(self, start: dt.date, count: int) -> dt.date:
        """As `add_workdays`: `count` working days after `start`, start not counted."""
        day = start
        while count > 0:
            day += ONE_DAY
            count -= self.is_workday(day)
        return day

    def back(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day before `day`; with 0, `day` or the working day before it.

        For a working day d, add(back(d, n), n) == d.
        """
        if count <= 0:
            while not self.is_workday(day):
                day -= ONE_DAY
            return day
        while count > 0:
            day -= ONE_DAY
            count -= self.is_workday(day)
        return day

    def between(self, start: dt.date, end: dt.date) -> int:
        """As `workdays_between`: working days in (start, end]."""
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_workday(day)
        return count


# What people write, in the village's words.
DESCRIPTIONS = (
    "{name}申请办理{item}。",
    "{name}来电咨询{item}，代办员已说明所需材料。",
    "{name}委托代办{item}，材料已收齐。",
    "{name}子女在外务工，委托村里代办{item}。",
    "{name}行动不便，申请上门办理{item}。",
)
HOME_VISIT_DESCRIPTIONS = (
    "网格员上门采集{name}的材料，代办{item}。",
    "入户走访时{name}提出办理{item}，网格员已拍照留存材料。",
)
ONLINE_DESCRIPTIONS = ("本人在手机上申请{item}。", "我想办理{item}，请帮忙看看材料够不够。", "")
DECLINE_REASONS = (
    "不符合申领条件：未达到规定年龄。",
    "材料逾期未补正，请补齐后重新申请。",
    "该事项须本人到县政务服务中心现场办理，已告知办理地点和时间。",
    "已在其他渠道办理，本件为重复申请。",
    "户籍不在本村，请到户籍所在地办理。",
)
MATERIAL_NOTES = ("{m}复印件不清晰，请重新提供。", "请补充：{m}。", "缺少{m}，网格员可上门拍照。")
COMMENTS = {
    5: (
        "代办员跑前跑后，一趟没让我跑，感谢！",
        "办得快，态度好。",
        "网格员上门拍的材料，省心。",
        "在家就办成了，给村里点赞。",
        "比说好的时间还快。",
    ),
    4: ("挺好，就是等了几天。", "办成了，希望以后通知得再早一点。", "服务不错。"),
    3: ("办是办了，材料来回补了一次。", "一般，多跑了一趟。"),
    2: ("时间拖得有点长。", "打电话问了好几次才有回音。"),
    1: ("超时了也没人说一声。", "跑了三趟还没说清楚要啥材料。"),
}


@dataclass
class Step:
    kind: str
    actor_id: int | None
    note: str = ""
    day: dt.date | None = None
    at: dt.datetime | None = None  # fixed time (escalations at night); otherwise placed on `day`


@dataclass
class PlannedCase:
    """Field values for one Case row and its timeline, before either is saved."""

    fields: dict[str, Any]
    events: list[tuple[str, int | None, str, dt.datetime]] = field(default_factory=list)


@dataclass(frozen=True)
class Shape:
    """The random choices behind a finished case, drawn once so the case can slide in time."""

    carry_gap: int  # working days from acceptance to carrying
    ask: int | None  # working days from acceptance to asking for materials, if asked
    answer_gap: int  # working days the resident takes to bring them
    work: int  # working days from acceptance to done
    close_gap: int  # working days from done to closing
    rate_gap: int  # days from done (or closing) to the resident's rating
    rated_closed: bool  # closed by staff first, rated afterwards
    decline_early: bool  # declined at the counter, before acceptance

    @classmethod
    def draw(cls, rng: random.Random, promised_days: int) -> Shape:
        p = promised_days
        return cls(
            carry_gap=rng.randint(0, 2),
            ask=rng.randint(0, max(0, p - 1)) if rng.random() < 0.2 else None,
            answer_gap=rng.randint(1, 4),
            work=max(1, round(p * rng.uniform(0.2, 1.15))),
            close_gap=rng.randint(0, 5),
            rate_gap=rng.randint(0, 6),
            rated_closed=rng.random() < 0.15,
            decline_early=rng.random() < 0.4,
        )


@dataclass
class Who:
    """The people around one case."""

    creator_id: int
    agent_id: int
    resident_user_id: int | None


class CasePlanner:
    """Plans cases in a given state against today's date and the working-day calendar."""

    def __init__(
        self,
        *,
        rng: random.Random,
        calendar: WorkCalendar,
        now: dt.datetime,
        tz: ZoneInfo,
        escalate_after: int,
    ) -> None:
        self.rng = rng
        self.cal = calendar
        self.tz = tz
        self.now = now.astimezone(tz)
        self.today = self.now.date()
        # Work happens in office hours; before 9:00 today has had none yet.
        self.last_day = self.today if self.now.hour >= 9 else self.today - ONE_DAY
        self.escalate_after = escalate_after

    # -- days and times --------------------------------------------------------

    def _workday_upto(self, day: dt.date) -> dt.date:
        return self.cal.back(min(day, self.last_day), 0)

    def _submission_day(self, accept_day: dt.date, channel: str) -> dt.date:
        if channel == Channel.WALK_IN:
            return accept_day
        if channel == Channel.ONLINE:  # residents apply any day, evenings and weekends too
            return accept_day - dt.timedelta(days=self.rng.choice((0, 0, 1, 1, 2, 3)))
        return self.cal.back(accept_day, self.rng.choice((0, 0, 0, 1, 2)))

    def _place(self, steps: list[Step]) -> list[tuple[str, int | None, str, dt.datetime]]:
        """Give each step a time of day: office hours, increasing, never after now."""
        by_day: dict[dt.date, list[Step]] = {}
        for s in steps:
            if s.at is None:
                assert s.day is not None  # noqa: S101 -- a step has a day or a time; for mypy
                by_day.setdefault(s.day, []).append(s)
        for day, group in by_day.items():
            start, end = 8 * 3600, 17 * 3600 + 1800
            if day >= self.today:
                end = min(end, self.now.hour * 3600 + self.now.minute * 60 - 60)
            seconds = sorted(self.rng.randrange(start, max(start + 1, end)) for _ in group)
            midnight = dt.datetime.combine(day, dt.time(), tzinfo=self.tz)
            for s, sec in zip(group, seconds, strict=True):
                s.at = midnight + dt.timedelta(seconds=sec)
        # Steps were listed in the order they happen; a stable sort only moves
        # the night-time escalations into place.
        ordered = sorted(steps, key=lambda s: s.at or self.now)
        return [(s.kind, s.actor_id, s.note, s.at or self.now) for s in ordered]

    def _escalations(self, due: dt.date, until: dt.date) -> tuple[int, list[Step]]:
        """What escalate_overdue (every few minutes) did to a case still running on `until`."""
        steps: list[Step] = []
        first = due + ONE_DAY
        second = self.cal.add(due, self.escalate_after) + ONE_DAY
        for level, day, kind in ((1, first, EventKind.ESCALATED), (2, second, EventKind.ESCALATED_TOWNSHIP)):
            at = dt.datetime.combine(day, dt.time(0, 5), tzinfo=self.tz) + dt.timedelta(
                seconds=self.rng.randrange(240)
            )
            if day > until or at >= self.now:
                return level - 1, steps
            steps.append(Step(kind, None, "", at=at))
        return 2, steps

    # -- plans -------------------------------------------------------------------

    def plan(
        self,
        *,
        state: str,
        who: Who,
        item: ServiceItem,
        channel: str,
        resident_name: str,
        urgency: str = "",
        rate: bool = False,
    ) -> PlannedCase:
        """A case in `state`. `urgency` ("overdue", "due_soon") shapes a running case's deadline."""
        rng = self.rng
        p = int(item.promised_days)
        f: dict[str, Any] = {
            "channel": channel,
            "state": state,
            "created_by_id": who.creator_id,
            "agent_id": None,
            "accepted_on": None,
            "due_on": None,
            "paused_since": None,
            "paused_state": "",
            "carried_to": "",
            "done_at": None,
            "closed_at": None,
            "on_time": None,
            "decline_reason": "",
            "visits": 1 if channel == Channel.WALK_IN else 0,
            "escalation_level": 0,
            "rating": None,
            "rating_comment": "",
            "rated_at": None,
            "description": self._description(channel, resident_name, item.name_zh),
        }
        carries = item.level != HandlingLevel.VILLAGE and rng.random() < 0.8
        steps: list[Step] = []

        def created(day: dt.date) -> None:
            # No note: the channel is on the case and shown in the reader's language.
            steps.insert(0, Step(EventKind.CREATED, who.creator_id, "", day))

        if state == State.SUBMITTED:
            day = self._workday_upto(self.last_day - dt.timedelta(days=rng.randint(0, 2)))
            if channel == Channel.ONLINE:
                day = self.last_day - dt.timedelta(days=rng.randint(0, 2))
            created(day)
            return self._finish(f, steps)

        if state == State.WITHDRAWN:
            day = self._workday_upto(self.today - dt.timedelta(days=rng.randint(3, 720)))
            created(day)
            gone = min(day + dt.timedelta(days=rng.randint(0, 3)), self.last_day)
            steps.append(
                Step(
                    EventKind.WITHDRAWN,
                    who.resident_user_id,
                    rng.choice(("", "不需要办了", "已自行办理")),
                    gone,
                )
            )
            return self._finish(f, steps, closed=EventKind.WITHDRAWN)

        if state in (State.ACCEPTED, State.CARRIED, State.MATERIALS_PENDING):
            if state != State.MATERIALS_PENDING:
                carries = state == State.CARRIED
            return self._plan_running(
                f,
                steps,
                created,
                state=state,
                who=who,
                item=item,
                p=p,
                carries=carries,
                urgency=urgency,
            )
        return self._plan_finished(
            f, steps, created, state=state, who=who, item=item, p=p, carries=carries, rate=rate
        )

    def _description(self, channel: str, name: str, item: str) -> str:
        pool = {
            Channel.ONLINE: ONLINE_DESCRIPTIONS,
            Channel.HOME_VISIT: HOME_VISIT_DESCRIPTIONS,
        }.get(Channel(channel), DESCRIPTIONS)
        return self.rng.choice(pool).format(name=name, item=item)

    def _accept(
        self, f: dict[str, Any], steps: list[Step], a: dt.date, agent: int, p: int
    ) -> dt.date:
        due = self.cal.add(a, p)
        f.update(accepted_on=a, due_on=due, agent_id=agent)
        steps.append(Step(EventKind.ACCEPTED, agent, "", a))
        return due

    def _carry(
        self, f: dict[str, Any], steps: list[Step], day: dt.date, agent: int, item: ServiceItem
    ) -> None:
        note = str(item.handled_at_zh)[:100]
        f["carried_to"] = note or str(item.get_level_display())
        steps.append(Step(EventKind.CARRIED, agent, note, day))

    def _ask_materials(
        self, steps: list[Step], day: dt.date, agent: int, item: ServiceItem
    ) -> None:
        materials = list(item.materials_zh) or ["相关证明材料"]
        note = self.rng.choice(MATERIAL_NOTES).format(m=self.rng.choice(materials))
        steps.append(Step(EventKind.MATERIALS_REQUESTED, agent, note, day))

    def _visits(
        self, f: dict[str, Any], steps: list[Step], start: dt.date, end: dt.date, agent: int
    ) -> None:
        """Extra trips: most residents make none, some one, a few two."""
        extra = self.rng.choices((0, 1, 2), (0.8, 0.16, 0.04))[0]
        if start > end:
            return
        for _ in range(extra):
            day = self._workday_upto(
                start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))
            )
            day = max(day, start)
            at = next(
                (i for i, s in enumerate(steps) if s.day is not None and s.day > day), len(steps)
            )
            steps.insert(
                at,
                Step(
                    EventKind.VISIT,
                    agent,
                    self.rng.choice(("本人来中心询问进度", "来中心补交材料原件", "")),
                    day,
                ),
            )
            f["visits"] += 1

    def _plan_running(
        self,
        f: dict[str, Any],
        steps: list[Step],
        created: Callable[[dt.date], None],
        *,
        state: str,
        who: Who,
        item: ServiceItem,
        p: int,
        carries: bool,
        urgency: str,
    ) -> PlannedCase:
        rng, cal, agent = self.rng, self.cal, who.agent_id
        a: dt.date | None = None
        if urgency == "overdue" and state != State.MATERIALS_PENDING:
            due_target = cal.back(self.today, rng.randint(1, 8))
            a = cal.back(due_target, p)
        elif urgency == "due_soon" and state != State.MATERIALS_PENDING and p >= 3:
            target = self.today + dt.timedelta(days=rng.randint(0, 2))
            due_target = target if cal.is_workday(target) else cal.add(target, 1)
            a = cal.back(due_target, p)
            if a > self.last_day:
                a = None
        if a is None:
            urgency = ""
            a = cal.back(self.last_day, rng.randint(0, max(0, min(p - 3, 10))))
        created(self._submission_day(a, f["channel"]))
        due = self._accept(f, steps, a, agent, p)
        last = a
        if carries:
            last = min(cal.add(a, rng.randint(0, 2)), self._workday_upto(self.last_day))
            if urgency != "overdue":
                # Carried (and below, paused) by the deadline, so that no escalation
                # is owed from before a pause.
                last = min(last, due)
            last = max(last, a)
            self._carry(f, steps, last, agent, item)
        if state == State.MATERIALS_PENDING:
            ask = max(last, min(self._workday_upto(a + dt.timedelta(days=rng.randint(0, 6))), due))
            self._ask_materials(steps, ask, agent, item)
            f.update(paused_since=ask, paused_state=State.CARRIED if carries else State.ACCEPTED)
            self._visits(f, steps, a, ask, agent)
            return self._finish(f, steps)
        if not urgency and rng.random() < 0.15:
            ask = max(last, min(self._workday_upto(a + dt.timedelta(days=rng.randint(0, 3))), due))
            back = max(ask, self._workday_upto(ask + dt.timedelta(days=rng.randint(1, 5))))
            self._ask_materials(steps, ask, agent, item)
            steps.append(Step(EventKind.MATERIALS_RECEIVED, agent, "", back))
            due = cal.add(due, cal.between(ask, back))
            f["due_on"] = due
        self._visits(f, steps, a, self.last_day, agent)
        level, escalations = self._escalations(due, self.today)
        f["escalation_level"] = level
        return self._finish(f, steps + escalations)

    def _plan_finished(
        self,
        f: dict[str, Any],
        steps: list[Step],
        created: Callable[[dt.date], None],
        *,
        state: str,
        who: Who,
        item: ServiceItem,
        p: int,
        carries: bool,
        rate: bool,
    ) -> PlannedCase:
        rng, cal = self.rng, self.cal
        # Draw the shape first, then slide it back in time until it ends by today.
        shape = Shape.draw(rng, p)
        if state == State.DONE:
            a = cal.back(self.last_day, rng.randint(shape.work + 1, shape.work + 15))
        else:
            a = cal.back(self.last_day, rng.randint(5, 480))
        for _ in range(30):
            steps.clear()
            f.update(
                visits=1 if f["channel"] == Channel.WALK_IN else 0,
                agent_id=None,
                accepted_on=None,
                due_on=None,
                carried_to="",
                on_time=None,
                escalation_level=0,
            )
            end = self._finished_steps(
                f,
                steps,
                shape,
                a=a,
                state=state,
                who=who,
                item=item,
                p=p,
                carries=carries,
                rate=rate,
            )
            if end <= self.last_day:
                break
            a = cal.back(a, cal.between(self.last_day, end) + 1)
        created(self._submission_day(steps[0].day or a, f["channel"]))
        closed = {State.DECLINED: EventKind.DECLINED}.get(State(state))
        if state == State.CLOSED:
            closed = (
                EventKind.CLOSED
                if any(s.kind == EventKind.CLOSED for s in steps)
                else EventKind.RATED
            )
        return self._finish(f, steps, closed=closed)

    def _finished_steps(
        self,
        f: dict[str, Any],
        steps: list[Step],
        shape: Shape,
        *,
        a: dt.date,
        state: str,
        who: Who,
        item: ServiceItem,
        p: int,
        carries: bool,
        rate: bool,
    ) -> dt.date:
        """Lay out a finished case from acceptance day `a`; return the day of its last step."""
        cal, agent, rng = self.cal, who.agent_id, self.rng
        if state == State.DECLINED and shape.decline_early:
            # Declined at the counter the day it came in, before acceptance.
            reason = rng.choice(DECLINE_REASONS)
            f["decline_reason"] = reason
            steps.append(Step(EventKind.DECLINED, agent, reason, a))
            return a
        due = self._accept(f, steps, a, agent, p)
        last = a
        if carries:
            last = min(cal.add(a, shape.carry_gap), due) if shape.carry_gap else a
            self._carry(f, steps, last, agent, item)
        if state == State.DECLINED:
            day = min(cal.add(last, 1 + shape.carry_gap), max(due, last))
            if shape.ask is not None:
                self._ask_materials(steps, last, agent, item)
                reason = DECLINE_REASONS[1]
            else:
                reason = rng.choice(DECLINE_REASONS)
            f["decline_reason"] = reason
            steps.append(Step(EventKind.DECLINED, agent, reason, day))
            return day
        if shape.ask is not None:
            asked = max(last, cal.add(a, shape.ask))
            answered = cal.add(asked, shape.answer_gap)
            self._ask_materials(steps, asked, agent, item)
            steps.append(Step(EventKind.MATERIALS_RECEIVED, agent, "", answered))
            due = cal.add(due, cal.between(asked, answered))
            f["due_on"] = due
            last = answered
        done = max(cal.add(a, shape.work), last)
        self._visits(f, steps, a, done, agent)
        level, escalations = self._escalations(due, done)
        f.update(on_time=done <= due, escalation_level=level)
        steps.extend(escalations)
        steps.append(
            Step(EventKind.DONE, agent, rng.choice(("", "结果已送达本人", "已通知本人领取")), done)
        )
        end = done
        if state == State.CLOSED:
            rated = rate and who.resident_user_id is not None
            if not rated or shape.rated_closed:
                end = cal.add(done, shape.close_gap) if shape.close_gap else done
                steps.append(Step(EventKind.CLOSED, agent, "", end))
            if rated:
                end = end + dt.timedelta(days=shape.rate_gap)
                stars = self._stars(on_time=done <= due, visits=f["visits"])
                comment = rng.choice(COMMENTS[stars]) if rng.random() < 0.7 else ""
                f.update(rating=stars, rating_comment=comment)
                steps.append(
                    Step(
                        EventKind.RATED,
                        who.resident_user_id,
                        f"{'★' * stars} {comment}".strip(),
                        end,
                    )
                )
        return end

    def _stars(self, *, on_time: bool, visits: int) -> int:
        weights = (
            (0.02, 0.03, 0.08, 0.25, 0.62)
            if on_time and visits <= 1
            else (0.12, 0.18, 0.3, 0.25, 0.15)
        )
        return self.rng.choices((1, 2, 3, 4, 5), weights)[0]

    def _finish(
        self, f: dict[str, Any], steps: list[Step], closed: str | None = None
    ) -> PlannedCase:
        events = self._place(steps)
        f["submitted_at"] = events[0][3]
        for kind, _actor, _note, at in events:
            if kind == EventKind.DONE:
                f["done_at"] = at
            if kind == EventKind.RATED:
                f["rated_at"] = at
            if kind == closed and f["closed_at"] is None:
                f["closed_at"] = at
        return PlannedCase(fields=f, events=events)
