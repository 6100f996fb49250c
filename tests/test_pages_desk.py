"""The agent workbench: intake in under a minute, the queue, every step of a case."""

import datetime as dt

import pytest
from django.urls import reverse

from xiangli.cases import services
from xiangli.cases.models import Case, State
from xiangli.people.models import PersonalDataAccess, Resident

from .conftest import png_upload
from .factories import make_cases


def test_agent_finds_a_resident_by_pinyin_initials_phone_or_id(client, world):
    client.force_login(world.andy)
    for q in ["wxy", "王秀", "13800000001", world.alice_resident.id_number]:
        page = client.post(reverse("front:desk_find"), {"q": q}).content.decode()
        assert "王秀英" in page, q
        assert world.alice_resident.masked_id_number in page
        assert page.count(world.alice_resident.id_number) <= 1  # only in the box the clerk typed it in


def test_agent_cannot_find_residents_of_another_village(client, world):
    client.force_login(world.oscar)
    page = client.post(reverse("front:desk_find"), {"q": "wxy"}).content.decode()
    assert "王秀英" not in page
    assert client.get(reverse("front:desk_new_case", args=[world.alice_resident.pk])).status_code == 404


def test_htmx_search_answers_with_the_results_fragment_only(client, world):
    client.force_login(world.andy)
    page = client.post(reverse("front:desk_find"), {"q": "wxy"}, HTTP_HX_REQUEST="true").content.decode()
    assert "王秀英" in page and "<html" not in page


def test_agent_enters_a_walk_in_case_and_moves_it_through_every_step(client, world):
    client.force_login(world.andy)
    response = client.post(reverse("front:desk_new_case", args=[world.alice_resident.pk]), {
        "item": "YL-001", "channel": "walk_in", "description": "代办", "files": [png_upload()], "idempotency_key": "w1",
    })
    case = Case.objects.get()
    assert response.url == reverse("front:desk_case", args=[case.pk])
    assert case.visits == 1 and case.channel == "walk_in"
    step = reverse("front:desk_step", args=[case.pk])
    for action, note in [("accept", ""), ("request_materials", "户口簿"), ("receive_materials", ""),
                         ("carry", "县社保中心"), ("complete", "已办结"), ("close", "")]:
        client.post(step, {"action": action, "note": note})
        case.refresh_from_db()
    assert case.state == State.CLOSED
    page = client.get(reverse("front:desk_case", args=[case.pk])).content.decode()
    assert "县社保中心" in page and "户口簿" in page


def test_a_step_out_of_order_shows_a_message_and_changes_nothing(client, world):
    case = services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension, channel="online")
    client.force_login(world.andy)
    page = client.post(reverse("front:desk_step", args=[case.pk]), {"action": "complete", "note": ""}, follow=True)
    case.refresh_from_db()
    assert case.state == State.SUBMITTED and case.events.count() == 1
    assert "msg-error" in page.content.decode()


def test_another_villages_case_is_a_404_on_the_workbench(client, world):
    case = services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension, channel="online")
    client.force_login(world.oscar)
    assert client.get(reverse("front:desk_case", args=[case.pk])).status_code == 404
    assert client.post(reverse("front:desk_step", args=[case.pk]), {"action": "accept"}).status_code == 404
    case.refresh_from_db()
    assert case.state == State.SUBMITTED


def test_residents_cannot_open_the_workbench(client, world):
    client.force_login(world.alice)
    assert client.get(reverse("front:desk")).status_code == 404


def test_revealing_a_full_id_number_needs_a_reason_and_is_logged(client, world):
    case = services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension, channel="online")
    client.force_login(world.andy)
    url = reverse("front:desk_reveal", args=[case.pk])
    client.post(url, {"field": "id_number", "reason": ""})
    assert not PersonalDataAccess.objects.exists()
    page = client.post(url, {"field": "id_number", "reason": "填写养老保险申请表"}, follow=True).content.decode()
    assert world.alice_resident.id_number in page
    assert PersonalDataAccess.objects.get().actor == world.andy
    # Shown once: the next look is masked again.
    assert world.alice_resident.id_number not in client.get(reverse("front:desk_case", args=[case.pk])).content.decode()


def test_agent_registers_a_walk_in_resident_and_bad_id_is_refused(client, world):
    client.force_login(world.andy)
    url = reverse("front:desk_new_resident")
    bad = client.post(url, {"village": world.village_a.pk, "name": "赵四", "id_number": "410329195003040011"})
    assert bad.status_code == 200 and not Resident.objects.filter(name="赵四").exists()
    import datetime as dt

    from xiangli.people.idnumbers import make_id_number

    good = client.post(url, {"village": world.village_a.pk, "name": "赵四", "grid": world.grid_a2.pk,
                             "id_number": make_id_number("410329", dt.date(1948, 1, 2), 77, "M")})
    assert good.status_code == 302 and Resident.objects.get(name="赵四").grid == world.grid_a2


