"""Policy pages: defining a rule in the form, previewing, running, the grid worker's list, coverage."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from xiangli.people.models import PersonalDataAccess
from xiangli.policies import services
from xiangli.policies.models import Outreach, OutreachStatus, Policy, PolicyStatus

PENSION = {"field": "age", "op": ">=", "value": 60}


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def live(world, folk):
    policy = services.create_policy(by=world.kate, code="pension", name_zh="养老金", name_en="Basic pension",
                                    rule=PENSION, area=world.county, service_item=world.pension,
                                    documents=["居民身份证", "户口簿"])
    return services.set_status(policy, by=world.kate, status=PolicyStatus.LIVE)


def form_data(**extra) -> dict:
    data = {"code": "elderly", "name_zh": "高龄津贴", "area": "410329", "combinator": "all", "mode": "rows",
            "kind_0": "age", "op_0": ">=", "value_0": "80", "kind_1": "not_enrolled_in", "value_1": "pension"}
    data.update(extra)
    return data


def test_county_staff_define_a_policy_with_rows_of_conditions(world, folk, live):
    response = client_for(world.kate).post(reverse("policies:new"), form_data())
    policy = Policy.objects.get(code="elderly")
    assert response.status_code == 302
    assert policy.rule == {"all": [{"field": "age", "op": ">=", "value": 80},
                                   {"enrolled_in": "pension", "negate": True}]}
    assert policy.status == PolicyStatus.DRAFT


def test_power_users_may_type_the_rule_as_json(world, folk):
    data = form_data(mode="json", rule_json='{"any": [{"tag": "low_income"}, {"tag": "extremely_poor"}]}')
    client_for(world.kate).post(reverse("policies:new"), data)
    assert Policy.objects.get(code="elderly").rule == {"any": [{"tag": "low_income"}, {"tag": "extremely_poor"}]}


def test_a_bad_rule_shows_its_message_and_saves_nothing(world, folk):
    response = client_for(world.kate).post(reverse("policies:new"), form_data(mode="json", rule_json='{"tag": "rich"}'))
    assert "Unknown tag: rich" in response.content.decode()
    response = client_for(world.kate).post(reverse("policies:new"), form_data(kind_0="", kind_1=""))
    assert "needs a rule" in response.content.decode()
    assert not Policy.objects.exists()


def test_village_staff_cannot_define_policies(world, folk):
    assert client_for(world.andy).get(reverse("policies:new")).status_code == 404


def test_the_edit_form_shows_the_stored_rule_as_rows(world, folk, live):
    body = client_for(world.kate).get(reverse("policies:edit", args=[live.pk])).content.decode()
    assert 'name="value_0" value="60"' in body


def test_preview_counts_per_area_and_shows_a_masked_sample(world, folk, live):
    body = client_for(world.kate).get(reverse("policies:preview", args=[live.pk])).content.decode()
    assert "Township T" in body and "王秀英" in body
    assert world.alice_resident.id_number not in body and world.alice_resident.masked_id_number in body


def test_preview_of_a_village_drills_down_to_grids(world, folk, live, django_assert_max_num_queries):
    client = client_for(world.andy)
    with django_assert_max_num_queries(12):
        body = client.get(reverse("policies:preview", args=[live.pk])).content.decode()
    assert "Grid A1" in body and "李建国" not in body


def test_running_from_the_page_fills_the_grid_workers_list(world, folk, live, django_assert_num_queries):
    client_for(world.kate).post(reverse("policies:run", args=[live.pk]))
    gina = client_for(world.gina)
    gina.get(reverse("policies:outreach"))  # warm the session
    with django_assert_num_queries(5):
        body = gina.get(reverse("policies:outreach")).content.decode()
    assert "老李" in body and "张三" not in body  # Carl lives in grid A2


def test_grid_worker_records_an_outcome_on_the_page(world, folk, live):
    services.run_policy(live, by=world.kate)
    visit = Outreach.objects.get(resident=folk.elder)
    response = client_for(world.gina).post(reverse("policies:outreach_detail", args=[visit.pk]),
                                           {"outcome": "declined", "reason": ""})
    assert "why the resident declined" in response.content.decode()
    client_for(world.gina).post(reverse("policies:outreach_detail", args=[visit.pk]),
                                {"outcome": "declined", "reason": "不需要"})
    assert Outreach.objects.get(pk=visit.pk).status == OutreachStatus.DECLINED


def test_another_villages_visit_is_a_404(world, folk, live):
    services.run_policy(live, by=world.kate)
    bobs = Outreach.objects.get(resident=folk.bob_elder)
    for user in (world.gina, world.andy):
        assert client_for(user).get(reverse("policies:outreach_detail", args=[bobs.pk])).status_code == 404
    assert client_for(world.oscar).get(reverse("policies:outreach_detail", args=[bobs.pk])).status_code == 200


def test_another_countys_policy_is_a_404(world, folk):
    from tests.conftest import area, staff
    from xiangli.people.models import Role

    other = area("410322", "Mengjin", "county", world.city)
    zoe = staff("13900000020", "Zoe", Role.COUNTY_ADMIN, other)
    policy = services.create_policy(by=zoe, code="m", name_zh="孟津", rule=PENSION, area=other)
    for name in ("preview", "coverage_detail", "edit"):
        assert client_for(world.kate).get(reverse(f"policies:{name}", args=[policy.pk])).status_code == 404
    assert client_for(world.cheng).get(reverse("policies:preview", args=[policy.pk])).status_code == 200


def test_coverage_shows_eligible_reached_enrolled_and_the_gap(world, folk, live, django_assert_max_num_queries):
    services.run_policy(live, by=world.kate)
    services.record_outcome(Outreach.objects.get(resident=folk.elder), by=world.gina, outcome=OutreachStatus.ENROLLED)
    services.record_outcome(Outreach.objects.get(resident=folk.sixty), by=world.gina,
                            outcome=OutreachStatus.DECLINED, reason="不需要")
    client = client_for(world.tom)
    with django_assert_max_num_queries(10):
        body = client.get(reverse("policies:coverage")).content.decode()
    # Township T: 7 eligible (A: 5, B: 2), 2 reached, 1 enrolled, 1 declined, gap 6.
    assert "<td>7</td><td>2</td><td>1</td><td>1</td>" in body.replace("\n", "").replace("    ", "")
    detail = client.get(reverse("policies:coverage_detail", args=[live.pk])).content.decode()
    assert "Village A" in detail and "Village B" in detail


def test_export_is_masked_unless_full_values_are_asked_for_with_a_reason(world, folk, live):
    client = client_for(world.andy)
    response = client.post(reverse("policies:export", args=[live.pk]), {})
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Name" and len(rows) == 6  # village A's five, and the headings
    assert all("*" in r[1] for r in rows[1:])
    assert not PersonalDataAccess.objects.exists()
    response = client.post(reverse("policies:export", args=[live.pk]), {"full": "on", "reason": "上门核对"})
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert world.alice_resident.id_number in [r[1] for r in rows]
    assert PersonalDataAccess.objects.filter(actor=world.andy, field="id_number").count() == 5


def test_supervisors_who_may_not_reveal_get_masked_exports_only(world, folk, live):
    response = client_for(world.kate).post(reverse("policies:export", args=[live.pk]),
                                           {"full": "on", "reason": "检查"})
    assert response.status_code == 302
    assert not PersonalDataAccess.objects.exists()
