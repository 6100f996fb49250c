"""Staff with township rights or above log in with a second factor; village staff do not."""

import pyotp
from django.test import Client
from django.urls import reverse

from xiangli.people import twofactor
from xiangli.people.models import TotpDevice


def password_step(client, phone, next_url="/desk/"):
    return client.post(f"/login/?next={next_url}", {"kind": "password", "phone": phone, "password": "pass-word-123"})


def test_an_agent_logs_in_with_a_password_alone(client, world):
    assert password_step(client, "13900000001").url == "/desk/"
    assert client.get(reverse("front:desk")).status_code == 200


def test_township_staff_set_up_an_authenticator_on_first_login_and_are_not_logged_in_before(client, world):
    response = password_step(client, "13900000005")  # Tom, township
    assert response.url == reverse("front:login_otp")
    assert client.get(reverse("front:desk")).status_code == 302  # not logged in yet
    page = client.get(response.url).content.decode()
    assert "data:image/svg+xml;base64," in page
    device = TotpDevice.objects.get(user=world.tom)
    assert device.confirmed_at is None
    wrong = client.post(reverse("front:login_otp"), {"code": "000000"})
    assert wrong.status_code == 200 and client.get(reverse("front:desk")).status_code == 302
    ok = client.post(reverse("front:login_otp"), {"code": pyotp.TOTP(device.secret).now()})
    assert ok.url == "/desk/"
    assert client.get(reverse("front:desk")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed_at is not None


def test_a_code_is_good_only_once(world):
    device = twofactor.enrolment(world.kate)
    code = pyotp.TOTP(device.secret).now()
    assert twofactor.verify(device, code)
    device.refresh_from_db()
    assert not twofactor.verify(device, code)


def test_the_secret_is_stored_encrypted(world):
    from django.db import connection

    device = twofactor.enrolment(world.cheng)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM people_totpdevice WHERE id = %s", [device.pk])
        raw = cursor.fetchone()[0]
    assert device.secret not in raw


def test_repeated_wrong_codes_cool_off_the_second_step(world):
    device = twofactor.enrolment(world.kate)
    for _ in range(10):
        assert not twofactor.verify(device, "000000")
    assert not twofactor.verify(device, pyotp.TOTP(device.secret).now())


def test_the_second_step_expires(client, world, monkeypatch):
    import time

    password_step(client, "13900000005")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 601)
    assert client.get(reverse("front:login_otp")).url == reverse("front:login")


def test_the_api_asks_township_staff_for_their_code(world):
    api = Client()
    login = {"phone": "13900000005", "password": "pass-word-123"}
    refused = api.post("/api/v1/tokens", login, content_type="application/json")
    assert refused.status_code == 401  # no authenticator set up yet
    device = twofactor.enrolment(world.tom)
    assert twofactor.verify(device, pyotp.TOTP(device.secret).at(0)) is False  # an ancient code
    device.confirmed_at = device.created_at
    device.save()
    refused = api.post("/api/v1/tokens", login, content_type="application/json")
    assert refused.status_code == 401
    code = pyotp.TOTP(device.secret).now()
    ok = api.post("/api/v1/tokens", {**login, "otp": code}, content_type="application/json")
    assert ok.status_code == 201


def test_the_demo_can_turn_the_second_step_off(client, world, settings):
    settings.TWO_FACTOR_FOR_SUPERVISORS = False
    assert password_step(client, "13900000005").url == "/desk/"
