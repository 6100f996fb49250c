"""The ranking and centre pages: who sees which area, what a village reads about its stars,
bad quarters, paging, and a fixed number of queries however many centres."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xiangli.areas.models import Area, AreaKind, Centre
from xiangli.metrics import periods
from xiangli.ratings import queries, services
from xiangli.ratings.models import RatingRound, StarRating

from .conftest import GOOD, TODAY, put_day


@pytest.fixture
def rated(q3):
    services.rate_quarter("2026-Q3", today=TODAY)
    return q3


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def page(user, url, **params):
    return client_for(user).get(url, params)


def ranking_url(area):
    return reverse("ratings:ranking", args=[area.code])


def centre_url(area):
    return reverse("ratings:centre", args=[area.code])


def test_the_township_sees_its_centres_ranked_with_stars_and_parts(rated):
    response = page(rated.tom, ranking_url(rated.township), quarter="2026-Q3")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Village A" in body and "Village B" in body and "Village D" not in body
    assert 'aria-label="3 stars"' in body and "71.9" in body
    assert "80.0%" in body  # A's on-time rate, one of the main parts shown
    assert centre_url(rated.village_a) + "?quarter=2026-Q3" in body
    assert 'id="ratings-chart"' in body and "echarts.common.min.js" in body


def test_the_county_ranks_across_townships_and_links_down_to_them(rated):
    body = page(rated.kate, ranking_url(rated.county), quarter="2026-Q3").content.decode()
    # A and D tie for first, both new to the ranking.
    assert body.count('<td>1</td><td><span class="move new">new</span>') == 2
    assert ranking_url(rated.township) + "?quarter=2026-Q3" in body
    assert ranking_url(rated.township2) + "?quarter=2026-Q3" in body
    result = queries.ranking(rated.county, periods.parse("2026-Q3", today=TODAY))
    by_township = {c.area: (c.centres, c.average, c.five_stars) for c in result.children}
    assert by_township == {rated.township: (2, Decimal("40.1"), 0), rated.township2: (1, Decimal("71.9"), 0)}


def test_the_star_counts_are_a_chart_and_a_table(rated):
    result = queries.ranking(rated.county, periods.parse("2026-Q3", today=TODAY))
    assert result.histogram == [(5, 0), (4, 0), (3, 2), (2, 0), (1, 0), (0, 1)]
    assert result.total == 3
    body = page(rated.kate, ranking_url(rated.county), quarter="2026-Q3").content.decode()
    assert '"counts": [0, 0, 2, 0, 0, 1]' in body


def test_movement_is_shown_as_arrows_with_words(rated):
    put_day(rated.village_b, dt.date(2026, 11, 3), **GOOD)
    services.rate_quarter("2026-Q4", today=TODAY)
    body = page(rated.tom, ranking_url(rated.township), quarter="2026-Q4").content.decode()
    assert "↑1" in body and "up 1 place" in body
    assert "↓1" in body and "down 1 place" in body


def test_a_village_reads_why_it_has_its_stars(rated):
    response = page(rated.sam, centre_url(rated.village_a), quarter="2026-Q3")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Score 71.9 of 100" in body
    for words in ("Done on time", "Satisfaction", "Policy coverage", "4.50 / 5", "6 / 12", "45.0 / 30", "7 / 7",
                  "3 / 4", "4 of 10 eligible enrolled"):
        assert words in body, words
    assert "<td>87.5</td><td>15</td>" in body  # satisfaction: points, weight
    assert "8.1 more points would make 4 stars." in body
    assert "Stars over the last quarters" in body


def test_parts_not_counted_say_so(rated):
    body = page(rated.oscar, centre_url(rated.village_b), quarter="2026-Q3").content.decode()
    assert body.count("not counted") >= 3 and "of 0 cases done" in body


def test_the_history_shows_the_stars_of_earlier_quarters(rated):
    services.rate_quarter("2026-Q2", today=TODAY)
    result = queries.centre(rated.village_a, periods.parse("2026-Q3", today=TODAY))
    assert [r.quarter for r in result.history] == ["2026-Q2", "2026-Q3"]
    assert result.rating is not None and result.rating.quarter == "2026-Q3"


@pytest.mark.parametrize(("who", "where", "status"), [
    ("tom", "township", 200), ("tom", "township2", 404), ("dora", "township", 404), ("kate", "county", 200),
    ("kate", "city", 404), ("cheng", "city", 200), ("audrey", "city", 200), ("andy", "township", 404),
    ("oscar", "township", 404), ("alice", "township", 404),
])
def test_only_those_who_serve_an_area_see_its_ranking(rated, who, where, status):
    assert page(getattr(rated, who), ranking_url(getattr(rated, where))).status_code == status


@pytest.mark.parametrize(("who", "village", "status"), [
    ("sam", "village_a", 200), ("andy", "village_a", 200), ("oscar", "village_a", 404), ("oscar", "village_b", 200),
    ("tom", "village_b", 200), ("dora", "village_a", 404), ("gina", "village_a", 404), ("alice", "village_a", 404),
    ("kate", "village_d", 200),
])
def test_only_those_who_serve_a_village_see_its_rating(rated, who, village, status):
    assert page(getattr(rated, who), centre_url(getattr(rated, village))).status_code == status


def test_the_centre_page_is_only_for_villages_and_anonymous_visitors_log_in(rated):
    assert page(rated.cheng, centre_url(rated.township)).status_code == 404
    assert page(rated.cheng, reverse("ratings:centre", args=["999999"])).status_code == 404
    response = page(None, ranking_url(rated.township))
    assert response.status_code == 302 and "/login/" in response.url


def test_a_village_code_in_the_ranking_address_leads_to_its_centre(rated):
    response = page(rated.sam, ranking_url(rated.village_a), quarter="2026-Q3")
    assert response.status_code == 302 and response.url == centre_url(rated.village_a) + "?quarter=2026-Q3"


def test_each_person_starts_from_their_own_area(rated):
    assert page(rated.kate, reverse("ratings:home")).url == ranking_url(rated.county)
    assert page(rated.sam, reverse("ratings:home")).url == centre_url(rated.village_a)
    assert page(rated.alice, reverse("ratings:home")).status_code == 404


@pytest.mark.parametrize(("code", "message"), [
    ("2026-Q9", "Give a quarter as its year and number, such as 2026-Q3."),
    ("2026-11", "Give a quarter as its year and number, such as 2026-Q3."),
    ("2099-Q1", "The period has not begun yet"),
])
def test_a_bad_or_future_quarter_is_explained_and_changes_nothing(rated, code, message):
    before = list(StarRating.objects.order_by("pk").values_list("pk", "rated_at"))
    for url in (ranking_url(rated.township), centre_url(rated.village_a)):
        body = page(rated.tom, url, quarter=code).content.decode()
        assert message in body and 'role="alert"' in body
        assert "Showing 2026-Q3 instead." in body
    assert list(StarRating.objects.order_by("pk").values_list("pk", "rated_at")) == before
    assert RatingRound.objects.count() == 1


def test_a_quarter_not_rated_yet_says_so(rated):
    body = page(rated.tom, ranking_url(rated.township), quarter="2026-Q1").content.decode()
    assert "2026-Q1 has not been rated yet." in body
    assert "echarts" not in body


def test_a_provisional_quarter_says_how_far_its_figures_go(rated):
    services.rate_quarter(periods.quarter(timezone.localdate()).code)
    body = page(rated.tom, ranking_url(rated.township)).content.decode()
    assert "Provisional" in body and f"{timezone.localdate():%Y-%m-%d}" in body


def many_centres(world, n):
    """n more villages with centres in township T, with made-up scores."""
    for i in range(n):
        village = Area(code=f"41032910130{i:02d}", name=f"Village {i:02d}", kind=AreaKind.VILLAGE,
                       parent=world.township)
        village.save()
        Centre.objects.create(area=village, name=f"Centre {i:02d}", functions=["convenience"] * (i % 2))
        put_day(village, dt.date(2026, 8, 1), activities_held=i % 13, help_tasks_done=i % 7)


def test_the_ranking_costs_the_same_few_queries_however_many_centres(rated, django_assert_max_num_queries):
    kate = client_for(rated.kate)
    with django_assert_max_num_queries(9) as few:
        kate.get(ranking_url(rated.county), {"quarter": "2026-Q3"})
    many_centres(rated, 40)
    services.rate_quarter("2026-Q3", today=TODAY)
    with django_assert_max_num_queries(9) as many:
        body = kate.get(ranking_url(rated.county), {"quarter": "2026-Q3"}).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "Village 39" in body


def test_the_centre_page_costs_a_fixed_few_queries(rated, django_assert_max_num_queries):
    services.rate_quarter("2026-Q2", today=TODAY)
    sam = client_for(rated.sam)
    with django_assert_max_num_queries(7):
        sam.get(centre_url(rated.village_a), {"quarter": "2026-Q3"})


def test_a_long_ranking_is_paged(rated, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 10)
    many_centres(rated, 25)
    services.rate_quarter("2026-Q3", today=TODAY)
    first = queries.ranking(rated.city, periods.parse("2026-Q3", today=TODAY), 1)
    third = queries.ranking(rated.city, periods.parse("2026-Q3", today=TODAY), "3")
    assert (first.total, first.pages, len(first.rows), len(third.rows)) == (28, 3, 10, 8)
    ranks = [r.rank for r in first.rows] + [r.rank for r in third.rows]
    assert ranks == sorted(ranks) and first.rows[0].rating.score == Decimal("71.9")
    assert queries.ranking(rated.city, periods.parse("2026-Q3", today=TODAY), "junk").page == 1
    assert queries.ranking(rated.city, periods.parse("2026-Q3", today=TODAY), 99).page == 3
    body = page(rated.cheng, ranking_url(rated.city), quarter="2026-Q3", page=2).content.decode()
    assert "Page 2 of 3" in body and 'rel="prev"' in body and 'rel="next"' in body
