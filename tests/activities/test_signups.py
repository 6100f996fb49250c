"""Creating activities and signing up: places, the waiting list, and refusals that change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from xiangli.activities import services
from xiangli.activities.models import Activity, Signup, SignupStatus
from xiangli.notifications.models import Notification
from xiangli.rooms.models import Booking

from .conftest import at


def test_an_activity_in_a_room_books_the_room_for_its_time(world, training, hall):
    assert training.booking.room == hall
    assert (training.booking.start, training.booking.end) == (training.start, training.end)
    assert training.booking.kind == "activity"


def test_times_are_kept_with_their_time_zone(world, training):
    training.refresh_from_db()
    assert training.start.utcoffset() is not None
    assert training.start == at(3, 9)  # 09:00 in Shanghai is 01:00 UTC, the same instant


def test_an_activity_in_a_taken_room_is_refused_with_free_slots_and_not_created(world, training, make_activity):
    with pytest.raises(ValidationError) as refused:
        make_activity(title="送戏下乡：豫剧", kind="play", start=at(3, 10), end=at(3, 12))
    assert "Free at" in refused.value.messages[0] or "空闲" in refused.value.messages[0]
    assert Activity.objects.count() == 1
    assert Booking.objects.count() == 1


def test_an_activity_elsewhere_needs_no_room(world, make_activity):
    a = make_activity(room=None, place="村文化广场", kind="sports")
    assert a.where == "村文化广场" and a.booking is None


@pytest.mark.parametrize(("change", "message"), [
    ({"capacity": 0}, "at least one place"),
    ({"end": at(3, 8)}, "The end must be after the start."),
    ({"start": at(-1, 9), "end": at(-1, 10)}, "already passed"),
    ({"title": "  "}, "title"),
    ({"room": None, "place": ""}, "say where"),
])
def test_bad_activities_are_refused_and_nothing_is_written(world, make_activity, change, message):
    with pytest.raises(ValidationError) as refused:
        make_activity(**change)
    assert message in " ".join(refused.value.messages)
    assert Activity.objects.count() == 0 and Booking.objects.count() == 0


def test_agent_of_another_village_cannot_create_an_activity_here(world, make_activity):
    with pytest.raises(PermissionDenied):
        make_activity(by=world.oscar)


def test_residents_sign_up_until_full_then_join_the_waiting_list(world, training):
    first = services.sign_up(training, by=world.alice, resident=world.alice_resident)
    second = services.sign_up(training, by=world.andy, resident=world.carl_resident)
    third = services.sign_up(training, by=world.bob, resident=world.bob_resident)  # from the next village
    assert [first.status, second.status, third.status] == ["confirmed", "confirmed", "waiting"]
    assert second.by_staff and not first.by_staff


def test_cancelling_a_place_moves_the_waiting_list_up_and_tells_them(world, training,
                                                                    django_capture_on_commit_callbacks):
    alice = services.sign_up(training, by=world.alice, resident=world.alice_resident)
    services.sign_up(training, by=world.andy, resident=world.carl_resident)
    bob = services.sign_up(training, by=world.bob, resident=world.bob_resident)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_signup(alice, by=world.alice)
    bob.refresh_from_db()
    assert bob.status == SignupStatus.CONFIRMED
    assert Notification.objects.filter(resident=world.bob_resident, message_zh__contains=training.title).exists()


def test_signing_up_twice_is_refused(world, training):
    services.sign_up(training, by=world.alice, resident=world.alice_resident)
    with pytest.raises(ValidationError, match="already signed up"):
        services.sign_up(training, by=world.alice, resident=world.alice_resident)
    assert Signup.objects.count() == 1


def test_signing_up_after_the_start_is_refused(world, training):
    with pytest.raises(ValidationError, match="already started"):
        services.sign_up(training, by=world.alice, resident=world.alice_resident,
                         now=training.start + dt.timedelta(minutes=1))
    assert Signup.objects.count() == 0


def test_a_resident_cannot_sign_up_someone_else(world, training):
    with pytest.raises(PermissionDenied):
        services.sign_up(training, by=world.alice, resident=world.carl_resident)
    assert Signup.objects.count() == 0


def test_signing_up_again_after_cancelling_queues_anew(world, training):
    s = services.sign_up(training, by=world.alice, resident=world.alice_resident)
    services.cancel_signup(s, by=world.alice)
    again = services.sign_up(training, by=world.alice, resident=world.alice_resident)
    assert again.pk == s.pk and again.status == SignupStatus.CONFIRMED


def test_resident_signs_up_on_the_phone_page_without_javascript(world, training, client):
    client.force_login(world.alice)
    page = client.get(reverse("activities:detail", args=[training.pk])).content.decode()
    assert reverse("activities:signup", args=[training.pk]) in page and "<script" not in page
    r = client.post(reverse("activities:signup", args=[training.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("activities:mine")
    again = client.post(reverse("activities:signup", args=[training.pk]), follow=True).content.decode()
    assert "已经报名" in again or "already signed up" in again
    assert Signup.objects.count() == 1


def test_cancelling_on_my_activities_page(world, training, client):
    client.force_login(world.alice)
    client.post(reverse("activities:signup", args=[training.pk]))
    client.post(reverse("activities:withdraw", args=[training.pk]))
    assert Signup.objects.get().status == SignupStatus.CANCELLED


def test_staff_page_creates_an_activity_and_signs_up_at_the_counter(world, hall, client):
    client.force_login(world.andy)
    r = client.post(reverse("activities:new"), {
        "centre": world.centre_a.pk, "title": "送医下乡义诊", "kind": "clinic",
        "start": at(2, 9).strftime("%Y-%m-%dT%H:%M"), "end": at(2, 11).strftime("%Y-%m-%dT%H:%M"),
        "room": hall.pk, "organiser": "县人民医院", "organiser_kind": "higher_office", "capacity": 40,
    })
    assert r.status_code == 302, r.content.decode()
    a = Activity.objects.get()
    client.post(reverse("activities:desk_signup", args=[a.pk]), {"resident": world.carl_resident.pk})
    assert a.signups.get().resident == world.carl_resident


def test_staff_page_refuses_zero_places_with_a_message(world, hall, client):
    client.force_login(world.andy)
    r = client.post(reverse("activities:new"), {
        "centre": world.centre_a.pk, "title": "x", "kind": "clinic",
        "start": at(2, 9).strftime("%Y-%m-%dT%H:%M"), "end": at(2, 11).strftime("%Y-%m-%dT%H:%M"),
        "room": hall.pk, "organiser_kind": "centre", "capacity": 0,
    })
    assert r.status_code == 200
    assert "至少" in r.content.decode() or "at least one place" in r.content.decode()
    assert Activity.objects.count() == 0


def test_desk_lists_the_activities_of_served_areas_only(world, training, client, django_assert_num_queries):
    client.force_login(world.oscar)
    assert training.title not in client.get(reverse("activities:desk")).content.decode()
    assert client.get(reverse("activities:manage", args=[training.pk])).status_code == 404
    client.force_login(world.tom)
    client.get(reverse("activities:desk"))
    # session, user, roles, the page of activities with their counts
    with django_assert_num_queries(4):
        assert training.title in client.get(reverse("activities:desk")).content.decode()


def test_cancelling_an_activity_frees_its_room_and_tells_those_signed_up(world, training,
                                                                         django_capture_on_commit_callbacks):
    services.sign_up(training, by=world.alice, resident=world.alice_resident)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_activity(training, by=world.sam)
    assert Booking.objects.active().count() == 0
    assert Notification.objects.filter(resident=world.alice_resident).exists()


def test_residents_with_a_place_are_reminded_once_the_day_before(world, training):
    services.sign_up(training, by=world.alice, resident=world.alice_resident)
    services.sign_up(training, by=world.andy, resident=world.carl_resident)
    services.sign_up(training, by=world.bob, resident=world.bob_resident)  # waiting: no reminder
    too_early = training.start - dt.timedelta(hours=30)
    assert services.queue_reminders(now=too_early) == 0
    day_before = training.start - dt.timedelta(hours=20)
    assert services.queue_reminders(now=day_before) == 2
    assert services.queue_reminders(now=day_before) == 0
    alice_says = Notification.objects.get(resident=world.alice_resident).message_zh
    assert training.title in alice_says and "大礼堂" in alice_says
    assert not Notification.objects.filter(resident=world.bob_resident).exists()


def test_the_tick_queues_the_reminders(world, make_activity, capsys):
    from django.core.management import call_command
    from django.utils import timezone

    soon = timezone.now() + dt.timedelta(hours=3)
    evening = make_activity(room=None, place="村广场", start=soon, end=soon + dt.timedelta(hours=1))
    services.sign_up(evening, by=world.alice, resident=world.alice_resident)
    call_command("tick", "--now")
    assert "1 activity reminders queued" in capsys.readouterr().out
