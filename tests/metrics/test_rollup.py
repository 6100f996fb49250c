"""The rollup adds up what happened each day, per village and up the tree, and agrees
with counting the cases themselves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from xiangli.activities.models import Activity, ActivityKind
from xiangli.cases import services
from xiangli.cases.models import Case
from xiangli.metrics import queries
from xiangli.metrics.models import AreaDay, AreaStanding
from xiangli.metrics.rollup import refresh_standing, roll_up, workday_numbers
from xiangli.metrics.tasks import refresh
from xiangli.workdays.models import CalendarDay

from ..conftest import resident
from ..factories import make_cases

MONDAY = dt.date(2026, 11, 2)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def finish(case: Case, world, *, accepted: dt.date, done: dt.date, due: dt.date, visits: int = 1,
           stars: int | None = None) -> None:
    """Move a case to done through the services, then place its dates on the days the test wants."""
    by = world.andy if case.village_id == world.village_a.pk else world.oscar
    if case.state == "submitted":
        services.accept_case(case, by=by)
    services.complete_case(case, by=by)
    Case.objects.filter(pk=case.pk).update(
        submitted_at=at(accepted, 9), accepted_on=accepted, due_on=due, done_at=at(done),
        on_time=done <= due, visits=visits,
    )
    if stars is not None:
        case.refresh_from_db()
        services.rate_case(case, by=case.resident.user, stars=stars)
        Case.objects.filter(pk=case.pk).update(rated_at=at(done, 15))


@pytest.fixture
def month(world):
    """November 2026 in villages A and B: cases done on time and late, ratings, an activity."""
    a_cases = make_cases(world, world.alice_resident, 4)
    b_cases = make_cases(world, world.bob_resident, 2)
    # A: accepted Monday, done Wednesday (2 working days), on time, one trip, 5 stars.
    finish(a_cases[0], world, accepted=MONDAY, done=MONDAY + dt.timedelta(days=2), due=MONDAY + dt.timedelta(days=3),
           stars=5)
    # A: accepted Friday, done the next Tuesday (2 working days over a weekend), late, three trips, 2 stars.
    friday = MONDAY + dt.timedelta(days=4)
    finish(a_cases[1], world, accepted=friday, done=friday + dt.timedelta(days=4), due=friday + dt.timedelta(days=1),
           visits=3, stars=2)
    # B: done on the same Wednesday, on time.
    finish(b_cases[0], world, accepted=MONDAY, done=MONDAY + dt.timedelta(days=2), due=MONDAY + dt.timedelta(days=5))
    # A's two others stay open, received on Monday; one is overdue.
    Case.objects.filter(pk__in=[a_cases[2].pk, a_cases[3].pk]).update(submitted_at=at(MONDAY, 11))
    Case.objects.filter(pk=a_cases[3].pk).update(state="accepted", accepted_on=MONDAY, due_on=MONDAY)
    Case.objects.filter(pk=b_cases[1].pk).update(submitted_at=at(MONDAY, 11))
    Activity.objects.create(
        centre=world.centre_a, title="Phone skills", kind=ActivityKind.SKILLS, start=at(MONDAY, 14),
        end=at(MONDAY, 16), capacity=30, attended=17, created_by=world.sam,
    )
    Activity.objects.create(
        centre=world.centre_a, title="Cancelled play", kind=ActivityKind.PLAY, start=at(MONDAY, 19),
        end=at(MONDAY, 21), capacity=30, attended=0, created_by=world.sam, cancelled_at=at(MONDAY, 8),
    )
    roll_up(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    return {"a": a_cases, "b": b_cases}


def test_a_village_sees_its_month_summed_from_its_days(world, month):
    got = queries.figures(world.village_a, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert got.received == 4
    assert got.done == 2
    assert got.done_on_time == 1
    assert got.on_time_rate == 0.5
    assert got.average_workdays == 2  # two working days each: Mon→Wed, and Fri→Tue over the weekend
    assert got.one_trip_share == 0.5
    assert got.satisfaction == 3.5
    assert got.activities_held == 1  # the cancelled play does not count
    assert got.training_person_times == 17


def test_the_township_county_and_city_are_the_sum_of_their_villages(world, month):
    first, last = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
    a = queries.figures(world.village_a, first, last)
    b = queries.figures(world.village_b, first, last)
    for area in (world.township, world.county, world.city):
        up = queries.figures(area, first, last)
        assert up.received == a.received + b.received == 6
        assert up.done == a.done + b.done == 3
        assert up.rated == 2


def test_the_rollup_agrees_with_counting_the_cases(world, month):
    start, end = at(dt.date(2026, 11, 1), 0), at(dt.date(2026, 12, 1), 0)
    truth = Case.objects.filter(area_path__startswith=world.city.path, done_at__gte=start, done_at__lt=end)
    got = queries.figures(world.city, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert got.done == truth.count()
    assert got.done_on_time == truth.filter(on_time=True).count()
    assert got.one_trip == truth.filter(visits__lte=1).count()


def test_a_period_outside_the_activity_is_zero_and_days_split_it(world, month):
    assert queries.figures(world.village_a, dt.date(2026, 10, 1), dt.date(2026, 10, 31)).received == 0
    wednesday = MONDAY + dt.timedelta(days=2)
    assert queries.figures(world.village_a, wednesday, wednesday).done == 1
    days = queries.trend(world.village_a, MONDAY, MONDAY + dt.timedelta(days=6))
    assert [d for d, _ in days] == [MONDAY + dt.timedelta(days=n) for n in range(7)]
    assert [f.done for _, f in days] == [0, 0, 1, 0, 0, 0, 0]


def test_children_are_listed_with_their_own_figures_in_three_queries(world, month, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        rows = queries.by_child(world.township, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    by_code = {a.code: f for a, f, _ in rows}
    assert by_code[world.village_a.code].received == 4
    assert by_code[world.village_b.code].received == 2


def test_running_the_rollup_again_changes_nothing(world, month):
    before = sorted(AreaDay.objects.values_list("area_id", "day", "received", "done"))
    roll_up(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert sorted(AreaDay.objects.values_list("area_id", "day", "received", "done")) == before


def test_a_case_done_later_shows_after_the_next_rollup(world, month):
    wednesday = MONDAY + dt.timedelta(days=2)
    open_case = month["a"][2]
    finish(open_case, world, accepted=MONDAY, done=wednesday, due=wednesday)
    assert queries.figures(world.village_a, wednesday, wednesday).done == 1
    roll_up(wednesday, wednesday)
    assert queries.figures(world.village_a, wednesday, wednesday).done == 2


def test_holidays_in_the_calendar_do_not_count_as_working_days(db):
    wednesday = dt.date(2026, 11, 18)
    numbers = workday_numbers(dt.date(2026, 11, 16), dt.date(2026, 11, 20))
    assert numbers[dt.date(2026, 11, 20)] - numbers[dt.date(2026, 11, 16)] == 4
    CalendarDay.objects.update_or_create(day=wednesday, defaults={"is_workday": False})
    numbers = workday_numbers(dt.date(2026, 11, 16), dt.date(2026, 11, 20))
    assert numbers[dt.date(2026, 11, 20)] - numbers[dt.date(2026, 11, 16)] == 3
    # National Day is a holiday from the seeded calendar.
    numbers = workday_numbers(dt.date(2026, 9, 30), dt.date(2026, 10, 9))
    assert numbers[dt.date(2026, 10, 7)] - numbers[dt.date(2026, 9, 30)] == 0


def test_the_standing_counts_open_overdue_and_the_seven_and_four(world, month):
    world.centre_a.functions = ["convenience", "civilisation", "training", "daycare", "childcare", "health", "rural"]
    world.centre_a.standards = ["premises", "staff", "rules", "funds"]
    world.centre_a.save()
    world.centre_b.functions = ["convenience"]
    world.centre_b.standards = ["premises", "staff", "rules"]
    world.centre_b.save()
    refresh_standing(today=MONDAY + dt.timedelta(days=10))
    a = AreaStanding.objects.get(area=world.village_a)
    assert (a.open_cases, a.overdue_cases, a.centres_seven, a.centres_four) == (2, 1, 1, 1)
    township = AreaStanding.objects.get(area=world.township)
    assert township.open_cases == 3
    assert (township.centres, township.centres_seven, township.centres_four) == (2, 1, 1)


def test_volunteer_hours_are_summed_exactly_in_tenths(world, month):
    from xiangli.volunteers.models import HelpKind, HelpTask, TaskState

    for hours in ("1.5", "0.5"):
        HelpTask.objects.create(
            resident=world.alice_resident, village=world.village_a, kind=HelpKind.SHOPPING, state=TaskState.CONFIRMED,
            hours=Decimal(hours), confirmed_at=at(MONDAY, 12),
        )
    roll_up(MONDAY, MONDAY)
    got = queries.figures(world.township, MONDAY, MONDAY)
    assert (got.help_tasks_done, got.volunteer_hours) == (2, 2.0)


def test_the_periodic_refresh_rolls_up_today_and_the_past_month_once(world, month):
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    line = refresh()
    assert f"{last_month}…" in line
    assert "policies" in line  # the first refresh of a day also counts policy coverage
    assert AreaStanding.objects.filter(area=world.city).exists()
    again = refresh()
    assert f"{last_month}…" not in again
    assert "policies" not in again


def test_the_township_workbench_reads_its_counts_from_a_fresh_standing(world, month):
    from django.test import Client
    from django.urls import reverse

    from xiangli.metrics.models import AreaStanding

    client = Client()
    client.force_login(world.tom)
    refresh_standing()
    live = client.get(reverse("front:desk"))
    standing = AreaStanding.objects.get(area=world.township)
    assert live.context["overdue_count"] == standing.overdue_cases == 1
    # The workbench shows the standing, not a live count, while it is fresh…
    AreaStanding.objects.filter(area=world.township).update(overdue_cases=7)
    assert client.get(reverse("front:desk")).context["overdue_count"] == 7
    # …and counts again once it is stale.
    AreaStanding.objects.filter(area=world.township).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    from django.core.cache import cache

    cache.clear()
    assert client.get(reverse("front:desk")).context["overdue_count"] == 1


def test_the_standing_counts_who_a_live_policy_finds_and_who_is_enrolled(world):
    from xiangli.people.models import Resident
    from xiangli.policies import services as policies
    from xiangli.policies.models import PolicyStatus

    old_a = [resident(f"老{n}", world.village_a, world.grid_a1, 80 + n) for n in range(3)]
    old_b = resident("老乙", world.village_b, world.grid_b1, 90)
    Resident.objects.filter(pk__in=[r.pk for r in [*old_a, old_b]]).update(birth_date=dt.date(1950, 1, 1))
    policy = policies.create_policy(by=world.kate, code="pension", name_zh="养老金", name_en="Pension",
                                    rule={"field": "age", "op": ">=", "value": 60}, area=world.county)
    policies.set_status(policy, by=world.kate, status=PolicyStatus.LIVE)
    policies.enrol(policy, old_a[0], by=world.andy)
    refresh_standing()
    a = AreaStanding.objects.get(area=world.village_a)
    county = AreaStanding.objects.get(area=world.county)
    eligible_a = policies.eligible(policy).filter(village=world.village_a).count()
    assert (a.policy_eligible, a.policy_enrolled) == (eligible_a, 1)
    assert county.policy_eligible == policies.eligible(policy).count() >= 4
    # The five-minute refresh keeps the nightly policy figures instead of recounting them.
    refresh_standing(policies=False)
    assert AreaStanding.objects.get(area=world.village_a).policy_enrolled == 1
