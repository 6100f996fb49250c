"""At the door: the resident's QR code or a name search; walk-ins count but are marked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from xiangli.activities import services
from xiangli.activities.models import Signup

from .conftest import at


@pytest.fixture
def alices(world, training):
    return services.sign_up(training, by=world.alice, resident=world.alice_resident)


def door(training):
    return training.start - dt.timedelta(minutes=10)


def test_the_code_on_my_activities_checks_the_resident_in(world, training, alices, client):
    client.force_login(world.alice)
    page = client.get(reverse("activities:mine")).content.decode()
    assert "<svg" in page and training.title in page
    token = services.signup_token(alices)
    s = services.check_in(training, by=world.gina, token=token, now=door(training))
    assert s.pk == alices.pk and s.attended and not s.walk_in


def test_a_forged_code_is_refused(world, training, alices):
    with pytest.raises(ValidationError, match="not valid"):
        services.check_in(training, by=world.andy, token=services.signup_token(alices) + "x", now=door(training))
    assert not Signup.objects.filter(checked_in_at__isnull=False).exists()


def test_a_code_for_another_activity_is_refused(world, training, alices, make_activity):
    other = make_activity(title="党课", kind="party_lesson", start=at(4, 9), end=at(4, 10))
    with pytest.raises(ValidationError, match="another activity"):
        services.check_in(other, by=world.andy, token=services.signup_token(alices), now=door(other))


def test_someone_not_signed_up_is_let_in_as_a_walk_in(world, training):
    s = services.check_in(training, by=world.andy, resident=world.carl_resident, now=door(training))
    assert s.walk_in and s.status == "walk_in" and s.attended


def test_someone_on_the_waiting_list_is_marked_as_a_walk_in(world, training):
    services.sign_up(training, by=world.andy, resident=world.carl_resident)
    services.sign_up(training, by=world.alice, resident=world.alice_resident)
    bob = services.sign_up(training, by=world.bob, resident=world.bob_resident)
    s = services.check_in(training, by=world.andy, resident=world.bob_resident, now=door(training))
    assert s.pk == bob.pk and s.walk_in


def test_checking_in_twice_is_refused(world, training, alices):
    services.check_in(training, by=world.andy, resident=world.alice_resident, now=door(training))
    with pytest.raises(ValidationError, match="already checked in"):
        services.check_in(training, by=world.andy, resident=world.alice_resident, now=door(training))


def test_check_in_opens_two_hours_before_the_start(world, training, alices):
    with pytest.raises(ValidationError, match="two hours"):
        services.check_in(training, by=world.andy, resident=world.alice_resident,
                          now=training.start - dt.timedelta(hours=3))
    assert Signup.objects.get().checked_in_at is None


def test_staff_of_another_village_cannot_check_in(world, training, alices):
    with pytest.raises(PermissionDenied):
        services.check_in(training, by=world.oscar, resident=world.alice_resident, now=door(training))


def test_door_page_takes_what_the_scanner_types(world, training, alices, client, monkeypatch):
    monkeypatch.setattr(services, "DOORS_OPEN", dt.timedelta(days=10))
    client.force_login(world.gina)
    page = client.get(reverse("activities:manage", args=[training.pk])).content.decode()
    assert 'name="token"' in page
    r = client.post(reverse("activities:desk_checkin", args=[training.pk]),
                    {"token": services.signup_token(alices)}, follow=True)
    assert "王秀英" in r.content.decode()
    assert Signup.objects.get().attended


def test_door_page_finds_by_name_and_marks_walk_ins(world, training, client, monkeypatch):
    monkeypatch.setattr(services, "DOORS_OPEN", dt.timedelta(days=10))
    client.force_login(world.andy)
    page = client.get(reverse("activities:manage", args=[training.pk]), {"q": "张"}).content.decode()
    assert "张三" in page
    client.post(reverse("activities:desk_checkin", args=[training.pk]), {"resident": world.carl_resident.pk})
    page = client.get(reverse("activities:manage", args=[training.pk])).content.decode()
    assert "walk-in" in page.lower() or "现场" in page


def test_the_door_page_costs_the_same_queries_however_many_signed_up(world, make_activity, client,
                                                                      django_assert_num_queries):
    from xiangli.people.idnumbers import make_id_number
    from xiangli.people.models import Resident

    big = make_activity(capacity=5)
    for n in range(8):
        r = Resident(name=f"村民{n}", gender="M", birth_date=dt.date(1960, 1, 1), village=world.village_a,
                     id_number=make_id_number("410329", dt.date(1960, 1, 1), 200 + n, "M"))
        r.save()
        services.sign_up(big, by=world.andy, resident=r)
    client.force_login(world.andy)
    url = reverse("activities:manage", args=[big.pk])
    client.get(url)
    # session, user, roles, the activity, its sign-ups with residents, its volunteers
    with django_assert_num_queries(6):
        body = client.get(url).content.decode()
    assert "村民7" in body
