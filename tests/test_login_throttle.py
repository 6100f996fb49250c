"""Password guessing is slowed down, but nobody can lock a resident out for good."""

import datetime as dt

from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from xiangli.people import throttle
from xiangli.people.models import LoginFailure


def attempt(password, address="10.0.0.9", phone="13800000001"):
    request = RequestFactory().post("/login/", REMOTE_ADDR=address)
    return authenticate(request, username=phone, password=password)


def test_ten_wrong_passwords_cool_the_account_off_even_for_the_right_one(world):
    for _ in range(throttle.PER_ACCOUNT):
        assert attempt("wrong") is None
    assert attempt("pass-word-123") is None
    assert attempt("pass-word-123", address="10.0.0.77") is None  # the phone is cooling off wherever


def test_the_cool_off_ends_by_itself(world):
    for _ in range(throttle.PER_ACCOUNT):
        attempt("wrong")
    LoginFailure.objects.update(at=timezone.now() - throttle.WINDOW - dt.timedelta(seconds=1))
    assert attempt("pass-word-123") == world.alice


def test_a_right_password_clears_the_count_of_earlier_slips(world):
    for _ in range(throttle.PER_ACCOUNT - 1):
        attempt("wrong")
    assert attempt("pass-word-123") == world.alice
    for _ in range(throttle.PER_ACCOUNT - 1):
        attempt("wrong")
    assert attempt("pass-word-123") == world.alice


def test_one_address_guessing_many_phones_is_cooled_off(world, settings):
    for n in range(throttle.PER_ADDRESS):
        attempt("wrong", phone=f"1380000{n:04d}")
    assert attempt("pass-word-123", phone="13800000002") is None  # Bob, from the guessing address
    assert attempt("pass-word-123", phone="13800000002", address="10.0.0.8") == world.bob


def test_the_login_page_says_to_wait_or_use_a_text_code(client, world):
    for _ in range(throttle.PER_ACCOUNT):
        client.post(reverse("front:login"), {"kind": "password", "phone": "13800000001", "password": "x"})
    page = client.post(reverse("front:login"), {"kind": "password", "phone": "13800000001",
                                                "password": "pass-word-123"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "15 minutes" in page.content.decode()
    # The text-message code still gets her in: a cool-off never locks a resident out.
    client.post(reverse("front:login"), {"kind": "send_code", "phone": "13800000001"})
    import re

    from xiangli.notifications.models import SmsMessage

    code = re.search(r"\d{6}", SmsMessage.objects.latest("pk").body).group()
    response = client.post(reverse("front:login"), {"kind": "code", "phone": "13800000001", "code": code})
    assert response.status_code == 302


def test_the_tick_prunes_old_failures(world):
    attempt("wrong")
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(hours=1))
    assert throttle.prune() == 2  # one for the phone, one for the address
