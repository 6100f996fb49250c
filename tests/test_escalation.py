"""An overdue case goes to the village secretary, then to the township; once each."""

import datetime as dt
import threading

import pytest
from django.db import connection

from xiangli.cases import services
from xiangli.cases.models import Case
from xiangli.notifications.models import Notification

from .conftest import run_worker

D = dt.date
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


def accepted_case(world, *, on, resident=None):
    case = services.create_case(
        by=world.andy,
        resident=resident or world.alice_resident,
        item=world.pension,
        channel="walk_in",
    )
    return services.transition(case, "accept", by=world.andy, today=on)


def staff_told(case):
    return sorted(Notification.objects.filter(case=case, user__isnull=False).values_list("user__name", flat=True))


def escalations(case):
    return case.events.filter(kind__in=["escalated", "escalated_township"]).count()


def test_a_case_due_today_is_not_escalated(world):
    case = accepted_case(world, on=D(2026, 6, 1))
    assert case.due_on == D(2026, 6, 8)
    assert services.escalate_overdue(today=D(2026, 6, 8)) == 0
    case.refresh_from_db()
    assert case.escalation_level == 0 and staff_told(case) == []


def test_an_overdue_case_goes_to_the_village_secretary_only(world):
    case = accepted_case(world, on=D(2026, 6, 1))
    assert services.escalate_overdue(today=D(2026, 6, 9)) == 1
    case.refresh_from_db()
    assert case.escalation_level == 1
    event = case.events.get(kind="escalated")
    assert event.actor is None
    assert staff_told(case) == ["Sam"]


def test_running_twice_does_not_escalate_twice(world):
    case = accepted_case(world, on=D(2026, 6, 1))
    assert services.escalate_overdue(today=D(2026, 6, 9)) == 1
    assert services.escalate_overdue(today=D(2026, 6, 9)) == 0
    case.refresh_from_db()
    assert case.escalation_level == 1 and escalations(case) == 1
    assert staff_told(case) == ["Sam"]


def test_the_township_is_told_after_two_more_working_days(world, settings):
    settings.ESCALATE_TO_TOWNSHIP_AFTER_DAYS = 2
    case = accepted_case(world, on=D(2026, 6, 1))  # due Monday 8 June
    services.escalate_overdue(today=D(2026, 6, 9))
    assert services.escalate_overdue(today=D(2026, 6, 10)) == 0
    assert services.escalate_overdue(today=D(2026, 6, 11)) == 1
    case.refresh_from_db()
    assert case.escalation_level == 2 and escalations(case) == 2
    # Tom (township T) hears of it; Dora (T2) and Kate (county) do not, Sam not twice.
    assert staff_told(case) == ["Sam", "Tom"]
    assert services.escalate_overdue(today=D(2026, 6, 30)) == 0
    case.refresh_from_db()
    assert escalations(case) == 2


def test_weekends_and_holidays_do_not_count_towards_the_township_step(world, settings):
    settings.ESCALATE_TO_TOWNSHIP_AFTER_DAYS = 2
    # Accepted Friday 12 June: due Monday 22 June (Dragon Boat Friday 19 is off).
    case = accepted_case(world, on=D(2026, 6, 12))
    assert case.due_on == D(2026, 6, 22)
    assert services.escalate_overdue(today=D(2026, 6, 23)) == 1
    # Two more working days after the 22nd are 23 and 24 June.
    assert services.escalate_overdue(today=D(2026, 6, 24)) == 0
    assert services.escalate_overdue(today=D(2026, 6, 25)) == 1


def test_the_township_step_follows_the_setting(world, settings):
    settings.ESCALATE_TO_TOWNSHIP_AFTER_DAYS = 4
    case = accepted_case(world, on=D(2026, 6, 1))  # due Monday 8 June
    services.escalate_overdue(today=D(2026, 6, 9))
    assert services.escalate_overdue(today=D(2026, 6, 12)) == 0
    assert services.escalate_overdue(today=D(2026, 6, 15)) == 1
    case.refresh_from_db()
    assert case.escalation_level == 2


def test_a_case_waiting_for_materials_is_not_escalated(world):
    case = accepted_case(world, on=D(2026, 6, 1))
    services.transition(case, "request_materials", by=world.andy, note="户口簿", today=D(2026, 6, 3))
    assert services.escalate_overdue(today=D(2026, 6, 30)) == 0
    case.refresh_from_db()
    assert case.escalation_level == 0 and staff_told(case) == []


def test_a_finished_case_is_not_escalated(world):
    case = accepted_case(world, on=D(2026, 6, 1))
    services.complete_case(case, by=world.andy)
    assert services.escalate_overdue(today=D(2026, 6, 30)) == 0


def test_a_case_in_village_b_goes_to_its_own_people(world):
    # Village B has no secretary: nobody in village A hears of Bob's case.
    case = services.create_case(by=world.oscar, resident=world.bob_resident, item=world.pension, channel="walk_in")
    services.transition(case, "accept", by=world.oscar, today=D(2026, 6, 1))
    services.escalate_overdue(today=D(2026, 6, 9))
    services.escalate_overdue(today=D(2026, 6, 11))
    assert staff_told(case) == ["Tom"]


def test_alerts_delivered_late_still_go_to_the_right_level(world, settings, monkeypatch):
    # Both steps are taken before the worker delivers either alert. (Settings are
    # changed through the one fixture: mixing it with override_settings leaks.)
    settings.TASKS = DB_TASKS
    settings.ESCALATE_TO_TOWNSHIP_AFTER_DAYS = 2
    case = accepted_case(world, on=D(2026, 6, 1))
    services.escalate_overdue(today=D(2026, 6, 9))
    services.escalate_overdue(today=D(2026, 6, 11))
    assert staff_told(case) == []
    run_worker(monkeypatch)
    assert staff_told(case) == ["Sam", "Tom"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections")
def test_two_workers_escalating_at_once_escalate_each_case_once(world):
    accepted_case(world, on=D(2026, 6, 1))
    accepted_case(world, on=D(2026, 6, 1), resident=world.carl_resident)
    barrier = threading.Barrier(4)
    counts: list[int] = []

    def worker() -> None:
        from django.db import connections

        try:
            barrier.wait()
            counts.append(services.escalate_overdue(today=D(2026, 6, 9)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 2
    for case in Case.objects.all():
        assert case.escalation_level == 1 and escalations(case) == 1
        assert staff_told(case) == ["Sam"]


def test_a_case_found_long_overdue_goes_straight_to_the_township_with_both_steps_on_its_timeline(world):
    import datetime as dt

    case = services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension, channel="walk_in")
    services.accept_case(case, by=world.andy)
    Case.objects.filter(pk=case.pk).update(due_on=dt.date(2026, 11, 2))
    assert services.escalate_overdue(today=dt.date(2026, 11, 27)) == 1
    case.refresh_from_db()
    assert case.escalation_level == 2
    assert list(case.events.filter(kind__startswith="escalated").values_list("kind", flat=True)) == [
        "escalated", "escalated_township"]
    assert Notification.objects.filter(user=world.sam, case=case).exists()
    assert Notification.objects.filter(user=world.tom, case=case).exists()


def test_the_tick_command_queues_the_escalation(world):
    import datetime as dt

    from django.core.management import call_command

    case = services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension, channel="walk_in")
    services.accept_case(case, by=world.andy)
    Case.objects.filter(pk=case.pk).update(due_on=dt.date.today() - dt.timedelta(days=1))
    call_command("tick", stdout=None)  # tests run tasks at once
    case.refresh_from_db()
    assert case.escalation_level >= 1
