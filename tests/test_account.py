"""The account page: see where you are logged in, log a lost phone out, change or reset the password."""

import datetime as dt
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xiangli.notifications.models import SmsMessage


def log_in(phone="13800000001", password="pass-word-123", ua="Phone A"):
    client = Client(HTTP_USER_AGENT=ua)
    response = client.post(reverse("front:login"), {"kind": "password", "phone": phone, "password": password})
    assert response.status_code == 302
    return client


def test_a_resident_sees_her_devices_and_logs_a_lost_phone_out(world):
    lost = log_in(ua="Lost phone")
    here = log_in(ua="Home computer")
    page = here.get(reverse("front:account")).content.decode()
    assert "Lost phone" in page and "Home computer" in page
    from xiangli.people.sessions import UserSession

    lost_row = UserSession.objects.get(user_agent="Lost phone")
    here.post(reverse("front:end_session", args=[lost_row.pk]))
    assert lost.get(reverse("front:my_cases")).status_code == 302  # logged out
    assert here.get(reverse("front:my_cases")).status_code == 200


def test_nobody_ends_someone_elses_session(world):
    alice = log_in()
    from xiangli.people.sessions import UserSession

    row = UserSession.objects.get(user=world.alice)
    bob = log_in(phone="13800000002")
    assert bob.post(reverse("front:end_session", args=[row.pk])).status_code == 404
    assert alice.get(reverse("front:my_cases")).status_code == 200


def test_changing_the_password_needs_the_old_one_and_refuses_a_common_one(world):
    client = log_in()
    url = reverse("front:account")
    client.post(url, {"old_password": "wrong", "new_password1": "Huai-Shu-2026!", "new_password2": "Huai-Shu-2026!"})
    world.alice.refresh_from_db()
    assert world.alice.check_password("pass-word-123")
    client.post(url, {"old_password": "pass-word-123", "new_password1": "password123", "new_password2": "password123"})
    world.alice.refresh_from_db()
    assert world.alice.check_password("pass-word-123")
    other = log_in(ua="Other")
    client.post(url, {"old_password": "pass-word-123", "new_password1": "Huai-Shu-2026!",
                      "new_password2": "Huai-Shu-2026!"})
    world.alice.refresh_from_db()
    assert world.alice.check_password("Huai-Shu-2026!")
    assert client.get(url).status_code == 200  # this device stays in
    assert other.get(url).status_code == 302  # the others are out


def test_a_forgotten_password_is_reset_after_logging_in_with_a_texted_code(world):
    client = Client()
    client.post(reverse("front:login"), {"kind": "send_code", "phone": "13800000001"})
    code = re.search(r"\d{6}", SmsMessage.objects.latest("pk").body).group()
    client.post(reverse("front:login"), {"kind": "code", "phone": "13800000001", "code": code})
    client.post(reverse("front:account"), {"new_password1": "Huai-Shu-2026!", "new_password2": "Huai-Shu-2026!"})
    world.alice.refresh_from_db()
    assert world.alice.check_password("Huai-Shu-2026!")


def _age_password(user, days):
    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=days))


def test_with_a_maximum_password_age_staff_with_an_old_password_must_change_it_first(world, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    _age_password(world.andy, 91)
    client = log_in(phone="13900000001")
    desk = client.get(reverse("front:desk"))
    assert desk.status_code == 302 and desk["Location"] == reverse("front:account")
    page = client.get(reverse("front:account"))
    assert "超过90天" in page.content.decode()
    client.post(reverse("front:account"), {"old_password": "pass-word-123", "new_password1": "Huai-Shu-2026!",
                                           "new_password2": "Huai-Shu-2026!"})
    assert client.get(reverse("front:desk")).status_code == 200
    world.andy.refresh_from_db()
    assert world.andy.password_changed_at > timezone.now() - dt.timedelta(minutes=1)


def test_the_maximum_age_spares_residents_fresh_passwords_and_counties_that_leave_it_off(world, settings):
    _age_password(world.andy, 400)
    _age_password(world.alice, 400)
    assert log_in(phone="13900000001").get(reverse("front:desk")).status_code == 200  # off by default
    settings.PASSWORD_MAX_AGE_DAYS = 90
    assert log_in().get(reverse("front:my_cases")).status_code == 200  # a resident is never forced
    _age_password(world.andy, 10)
    assert log_in(phone="13900000001").get(reverse("front:desk")).status_code == 200
