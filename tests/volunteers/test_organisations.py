"""The "三自" organisations: councils, clubs and volunteer teams with leaders, members and activities."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xiangli.audit.models import AuditEntry
from xiangli.organisations import services
from xiangli.organisations.models import Membership, OrgActivity, Organisation, OrgKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(world):
    return services.found_organisation(by=world.sam, village=world.village_a, kind=OrgKind.SELF_GOVERNANCE,
                                       name="红白理事会", purpose="Simple weddings and funerals",
                                       leader=world.carl_resident)


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_staff_register_an_organisation_whose_leader_is_a_member(world, council):
    assert council.leader == world.carl_resident
    assert Membership.objects.filter(organisation=council, resident=world.carl_resident).exists()
    assert AuditEntry.objects.filter(action="organisation.founded").exists()


def test_staff_of_another_village_cannot_register_one_here(world):
    with pytest.raises(PermissionDenied):
        services.found_organisation(by=world.oscar, village=world.village_a, kind=OrgKind.RECREATION, name="Opera")
    with pytest.raises(ValidationError):
        services.found_organisation(by=world.sam, village=world.village_a, kind=OrgKind.RECREATION, name="Opera",
                                    leader=world.bob_resident)
    assert not Organisation.objects.exists()


def test_a_resident_joins_and_leaves_from_her_phone(world, council):
    c = client_for(world.alice)
    assert "红白理事会" in c.get(reverse("organisations:list")).content.decode()
    c.post(reverse("organisations:membership", args=[council.pk]), {"action": "join"})
    assert Membership.objects.filter(resident=world.alice_resident, left_on__isnull=True).exists()
    c.post(reverse("organisations:membership", args=[council.pk]), {"action": "join"})
    assert Membership.objects.filter(resident=world.alice_resident).count() == 1
    c.post(reverse("organisations:membership", args=[council.pk]), {"action": "leave"})
    assert Membership.objects.get(resident=world.alice_resident).left_on == timezone.localdate()


def test_a_resident_of_another_village_cannot_join(world, council):
    with pytest.raises(ValidationError):
        services.join(council, resident=world.bob_resident, by=world.bob)
    assert client_for(world.bob).post(reverse("organisations:membership", args=[council.pk])).status_code == 404


def test_party_members_are_marked_among_the_members(world, council):
    world.alice_resident.tags = ["party_member"]
    world.alice_resident.save()
    services.join(council, resident=world.alice_resident, by=world.alice)
    page = client_for(world.sam).get(reverse("organisations:desk_detail", args=[council.pk])).content.decode()
    assert "badge danger" in page
    assert client_for(world.oscar).get(reverse("organisations:desk_detail", args=[council.pk])).status_code == 404


def test_the_leader_logs_an_activity_but_not_one_in_the_future(world, council):
    from xiangli.people.models import User

    carl = User.objects.create_user("13700000009", "pass-word-123", name="张三", resident=world.carl_resident)
    services.log_activity(council, by=carl, held_on=timezone.localdate(), title="Council met", participants=9)
    assert OrgActivity.objects.get().participants == 9
    with pytest.raises(ValidationError):
        services.log_activity(council, by=carl, held_on=timezone.localdate() + dt.timedelta(days=2), title="x")
    with pytest.raises(PermissionDenied):
        services.log_activity(council, by=world.alice, held_on=timezone.localdate(), title="x")


def test_the_leader_cannot_leave_until_another_is_chosen(world, council):
    services.join(council, resident=world.alice_resident, by=world.alice)
    with pytest.raises(ValidationError):
        services.leave(council, resident=world.carl_resident, by=world.sam)
    services.set_leader(council, resident=world.alice_resident, by=world.sam)
    services.leave(council, resident=world.carl_resident, by=world.sam)
    assert Organisation.objects.get().leader == world.alice_resident


def test_the_desk_list_is_scoped_to_the_areas_served(world, council):
    assert "红白理事会" in client_for(world.tom).get(reverse("organisations:desk")).content.decode()
    assert "红白理事会" not in client_for(world.dora).get(reverse("organisations:desk")).content.decode()


def test_the_village_list_takes_a_fixed_number_of_queries(world, council, django_assert_num_queries):
    for n in range(4):
        services.found_organisation(by=world.sam, village=world.village_a, kind=OrgKind.RECREATION, name=f"Club {n}",
                                    leader=world.alice_resident)
    c = client_for(world.alice)
    c.get(reverse("organisations:list"))
    # session, user, resident, organisations with member counts, own memberships
    with django_assert_num_queries(5):
        page = c.get(reverse("organisations:list")).content.decode()
    assert page.count("Club ") == 4
