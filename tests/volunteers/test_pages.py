"""The pages: residents ask and redeem without JavaScript, volunteers take tasks, staff enter calls."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from xiangli.points import services as points
from xiangli.points.models import PointsAccount, Redemption, Reward
from xiangli.volunteers import services
from xiangli.volunteers.models import HelpKind, HelpTask, TaskState

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_a_resident_asks_for_help_with_a_plain_form(world):
    c = client_for(world.alice)
    page = c.get(reverse("volunteers:ask"))
    assert page.status_code == 200 and "<script" not in page.content.decode().split("<footer")[0]
    response = c.post(reverse("volunteers:ask"), {"kind": HelpKind.SHOPPING, "note": "Rice"})
    assert response.status_code == 302
    task = HelpTask.objects.get()
    assert task.resident == world.alice_resident
    assert "Rice" in c.get(reverse("volunteers:my_requests")).content.decode()


def test_a_staff_member_enters_a_heart_card_call_in_two_steps(world):
    c = client_for(world.andy)
    found = c.post(reverse("volunteers:desk_find"), {"q": f"LX-{world.carl_resident.pk}"}).content.decode()
    assert reverse("volunteers:desk_ask", args=[world.carl_resident.pk]) in found
    found = c.post(reverse("volunteers:desk_find"), {"q": "zs"}).content.decode()
    assert "张三" in found
    c.post(reverse("volunteers:desk_ask", args=[world.carl_resident.pk]),
           {"kind": HelpKind.CLEANING, "channel": "heart_card", "note": ""})
    assert HelpTask.objects.get().channel == "heart_card"


def test_another_villages_resident_is_not_found_at_the_desk(world):
    c = client_for(world.oscar)
    assert c.get(reverse("volunteers:desk_ask", args=[world.alice_resident.pk])).status_code == 404
    assert "王秀英" not in c.post(reverse("volunteers:desk_find"), {"q": "wxy"}).content.decode()


def test_the_volunteer_takes_and_finishes_a_task_on_her_page(world, helpers):
    task = services.ask_for_help(by=world.alice, resident=world.alice_resident, kind=HelpKind.ERRAND)
    c = client_for(helpers.vera)
    assert "王秀英" in c.get(reverse("volunteers:tasks")).content.decode()
    c.post(reverse("volunteers:task_step", args=[task.pk]), {"action": "claim"})
    c.post(reverse("volunteers:task_step", args=[task.pk]), {"action": "done", "hours": "30"})
    assert HelpTask.objects.get().state == TaskState.CLAIMED  # 30 hours refused
    page = c.get(reverse("volunteers:tasks")).content.decode()
    assert "24" in page  # the message says why
    c.post(reverse("volunteers:task_step", args=[task.pk]), {"action": "done", "hours": "1.5"})
    assert HelpTask.objects.get().state == TaskState.DONE


def test_a_task_of_another_village_is_a_404_for_a_volunteer(world, helpers):
    task = services.ask_for_help(by=world.bob, resident=world.bob_resident, kind=HelpKind.ERRAND)
    c = client_for(helpers.vera)
    assert c.post(reverse("volunteers:task_step", args=[task.pk]), {"action": "claim"}).status_code == 404
    assert HelpTask.objects.get().state == TaskState.OPEN


def test_non_volunteers_have_no_task_page(world):
    assert client_for(world.alice).get(reverse("volunteers:tasks")).status_code == 404


def test_the_resident_confirms_the_help_on_her_page(world, helpers):
    task = services.ask_for_help(by=world.alice, resident=world.alice_resident, kind=HelpKind.ERRAND)
    services.claim_task(task, by=helpers.vera)
    services.finish_task(task, by=helpers.vera, hours="1")
    client_for(world.alice).post(reverse("volunteers:request_step", args=[task.pk]), {"action": "confirm"})
    assert HelpTask.objects.get().state == TaskState.CONFIRMED
    assert PointsAccount.objects.get(resident=helpers.vera.resident).balance == 15


def test_the_volunteer_task_list_takes_a_fixed_number_of_queries(world, helpers, django_assert_num_queries):
    for _ in range(3):
        services.ask_for_help(by=world.andy, resident=world.carl_resident, kind=HelpKind.ERRAND,
                              channel="heart_card")
        services.ask_for_help(by=world.alice, resident=world.alice_resident, kind=HelpKind.SHOPPING)
    c = client_for(helpers.vera)
    c.get(reverse("volunteers:tasks"))
    # session, user, volunteer, my tasks, open tasks
    with django_assert_num_queries(5):
        assert c.get(reverse("volunteers:tasks")).status_code == 200


def test_the_desk_task_list_takes_a_fixed_number_of_queries(world, helpers, django_assert_num_queries):
    for _ in range(4):
        t = services.ask_for_help(by=world.andy, resident=world.carl_resident, kind=HelpKind.ERRAND,
                                  channel="heart_card")
        services.claim_task(t, by=helpers.vera)
        services.finish_task(t, by=helpers.vera, hours="1")
    c = client_for(world.andy)
    c.get(reverse("volunteers:desk"))
    # session, user, roles, tasks
    with django_assert_num_queries(4):
        page = c.get(reverse("volunteers:desk"))
    assert page.content.decode().count("周志刚") + page.content.decode().count("吴春燕") == 4


def test_the_supermarket_catalogue_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    for n in range(5):
        points.save_reward(by=world.andy, village=world.village_a,
                           data=points.RewardInput(name=f"Reward {n}", price=10 + n, stock=3))
    c = client_for(world.alice)
    c.get(reverse("points:shop"))
    # session, user, resident, rewards, balance
    with django_assert_num_queries(5):
        page = c.get(reverse("points:shop"))
    assert page.content.decode().count("Reward ") == 5


def test_the_leaderboard_takes_a_fixed_number_of_queries(world, helpers, django_assert_num_queries):
    for n, user in enumerate([helpers.vera, helpers.victor, world.alice]):
        points.award_points(user.resident, points=10 * (n + 1), reason="help", source=f"s{n}", by=world.sam)
    c = client_for(helpers.vera)
    c.get(reverse("points:leaderboard"))
    # session, user, resident, village, tallies
    with django_assert_num_queries(5):
        page = c.get(reverse("points:leaderboard")).content.decode()
    assert page.index("王秀英") < page.index("周志刚") < page.index("吴春燕")


def test_staff_see_leaderboards_of_their_villages_only(world, helpers):
    assert client_for(world.andy).get(reverse("points:leaderboard"), {"village": world.village_a.pk}).status_code == 200
    assert client_for(world.oscar).get(reverse("points:leaderboard"),
                                       {"village": world.village_a.pk}).status_code == 404


def test_a_resident_redeems_and_staff_hand_over_by_code(world):
    reward = points.save_reward(by=world.andy, village=world.village_a,
                                data=points.RewardInput(name="Soap", price=10, stock=1))
    points.award_points(world.alice_resident, points=15, reason="help", source="x", by=world.sam)
    c = client_for(world.alice)
    c.post(reverse("points:redeem", args=[reward.pk]), {"key": "abc"})
    redemption = Redemption.objects.get()
    assert redemption.code in c.get(reverse("points:mine")).content.decode()
    desk = client_for(world.andy)
    assert "Soap" in desk.post(reverse("points:desk_handover"), {"code": redemption.code}).content.decode()
    desk.post(reverse("points:desk_handover"), {"code": redemption.code, "action": "hand_over"})
    assert Redemption.objects.get().state == "handed_over"
    # Oscar, of village B, does not find the code at all.
    assert "Soap" not in client_for(world.oscar).post(reverse("points:desk_handover"),
                                                     {"code": redemption.code}).content.decode()


def test_redeeming_another_villages_reward_is_a_404(world):
    reward = points.save_reward(by=world.oscar, village=world.village_b,
                                data=points.RewardInput(name="Soap", price=1, stock=1))
    assert client_for(world.alice).post(reverse("points:redeem", args=[reward.pk])).status_code == 404
    assert Reward.objects.get().stock == 1


def test_the_secretary_adjusts_points_on_the_account_page(world):
    points.award_points(world.alice_resident, points=15, reason="help", source="x", by=world.sam)
    account = PointsAccount.objects.get()
    c = client_for(world.sam)
    c.post(reverse("points:desk_account", args=[account.pk]), {"points": "-5", "reason": "Counted twice"})
    assert PointsAccount.objects.get().balance == 10
    assert client_for(world.oscar).get(reverse("points:desk_account", args=[account.pk])).status_code == 404


def test_heart_cards_print_every_living_alone_resident_of_the_village(world):
    world.carl_resident.tags = ["living_alone"]
    world.carl_resident.save()
    response = client_for(world.andy).get(reverse("volunteers:heart_cards", args=[world.village_a.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from xiangli.volunteers.pdfs import living_alone

    assert living_alone(world.village_a) == [world.carl_resident]
    assert client_for(world.oscar).get(reverse("volunteers:heart_cards", args=[world.village_a.pk])).status_code == 404


def test_a_volunteer_prints_her_certificate(world, helpers):
    response = client_for(helpers.vera).get(reverse("volunteers:my_certificate"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    url = reverse("volunteers:desk_certificate", args=[helpers.vera_volunteer.pk])
    assert client_for(world.andy).get(url).status_code == 200
    assert client_for(world.oscar).get(url).status_code == 404


def test_the_volunteer_record_page_shows_hours_and_points(world, helpers):
    points.award_points(helpers.vera.resident, points=12, hours="2.5", reason="help", source="x", by=world.sam)
    page = client_for(helpers.vera).get(reverse("volunteers:my_record")).content.decode()
    assert "2.5" in page and "12" in page


@pytest.mark.parametrize("name", ["volunteers:ask", "volunteers:my_requests", "points:shop", "points:mine",
                                  "organisations:list"])
def test_resident_pages_are_small_and_need_no_script(world, name):
    page = client_for(world.alice).get(reverse(name))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<script" not in body
    assert len(page.content) < 150_000
    assert 'name="viewport"' in body


def test_each_task_in_a_volunteers_hands_has_an_hours_field_of_its_own(client, world, helpers):
    import re

    first = services.ask_for_help(by=world.alice, resident=world.alice_resident, kind="cleaning")
    second = services.ask_for_help(by=world.alice, resident=world.alice_resident, kind="errand")
    services.claim_task(first, by=helpers.vera)
    services.claim_task(second, by=helpers.vera)
    client.force_login(helpers.vera)
    page = client.get(reverse("volunteers:tasks")).content.decode()
    ids = re.findall(r'<input[^>]*name="hours"[^>]*id="([^"]+)"', page)
    labels = re.findall(r'<label for="([^"]+)"', page)
    assert len(ids) == 2 and len(set(ids)) == 2
    assert set(ids) <= set(labels)