@pytest.mark.parametrize("count", [3, 12])
def test_queue_takes_the_same_queries_however_many_cases(client, world, django_assert_num_queries, count):
    make_cases(world, world.carl_resident, count, by=world.andy)
    client.force_login(world.andy)
    # session, user, roles, overdue count, due-soon count, cases (with resident, item,
    # village joined); the calendar for "due soon" is the process's copy
    with django_assert_num_queries(6):
        page = client.get(reverse("front:desk"))
    assert page.content.decode().count("state-") == count


@pytest.mark.parametrize("steps", [1, 6])
def test_case_detail_takes_the_same_queries_however_long_the_timeline(client, world, django_assert_num_queries, steps):
    case = services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension, channel="walk_in",
                                uploads=[png_upload(), png_upload()])
    for _ in range(steps):
        services.record_visit(case, by=world.andy)
    client.force_login(world.andy)
    # session, user, roles, case, events, attachments
    with django_assert_num_queries(6):
        client.get(reverse("front:desk_case", args=[case.pk]))


def test_overdue_and_due_soon_cases_stand_out_in_the_queue(client, world):
    import datetime as dt

    late, soon, later = make_cases(world, world.carl_resident, 6, by=world.andy)[1::2]
    today = dt.date.today()
    Case.objects.filter(pk=late.pk).update(due_on=today - dt.timedelta(days=3))
    Case.objects.filter(pk=soon.pk).update(due_on=today)
    Case.objects.filter(pk=later.pk).update(due_on=today + dt.timedelta(days=30))
    client.force_login(world.andy)
    page = client.get(reverse("front:desk")).content.decode()
    assert 'class="overdue"' in page and 'class="soon"' in page
    overdue = client.get(reverse("front:desk"), {"view": "overdue"}).content.decode()
    assert late.number in overdue and soon.number not in overdue and later.number not in overdue
    due_soon = client.get(reverse("front:desk"), {"view": "due_soon"}).content.decode()
    assert soon.number in due_soon and late.number not in due_soon and later.number not in due_soon


def test_agent_records_a_rating_given_by_phone(client, world):
    case = services.create_case(by=world.andy, resident=world.carl_resident, item=world.pension, channel="walk_in")
    services.accept_case(case, by=world.andy)
    services.complete_case(case, by=world.andy)
    client.force_login(world.andy)
    step = reverse("front:desk_step", args=[case.pk])
    client.post(step, {"action": "rate", "stars": "9"})
    case.refresh_from_db()
    assert case.rating is None
    client.post(step, {"action": "rate", "stars": "3", "comment": "电话回访"})
    case.refresh_from_db()
    assert case.rating == 3 and case.state == State.CLOSED


def test_only_auditors_see_the_audit_trail_in_the_menu(client, world):
    client.force_login(world.audrey)
    assert reverse("audit:log") in client.get(reverse("front:desk")).content.decode()
    client.force_login(world.andy)
    assert reverse("audit:log") not in client.get(reverse("front:desk")).content.decode()


def test_the_workbench_menu_offers_each_person_the_parts_of_their_role(client, world):
    client.force_login(world.andy)
    page = client.get(reverse("front:desk"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for url in (reverse("volunteers:desk"), reverse("activities:desk"), reverse("disclosure:desk"),
                reverse("policies:outreach"), reverse("open311:pending")):
        assert f'href="{url}"' in page
    assert f'href="{reverse("tips:queue")}"' not in page and f'href="{reverse("policies:list")}"' not in page
    client.force_login(world.kate)
    page = client.get(reverse("front:desk"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for name in ("tips:queue", "tips:stats", "policies:list"):
        assert f'href="{reverse(name)}"' in page


def test_the_centre_page_leads_residents_to_everything_the_centre_runs(client, world):
    page = client.get(reverse("front:centre", args=[world.village_a.code])).content.decode()
    for url in (reverse("activities:week", args=[world.village_a.code]), reverse("volunteers:ask"),
                reverse("disclosure:village", args=[world.village_a.code]),
                reverse("polls:village", args=[world.village_a.code]), reverse("tips:new"), reverse("sampling:home")):
        assert f'href="{url}"' in page
    client.force_login(world.alice)
    mine = client.get(reverse("front:mine")).content.decode()
    assert reverse("activities:mine") in mine and reverse("points:mine") in mine and reverse("tips:mine") in mine


def test_a_townships_counts_are_shared_for_a_minute_and_a_villages_stay_live(client, world):
    from django.core.cache import cache

    cache.clear()
    case = services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension, channel="walk_in")
    services.accept_case(case, by=world.andy)
    soon_due = Case.objects.filter(pk=case.pk)

    def counts(user):
        client.force_login(user)
        page = client.get(reverse("front:desk"))
        return page.context["overdue_count"], page.context["due_soon_count"]

    before_andy, before_tom = counts(world.andy), counts(world.tom)
    soon_due.update(due_on=dt.date(2020, 1, 2))  # now long overdue
    assert counts(world.andy)[0] == before_andy[0] + 1  # the village's own count is live
    assert counts(world.tom) == before_tom  # the township's is the minute-old figure
    cache.clear()
    assert counts(world.tom)[0] == before_tom[0] + 1
