"""The figures page: what a supervisor sees for an area and a period, and what others cannot see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xiangli.metrics.rollup import refresh_standing, roll_up

from ..factories import make_cases


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rolled(world):
    make_cases(world, world.alice_resident, 3)
    make_cases(world, world.bob_resident, 1)
    today = timezone.localdate()
    roll_up(today - dt.timedelta(days=1), today)
    refresh_standing(today=today)


def test_the_township_sees_its_figures_and_each_village_below(world, rolled):
    page = as_user(world.tom).get(reverse("metrics:area", args=[world.township.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Received" in body
    assert page.context["figures"].received == 4
    children = {a.code: f.received for a, f, _ in page.context["rows"]}
    assert children[world.village_a.code] == 3
    assert children[world.village_b.code] == 1
    assert reverse("metrics:area", args=[world.village_a.code]) in body


def test_the_figures_home_starts_from_the_widest_area_served(world, rolled):
    assert as_user(world.kate).get(reverse("metrics:home")).url == reverse("metrics:area", args=[world.county.code])
    assert as_user(world.sam).get(reverse("metrics:home")).url == reverse("metrics:area", args=[world.village_a.code])


@pytest.mark.parametrize("who,code,status", [
    ("dora", "township", 404),   # another township's staff
    ("oscar", "village_a", 404),  # the agent of village B
    ("sam", "township", 404),    # a village secretary does not see the township
    ("sam", "village_a", 200),
    ("audrey", "village_b", 200),
    ("cheng", "city", 200),
    ("alice", "village_a", 404),  # residents see no figures
])
def test_figures_are_scoped_to_the_areas_a_person_serves(world, rolled, who, code, status):
    area = getattr(world, code)
    assert as_user(getattr(world, who)).get(reverse("metrics:area", args=[area.code])).status_code == status


def test_a_future_or_malformed_period_is_explained_and_this_month_shown(world, rolled):
    client = as_user(world.tom)
    url = reverse("metrics:area", args=[world.township.code])
    future = client.get(url, {"period": f"{timezone.localdate().year + 1}-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "has not begun yet" in future.content.decode()
    assert future.context["period"].code == f"{timezone.localdate():%Y-%m}"
    bad = client.get(url, {"period": "2026-13"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert bad.status_code == 200
    assert 'aria-invalid="true"' in bad.content.decode()


def test_a_long_period_is_charted_by_month(world, rolled):
    page = as_user(world.cheng).get(reverse("metrics:area", args=[world.city.code]), {"period": "2025"})
    assert page.context["monthly"] is True
    assert len(page.context["trend"]) == 12


def test_the_city_page_costs_the_same_few_queries_however_many_areas(world, rolled, django_assert_max_num_queries):
    client = as_user(world.cheng)
    url = reverse("metrics:area", args=[world.city.code])
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
