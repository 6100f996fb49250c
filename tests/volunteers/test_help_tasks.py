"""The five helps: asked, taken once, done, confirmed by someone else, paid once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xiangli.audit.models import AuditEntry
from xiangli.points.models import PointsAccount, PointsEntry
from xiangli.volunteers import services
from xiangli.volunteers.models import HelpKind, HelpRule, HelpTask, TaskChannel, TaskState

pytestmark = pytest.mark.django_db


def asked(world, kind=HelpKind.SHOPPING, resident=None):
    return services.ask_for_help(by=world.alice, resident=resident or world.alice_resident, kind=kind,
                                 note="Rice and oil")


def done(world, helpers, hours="1.5", kind=HelpKind.SHOPPING):
    task = asked(world, kind)
    services.claim_task(task, by=helpers.vera)
    return services.finish_task(task, by=helpers.vera, hours=hours)


def test_a_resident_asks_for_help_and_a_volunteer_of_her_village_sees_it(world, helpers):
    task = asked(world)
    assert task.state == TaskState.OPEN
    assert task.village == world.village_a
    assert list(HelpTask.objects.nearest_first(helpers.vera_volunteer)) == [task]
    assert list(HelpTask.objects.nearest_first(helpers.bob_volunteer)) == []


def test_open_tasks_of_the_volunteers_own_grid_come_first(world, helpers):
    carls = services.ask_for_help(by=world.andy, resident=world.carl_resident, kind=HelpKind.CLEANING,
                                  channel=TaskChannel.HEART_CARD)
    alices = asked(world)
    # Vera lives in grid A1 like Alice; Victor in A2 like Carl.
    assert list(HelpTask.objects.nearest_first(helpers.vera_volunteer)) == [alices, carls]
    assert list(HelpTask.objects.nearest_first(helpers.victor_volunteer)) == [carls, alices]


def test_staff_enter_a_call_for_a_resident_of_their_village_only(world):
    task = services.ask_for_help(by=world.gina, resident=world.alice_resident, kind=HelpKind.ERRAND,
                                 channel=TaskChannel.HEART_CARD)
    assert task.created_by == world.gina
    with pytest.raises(PermissionDenied):
        services.ask_for_help(by=world.oscar, resident=world.carl_resident, kind=HelpKind.ERRAND,
                              channel=TaskChannel.HEART_CARD)
    with pytest.raises(PermissionDenied):
        services.ask_for_help(by=world.bob, resident=world.alice_resident, kind=HelpKind.ERRAND)


def test_an_unknown_kind_of_help_is_refused_with_nothing_written(world):
    with pytest.raises(ValidationError):
        services.ask_for_help(by=world.alice, resident=world.alice_resident, kind="massage")
    assert not HelpTask.objects.exists()


def test_a_resident_cannot_flood_the_village_with_requests(world):
    for _ in range(services.MAX_OPEN_PER_RESIDENT):
        asked(world)
    with pytest.raises(ValidationError, match="already"):
        asked(world)
    assert HelpTask.objects.count() == services.MAX_OPEN_PER_RESIDENT


def test_a_task_cannot_be_claimed_twice(world, helpers):
    task = asked(world)
    services.claim_task(task, by=helpers.vera)
    with pytest.raises(ValidationError, match="already taken"):
        services.claim_task(task, by=helpers.victor)
    task.refresh_from_db()
    assert task.volunteer == helpers.vera_volunteer


def test_claiming_in_another_village_is_refused_with_a_clear_message(world, helpers):
    task = asked(world)
    with pytest.raises(ValidationError, match="another village"):
        services.claim_task(task, by=world.bob)
    task.refresh_from_db()
    assert task.state == TaskState.OPEN and task.volunteer is None


def test_only_registered_volunteers_claim_tasks(world):
    task = asked(world)
    with pytest.raises(PermissionDenied):
        services.claim_task(task, by=world.andy)


@pytest.mark.parametrize("hours", ["25", "-1", "0", "abc", "24.1"])
def test_hours_beyond_a_day_or_not_positive_are_refused(world, helpers, hours):
    task = asked(world)
    services.claim_task(task, by=helpers.vera)
    with pytest.raises(ValidationError):
        services.finish_task(task, by=helpers.vera, hours=hours)
    task.refresh_from_db()
    assert task.state == TaskState.CLAIMED and task.hours == 0


def test_only_the_volunteer_who_took_it_marks_it_done(world, helpers):
    task = asked(world)
    services.claim_task(task, by=helpers.vera)
    with pytest.raises(ValidationError):
        services.finish_task(task, by=helpers.victor, hours="1")


def test_the_volunteer_cannot_confirm_her_own_help(world, helpers):
    task = done(world, helpers)
    with pytest.raises(PermissionDenied):
        services.confirm_task(task, by=helpers.vera)
    assert not PointsEntry.objects.exists()
    assert HelpTask.objects.get(pk=task.pk).state == TaskState.DONE


def test_confirmation_pays_hours_and_points_by_the_centres_rule(world, helpers):
    HelpRule.objects.create(village=world.village_a, kind=HelpKind.SHOPPING, points_per_task=3,
                            points_per_hour=4, daily_cap=100)
    task = done(world, helpers, hours="1.5")
    services.confirm_task(task, by=world.alice)
    account = PointsAccount.objects.get(resident=helpers.vera.resident)
    assert (account.balance, account.earned, account.hours, account.tasks) == (9, 9, Decimal("1.5"), 1)
    assert HelpTask.objects.get(pk=task.pk).points == 9
    assert AuditEntry.objects.filter(action="points.earn").count() == 1


def test_a_task_is_never_paid_twice(world, helpers):
    task = done(world, helpers)
    services.confirm_task(task, by=world.alice)
    with pytest.raises(ValidationError, match="not waiting"):
        services.confirm_task(task, by=world.andy)
    assert PointsEntry.objects.count() == 1


def test_the_daily_cap_stops_points_but_not_hours(world, helpers):
    HelpRule.objects.create(village=world.village_a, kind=HelpKind.CLEANING, points_per_task=10,
                            points_per_hour=10, daily_cap=25)
    first = done(world, helpers, hours="1", kind=HelpKind.CLEANING)
    services.confirm_task(first, by=world.andy)
    second = done(world, helpers, hours="2", kind=HelpKind.CLEANING)
    services.confirm_task(second, by=world.andy)
    account = PointsAccount.objects.get(resident=helpers.vera.resident)
    assert account.balance == 25
    assert account.hours == Decimal("3.0")


def test_staff_of_another_village_cannot_confirm(world, helpers):
    task = done(world, helpers)
    with pytest.raises(PermissionDenied):
        services.confirm_task(task, by=world.oscar)


def test_the_volunteer_gives_a_task_back_and_it_is_open_again(world, helpers):
    task = asked(world)
    services.claim_task(task, by=helpers.vera)
    services.release_task(task, by=helpers.vera)
    assert list(HelpTask.objects.nearest_first(helpers.victor_volunteer)) == [task]


def test_the_resident_cancels_a_request_not_yet_done(world, helpers):
    task = asked(world)
    services.cancel_task(task, by=world.alice)
    assert HelpTask.objects.get(pk=task.pk).state == TaskState.CANCELLED
    with pytest.raises(ValidationError):
        services.claim_task(task, by=helpers.vera)


def test_the_resident_hears_when_a_volunteer_takes_her_request(world, helpers):
    from xiangli.notifications.models import Notification, SmsMessage

    task = asked(world)
    services.claim_task(task, by=helpers.vera)
    note = Notification.objects.get(resident=world.alice_resident)
    assert "吴春燕" in note.message_zh
    assert SmsMessage.objects.count() == 1


def test_the_residents_message_names_the_help_in_her_language_whatever_the_volunteers(world, helpers):
    from django.utils import translation

    from xiangli.notifications.models import Notification

    task = services.ask_for_help(by=world.alice, resident=world.alice_resident, kind="cleaning")
    with translation.override("en"):  # the volunteer's phone is in English
        services.claim_task(task, by=helpers.vera)
    note = Notification.objects.get(resident=world.alice_resident)
    assert "打扫" in note.message_zh and "Cleaning" not in note.message_zh
    assert "Cleaning" in note.message_en
