"""Rating a quarter: scores from known figures, stars from the thresholds, ranks with ties and
movement, provisional and final quarters, and running it again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from xiangli.areas.models import Area, AreaKind, Centre
from xiangli.ratings import services
from xiangli.ratings.models import RatingRound, RatingScheme, StarRating
from xiangli.ratings.scoring import competition_ranks
from xiangli.ratings.tasks import rate_due

from .conftest import GOOD, Q2_DAY, TODAY, equip, put_day


def rating(area: Area, quarter: str = "2026-Q3") -> StarRating:
    return StarRating.objects.get(area=area, quarter=quarter)


def test_a_centre_is_scored_from_its_quarter_as_the_parts_say(q3):
    services.rate_quarter("2026-Q3", today=TODAY)
    a = rating(q3.village_a)
    assert a.score == Decimal("71.9")
    assert a.stars == 3  # 70 reached, 80 not
    points = {key: part["points"] for key, part in a.parts.items()}
    assert points == {"on_time": 80.0, "satisfaction": 87.5, "one_trip": 90.0, "activities": 50.0,
                      "training": 50.0, "volunteer": 100.0, "help": 25.0, "seven": 100.0, "four": 75.0,
                      "policy": 40.0}
    assert a.parts["satisfaction"]["value"] == 4.5
    assert a.parts["volunteer"]["value"] == 45.0 and a.parts["volunteer"]["target"] == 30
    assert a.parts["on_time"]["weight"] == 15 and a.parts["policy"]["weight"] == 5
    assert a.scheme == services.current_scheme()


def test_parts_with_nothing_to_measure_are_left_out_of_the_average(q3):
    services.rate_quarter("2026-Q3", today=TODAY)
    b = rating(q3.village_b)
    # No case done and no rating: the three rates are not counted; nobody eligible for a
    # policy is full coverage. 100 × 5 / (10+10+10+10+8+7+5) = 8.3.
    assert {k for k, p in b.parts.items() if not p["counted"]} == {"on_time", "satisfaction", "one_trip"}
    assert b.parts["on_time"]["value"] is None
    assert b.parts["policy"]["points"] == 100.0
    assert b.score == Decimal("8.3")
    assert b.stars == 0


def test_the_thresholds_decide_the_stars(q3):
    scheme = services.current_scheme()
    assert [scheme.stars_for(s) for s in (0, 39.9, 40, 54.9, 55, 70, 79.9, 80, 90, 100)] == [
        0, 0, 1, 1, 2, 3, 3, 4, 5, 5]
    services.save_scheme(scheme=RatingScheme(
        name="Strict", in_force=True, star_1=60, star_2=72, star_3=80, star_4=90, star_5=95))
    services.rate_quarter("2026-Q3", today=TODAY)
    assert rating(q3.village_a).stars == 1  # 71.9 now reaches only the first threshold


def test_centres_are_ranked_in_their_township_county_and_city_and_ties_share_a_rank(q3):
    services.rate_quarter("2026-Q3", today=TODAY)
    a, b, d = rating(q3.village_a), rating(q3.village_b), rating(q3.village_d)
    assert a.score == d.score
    assert (a.rank_township, b.rank_township, d.rank_township) == (1, 2, 1)  # D is alone in T2
    assert (a.rank_county, d.rank_county, b.rank_county) == (1, 1, 3)  # the tie skips rank 2
    assert (a.rank_city, d.rank_city, b.rank_city) == (1, 1, 3)
    assert a.township == q3.township and d.county == q3.county and b.city == q3.city


def test_competition_ranks_skip_after_ties():
    scores = {1: Decimal("90"), 2: Decimal("80"), 3: Decimal("80"), 4: Decimal("70"), 5: Decimal("90")}
    assert competition_ranks(scores) == {1: 1, 5: 1, 2: 3, 3: 3, 4: 5}


def test_movement_since_last_quarter_and_new_centres(q3):
    # Q2: B was the better of the two in township T.
    put_day(q3.village_b, Q2_DAY, **GOOD)
    services.rate_quarter("2026-Q2", today=TODAY)
    assert rating(q3.village_b, "2026-Q2").rank_township == 1
    # A new village joins township T after Q2.
    e = Area(code="410329101203", name="Village E", kind=AreaKind.VILLAGE, parent=q3.township)
    e.save()
    Centre.objects.create(area=e, name="Centre E")
    equip(e, seven=1, four=0)  # 14.3 × 8 + 100 × 5 over 60: 10.2, just above B's 8.3
    services.rate_quarter("2026-Q3", today=TODAY)
    a, b, new = rating(q3.village_a), rating(q3.village_b), rating(e)
    assert (a.previous_rank_township, a.rank_township) == (2, 1)  # up one
    assert (b.previous_rank_township, b.rank_township) == (1, 3)  # down two: E did slightly better
    assert new.previous_rank_township is None and new.previous_rank_city is None


def test_re_rating_last_quarter_moves_the_baseline_of_this_one(q3):
    services.rate_quarter("2026-Q2", today=TODAY)  # no figures: A's standing puts it first
    services.rate_quarter("2026-Q3", today=TODAY)
    assert rating(q3.village_b).previous_rank_township == 2
    put_day(q3.village_b, Q2_DAY, **GOOD)  # a late rollup changes Q2: B did well after all
    services.rate_quarter("2026-Q2", today=TODAY)
    assert rating(q3.village_b).previous_rank_township == 1
    assert rating(q3.village_a).previous_rank_township == 2


def test_rating_again_gives_the_same_ratings(q3):
    services.rate_quarter("2026-Q3", today=TODAY)
    columns = ("area_id", "score", "stars", "parts", "rank_township", "rank_county", "rank_city", "scheme_id")
    before = sorted(StarRating.objects.values_list(*columns), key=str)
    services.rate_quarter("2026-Q3", today=TODAY)
    assert sorted(StarRating.objects.values_list(*columns), key=str) == before
    assert StarRating.objects.count() == 3
    assert RatingRound.objects.get(quarter="2026-Q3").centres == 3


def test_a_running_quarter_is_rated_provisionally_up_to_today(q3):
    put_day(q3.village_a, dt.date(2026, 11, 2), **GOOD)
    put_day(q3.village_a, dt.date(2026, 12, 1), **GOOD)  # not yet: would be in the future
    rated = services.rate_quarter("2026-Q4", today=TODAY)
    assert rated.provisional and rated.last_day == TODAY
    a = StarRating.objects.get(area=q3.village_a, quarter="2026-Q4")
    assert a.provisional and a.parts["on_time"]["base"] == 10
    final = services.rate_quarter("2026-Q3", today=TODAY)
    assert not final.provisional and final.last_day == dt.date(2026, 9, 30)
    assert not rating(q3.village_a).provisional


@pytest.mark.parametrize("code", ["2027-Q1", "2026-Q5", "2026-11", "2026", "Q3", ""])
def test_future_or_malformed_quarters_are_refused_and_nothing_is_written(q3, code):
    with pytest.raises(ValidationError):
        services.rate_quarter(code, today=TODAY)
    assert not StarRating.objects.exists() and not RatingRound.objects.exists()


def test_a_final_quarter_keeps_its_scheme_and_the_running_one_takes_the_new(q3):
    old = services.current_scheme()
    services.rate_quarter("2026-Q3", today=TODAY)
    services.rate_quarter("2026-Q4", today=TODAY)
    new = services.save_scheme(scheme=RatingScheme(name="2027", in_force=True, star_3=75))
    services.rate_quarter("2026-Q3", today=TODAY)
    services.rate_quarter("2026-Q4", today=TODAY)
    assert rating(q3.village_a).scheme == old and rating(q3.village_a).stars == 3
    assert StarRating.objects.get(area=q3.village_a, quarter="2026-Q4").scheme == new
    old.refresh_from_db()
    assert not old.in_force and RatingScheme.objects.filter(in_force=True).get() == new


def test_a_village_without_a_centre_is_not_rated(q3):
    lone = Area(code="410329101299", name="No centre", kind=AreaKind.VILLAGE, parent=q3.township)
    lone.save()
    put_day(lone, dt.date(2026, 8, 1), **GOOD)
    services.rate_quarter("2026-Q3", today=TODAY)
    assert not StarRating.objects.filter(area=lone).exists()


def test_a_centre_with_fewer_functions_scores_their_share(q3):
    equip(q3.village_a, seven=5, four=1)
    services.rate_quarter("2026-Q3", today=TODAY)
    a = rating(q3.village_a)
    assert (a.parts["seven"]["value"], a.parts["seven"]["points"]) == (5, 71.4)
    assert (a.parts["four"]["value"], a.parts["four"]["points"]) == (1, 25.0)


def test_the_daily_task_rates_the_running_quarter_and_the_ended_one_once(q3):
    services.rate_quarter("2026-Q3", today=dt.date(2026, 9, 30))
    assert RatingRound.objects.get(quarter="2026-Q3").provisional
    # The first day of Q4: Q4 starts provisionally, Q3 waits for its last days' figures.
    assert "2026-Q4 provisional" in rate_due(dt.date(2026, 10, 1))
    assert RatingRound.objects.get(quarter="2026-Q3").provisional
    assert rate_due(dt.date(2026, 10, 1)) == "ratings: up to date"
    report = rate_due(dt.date(2026, 10, 3))
    assert "2026-Q3 final" in report and "2026-Q4 provisional" in report
    assert not rating(q3.village_a).provisional
    assert "2026-Q3" not in rate_due(dt.date(2026, 10, 4))


def test_the_daily_task_leaves_a_quarter_from_before_any_figures_alone(world):
    rate_due(dt.date(2026, 10, 5))
    assert list(RatingRound.objects.values_list("quarter", flat=True)) == ["2026-Q4"]
