"""Live policies run again by themselves, so residents who become eligible are found without anyone pressing Run."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from xiangli.audit.models import AuditEntry
from xiangli.notifications.models import Notification
from xiangli.policies import services, tasks
from xiangli.policies.models import Outreach, OutreachStatus, PolicyRun, PolicyStatus

from .conftest import TODAY

PENSION = {"field": "age", "op": ">=", "value": 60}
LOW_INCOME = {"tag": "low_income"}
# Ten in the morning of TODAY, the day 周六十 turns 60 and the day before 吴五九 does.
MORNING = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(10)))
A_DAY = dt.timedelta(days=1)


def live(world, code: str, rule) -> object:
    policy = services.create_policy(by=world.kate, code=code, name_zh=code, rule=rule, area=world.county)
    return services.set_status(policy, by=world.kate, status=PolicyStatus.LIVE)


def visited(policy) -> set[str]:
    return set(Outreach.objects.filter(policy=policy, status=OutreachStatus.OPEN)
               .values_list("resident__name", flat=True))


@pytest.fixture
def pension(world, folk):
    return live(world, "pension", PENSION)


def test_a_resident_who_turns_60_is_visited_the_next_day_without_anyone_running_it(world, folk, pension):
    services.run_policy(pension, by=world.kate, now=MORNING)
    assert "吴五九" not in visited(pension) and "周六十" in visited(pension)
    Notification.objects.all().delete()

    runs = services.rerun_due_policies(now=MORNING + A_DAY)

    assert [(r.policy, r.created, r.by) for r in runs] == [(pension, 1, None)]
    assert "吴五九" in visited(pension)
    # Village A's agent hears of the one new visit; village B's, which got none, hears nothing.
    note = Notification.objects.get(user=world.andy)
    assert "1 resident to visit" in note.message_en
    assert not Notification.objects.filter(user=world.oscar).exists()


def test_a_newly_tagged_resident_is_found_by_the_next_periodic_run(world, folk):
    policy = live(world, "dibao", LOW_INCOME)
    services.run_policy(policy, by=world.kate, now=MORNING)
    assert visited(policy) == {"郑低保"}
    folk.elder.tags = [*folk.elder.tags, "low_income"]
    folk.elder.save()

    services.rerun_due_policies(now=MORNING + A_DAY)

    assert visited(policy) == {"郑低保", "老李"}


def test_a_policy_run_less_than_a_day_ago_is_left_alone(world, folk, pension):
    services.run_policy(pension, by=world.kate, now=MORNING)
    assert services.rerun_due_policies(now=MORNING + A_DAY - dt.timedelta(minutes=1)) == []
    assert PolicyRun.objects.filter(policy=pension).count() == 1


def test_drafts_closed_and_never_run_policies_are_not_run_by_the_tick(world, folk, pension):
    draft = services.create_policy(by=world.kate, code="draft", name_zh="草稿", rule=PENSION, area=world.county)
    closed = live(world, "closed", PENSION)
    services.run_policy(closed, by=world.kate, now=MORNING)
    services.set_status(closed, by=world.kate, status=PolicyStatus.CLOSED)

    assert services.rerun_due_policies(now=MORNING + 30 * A_DAY) == []
    # The first run sends someone to every eligible resident at once: it stays a person's decision.
    assert not Outreach.objects.filter(policy__in=[draft, pension]).exists()


def test_each_due_policy_is_run_once_however_often_the_tick_comes(world, folk, pension):
    services.run_policy(pension, by=world.kate, now=MORNING)
    later = MORNING + A_DAY
    assert len(services.rerun_due_policies(now=later)) == 1
    assert services.rerun_due_policies(now=later + dt.timedelta(minutes=5)) == []
    assert PolicyRun.objects.filter(policy=pension).count() == 2
    assert Outreach.objects.filter(policy=pension, resident=folk.fiftynine).count() == 1


def test_a_periodic_run_is_on_the_audit_trail_as_the_systems(world, folk, pension):
    services.run_policy(pension, by=world.kate, now=MORNING)
    services.rerun_due_policies(now=MORNING + A_DAY)
    entry = AuditEntry.objects.filter(action="policy.run").order_by("-pk").first()
    assert entry is not None and entry.actor is None
    assert entry.changes == {"outreach_created": 1, "periodic": True}


def test_the_tick_runs_due_policies(world, folk, pension):
    services.run_policy(pension, by=world.kate, now=timezone.now() - 2 * A_DAY)
    assert tasks.rerun_live_policies in tasks.PERIODIC
    out = io.StringIO()
    call_command("tick", "--now", stdout=out)
    assert "policies run again: 1" in out.getvalue()
    assert PolicyRun.objects.filter(policy=pension).count() == 2
