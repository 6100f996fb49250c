"""A resident gets a copy of her data; a person who leaves is anonymised, the figures stay."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from xiangli.cases import services
from xiangli.cases.models import Attachment, Case
from xiangli.people.models import PersonalDataAccess, Resident, User
from xiangli.people.rights import anonymise
from xiangli.people.services import reveal

from .conftest import png_upload


def test_a_resident_downloads_everything_held_about_her_including_who_looked(client, world):
    services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension, channel="online",
                         description="帮我办养老金")
    reveal(world.alice_resident, field="id_number", by=world.andy, reason="填表")
    client.force_login(world.alice)
    data = json.loads(client.get(reverse("front:my_data_json")).content)
    assert data["resident"]["id_number"] == world.alice_resident.id_number
    assert data["cases"][0]["description"] == "帮我办养老金"
    assert data["looked_at_by"][0]["who"] == "Andy" and data["looked_at_by"][0]["why"] == "填表"
    page = client.get(reverse("front:my_data")).content.decode()
    assert "填表" in page and world.alice_resident.id_number in page


def test_staff_without_a_resident_record_have_no_data_page(client, world):
    client.force_login(world.andy)
    assert client.get(reverse("front:my_data")).status_code == 404


def test_anonymising_erases_identity_but_keeps_the_cases_in_the_figures(world):
    User.objects.create_superuser("13911112222", "pass-word-123")
    case = services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension,
                                channel="online", description="我家住在村东头", uploads=[png_upload()])
    services.accept_case(case, by=world.andy)
    services.complete_case(case, by=world.andy)
    services.rate_case(case, by=world.alice, stars=5, comment="王秀英很满意")
    stats_before = Case.objects.filter(centre=world.centre_a).performance()
    path = Attachment.objects.get().file.path
    call_command("anonymise_resident", world.alice_resident.pk, by="13911112222", stdout=None)
    alice = Resident.objects.get(pk=world.alice_resident.pk)
    assert "王秀英" not in alice.name and alice.id_number == "" and alice.phone == "" and alice.id_digest is None
    assert alice.village == world.village_a and alice.birth_date.year == 1950
    case.refresh_from_db()
    assert case.rating == 5 and case.description == "" and case.rating_comment == ""
    assert not Attachment.objects.exists()
    import os

    assert not os.path.exists(path)
    assert Case.objects.filter(centre=world.centre_a).performance() == stats_before
    assert not User.objects.get(pk=world.alice.pk).is_active
    assert Resident.objects.search("wxy").count() == 0
    assert PersonalDataAccess.objects.count() == 0


def test_only_a_site_administrator_anonymises(world):
    with pytest.raises(PermissionDenied):
        anonymise(world.alice_resident, by=world.cheng)
    assert Resident.objects.get(pk=world.alice_resident.pk).name == "王秀英"
