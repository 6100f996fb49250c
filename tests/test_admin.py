"""The admin: the site administrator logs in with a phone and every list and form opens."""

import pytest
from django.contrib import admin
from django.urls import reverse

from xiangli.people.models import User


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("13911112222", "pass-word-123", name="管理员")


def test_the_site_administrator_logs_in_to_the_admin_with_a_phone_and_a_second_factor(client, admin_user):
    import pyotp

    from xiangli.people.models import TotpDevice

    assert client.get("/admin/login/?next=/admin/").url == "/login/?next=/admin/"
    response = client.post("/login/?next=/admin/", {"kind": "password", "phone": "139 1111 2222",
                                                    "password": "pass-word-123"})
    assert response.url == reverse("front:login_otp")
    client.get(response.url)  # first time: the authenticator is set up here
    code = pyotp.TOTP(TotpDevice.objects.get(user=admin_user).secret).now()
    assert client.post(reverse("front:login_otp"), {"code": code}).url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_every_admin_list_and_add_form_opens(client, admin_user, world):
    client.force_login(admin_user)
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        if model_admin.has_add_permission(type("R", (), {"user": admin_user})()):
            add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
            assert client.get(add).status_code == 200, add


def test_the_admin_never_lists_full_id_numbers_or_phones(client, admin_user, world):
    client.force_login(admin_user)
    page = client.get(reverse("admin:people_resident_changelist")).content.decode()
    assert "王秀英" in page
    assert world.alice_resident.id_number not in page and "13800000001" not in page
    detail = client.get(reverse("admin:people_resident_change", args=[world.alice_resident.pk])).content.decode()
    assert world.alice_resident.id_number not in detail


def test_centres_switch_service_items_off_in_the_admin(client, admin_user, world):
    client.force_login(admin_user)
    url = reverse("admin:areas_centre_change", args=[world.centre_a.pk])
    page = client.get(url)
    assert page.status_code == 200 and "disabled_items" in page.content.decode()
