"""Deadlines count China's working days: weekends and statutory holidays are off,
the weekends worked in exchange (调休) count, and a paused clock gives days back."""

import datetime as dt

import pytest
from django.db import transaction

from xiangli.cases import services
from xiangli.cases.models import State
from xiangli.workdays import calendar
from xiangli.workdays.calendar import add_workdays, is_workday, workdays_between
from xiangli.workdays.models import CalendarDay

D = dt.date


def accepted_case(world, *, on):
    case = services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension, channel="walk_in")
    return services.transition(case, "accept", by=world.andy, today=on)


def test_a_one_day_promise_made_on_friday_is_due_on_monday(db):
    assert add_workdays(D(2026, 6, 5), 1) == D(2026, 6, 8)


def test_national_day_week_is_skipped(db):
    # 2026: 1–7 October off; Thursday the 8th is the first working day after.
    assert not is_workday(D(2026, 10, 1))
    assert not is_workday(D(2026, 10, 5))  # a Monday, but a holiday
    assert add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)


def test_the_saturday_worked_after_national_day_counts(db):
    # Saturday 10 October 2026 is worked in exchange for the holiday.
    assert D(2026, 10, 10).weekday() == 5 and is_workday(D(2026, 10, 10))
    assert add_workdays(D(2026, 10, 9), 1) == D(2026, 10, 10)
    assert add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_the_sunday_worked_before_national_day_counts(db):
    assert D(2026, 9, 20).weekday() == 6
    assert add_workdays(D(2026, 9, 18), 1) == D(2026, 9, 20)


def test_a_case_accepted_the_day_before_national_day_is_due_after_it(world):
    # Five working days from 30 September: 8, 9, 10 (Saturday, worked), 12, 13 October.
    case = accepted_case(world, on=D(2026, 9, 30))
    assert case.accepted_on == D(2026, 9, 30)
    assert case.due_on == D(2026, 10, 13)


def test_a_holiday_added_by_an_admin_for_a_future_year_moves_the_due_date(db):
    # 1 October 2030 is a Tuesday that no library knows to be a holiday yet.
    CalendarDay.objects.filter(day__year=2030).delete()
    assert add_workdays(D(2030, 9, 30), 1) == D(2030, 10, 1)
    CalendarDay.objects.create(day=D(2030, 10, 1), is_workday=False, name="National Day")
    CalendarDay.objects.create(day=D(2030, 10, 2), is_workday=False, name="National Day")
    assert add_workdays(D(2030, 9, 30), 1) == D(2030, 10, 3)


def test_a_working_weekend_added_by_an_admin_counts(db):
    CalendarDay.objects.filter(day__year=2030).delete()
    assert add_workdays(D(2030, 9, 27), 1) == D(2030, 9, 30)  # Friday to Monday
    CalendarDay.objects.create(day=D(2030, 9, 28), is_workday=True, name="National Day (worked)")
    assert add_workdays(D(2030, 9, 27), 1) == D(2030, 9, 28)


def test_working_days_between_skip_a_holiday(db):
    # (Wednesday 17 June, Monday 22 June]: Thursday and Monday; Friday 19 is Dragon Boat.
    assert workdays_between(D(2026, 6, 17), D(2026, 6, 22)) == 2
    assert workdays_between(D(2026, 6, 22), D(2026, 6, 22)) == 0


def test_waiting_for_materials_extends_the_due_date_by_the_working_days_paused(world):
    # Accepted Monday 15 June: due Tuesday 23 June (Dragon Boat Friday 19 is off).
    case = accepted_case(world, on=D(2026, 6, 15))
    assert case.due_on == D(2026, 6, 23)
    case = services.transition(case, "request_materials", by=world.andy, note="户口簿", today=D(2026, 6, 17))
    assert case.state == State.MATERIALS_PENDING and case.due_on == D(2026, 6, 23)
    case = services.transition(case, "receive_materials", by=world.andy, today=D(2026, 6, 22))
    # Paused for 18 and 22 June: two working days given back.
    assert case.state == State.ACCEPTED
    assert case.due_on == D(2026, 6, 25)


def test_materials_received_the_same_day_leave_the_due_date_alone(world):
    case = accepted_case(world, on=D(2026, 6, 15))
    case = services.transition(case, "request_materials", by=world.andy, note="户口簿", today=D(2026, 6, 16))
    case = services.transition(case, "receive_materials", by=world.andy, today=D(2026, 6, 16))
    assert case.due_on == D(2026, 6, 23)


def test_a_carried_case_paused_for_materials_goes_back_to_carried(world):
    case = accepted_case(world, on=D(2026, 6, 15))
    case = services.transition(case, "carry", by=world.andy, note="县社保中心", today=D(2026, 6, 15))
    case = services.transition(case, "request_materials", by=world.tom, note="户口簿", today=D(2026, 6, 16))
    case = services.transition(case, "receive_materials", by=world.tom, today=D(2026, 6, 17))
    assert case.state == State.CARRIED
    assert case.due_on == D(2026, 6, 24)


def test_deadlines_read_the_calendar_once_and_not_per_case(db, django_assert_num_queries):
    calendar.reset_copy()
    with django_assert_num_queries(1):
        assert add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
        assert add_workdays(D(2026, 6, 5), 1) == D(2026, 6, 8)
        assert workdays_between(D(2026, 6, 17), D(2026, 6, 22)) == 2
        assert not is_workday(D(2026, 10, 1))


def test_an_edit_made_by_another_process_counts_within_a_minute(db, monkeypatch):
    calendar.reset_copy()
    assert add_workdays(D(2030, 9, 30), 1) == D(2030, 10, 1)
    # bulk_create sends no signal: as if another process had saved it.
    CalendarDay.objects.bulk_create([CalendarDay(day=D(2030, 10, 1), is_workday=False, name="National Day")])
    assert add_workdays(D(2030, 9, 30), 1) == D(2030, 10, 1)  # this process's copy, for now
    monkeypatch.setattr(calendar, "KEEP_FOR", -1.0)  # as if the minute had passed
    assert add_workdays(D(2030, 9, 30), 1) == D(2030, 10, 2)


def test_an_edit_rolled_back_leaves_no_trace_in_deadlines(db):
    calendar.reset_copy()
    assert add_workdays(D(2030, 9, 30), 1) == D(2030, 10, 1)
    with transaction.atomic():
        CalendarDay.objects.create(day=D(2030, 10, 1), is_workday=False, name="National Day")
        assert add_workdays(D(2030, 9, 30), 1) == D(2030, 10, 2)
        transaction.set_rollback(True)
    assert add_workdays(D(2030, 9, 30), 1) == D(2030, 10, 1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_an_edit_is_rolled_back_deadlines_use_the_copy_again(django_assert_num_queries):
    with transaction.atomic():
        CalendarDay.objects.create(day=D(2030, 10, 1), is_workday=False, name="National Day")
        transaction.set_rollback(True)
    assert add_workdays(D(2030, 9, 30), 1) == D(2030, 10, 1)
    with django_assert_num_queries(0):
        assert add_workdays(D(2030, 9, 30), 1) == D(2030, 10, 1)
