"""Rating the centres: the scheme in force, saving a scheme by its rules, and rating a quarter.

A quarter is rated from the rollups (`metrics.AreaDay` summed over the quarter's days, one
grouped query over the villages; `metrics.AreaStanding` for policy coverage) and each
centre's functions and four haves; never from the cases themselves.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangli.areas.models import AreaKind, Centre
from xiangli.metrics import periods
from xiangli.metrics.models import COUNTERS, AreaDay, AreaStanding
from xiangli.metrics.periods import Period
from xiangli.metrics.queries import Figures

from .models import DEFAULT_SCHEME, RatingRound, RatingScheme, StarRating
from .scoring import CentreFacts, competition_ranks, score, tenth

LEVEL_NAMES = ("township", "county", "city")
QUARTER_CODE = re.compile(r"\d{4}-[Qq][1-4]")


def quarter_period(code: str | Period, *, today: dt.date | None = None) -> Period:
    """The quarter a code such as "2026-Q3" names; a translated ValidationError for anything
    else, and for a quarter that has not begun."""
    text = code.code if isinstance(code, Period) else (code or "").strip()
    if not QUARTER_CODE.fullmatch(text):
        raise ValidationError(_("Give a quarter as its year and number, such as 2026-Q3."), code="quarter")
    return periods.parse(text, today=today)


def current_scheme() -> RatingScheme:
    """The scheme in force; the city's default, put in force, if there is none at all."""
    scheme = RatingScheme.objects.filter(in_force=True).order_by("-created_at").first()
    if scheme is None:
        scheme = RatingScheme.objects.order_by("-created_at").first()
    if scheme is None:
        scheme = save_scheme(scheme=RatingScheme(in_force=True, **DEFAULT_SCHEME))
    return scheme


@transaction.atomic
def save_scheme(*, scheme: RatingScheme) -> RatingScheme:
    """Check a scheme by its rules (weights add up to 100, thresholds rise, targets positive)
    and save it; put in force, it takes the previous scheme out. Nothing is saved when a
    rule is broken: the ValidationError names each."""
    scheme.full_clean()
    retire_other_schemes(keep=scheme)
    scheme.save()
    return scheme


def retire_other_schemes(*, keep: RatingScheme) -> int:
    """Before a scheme put in force is saved: take the others out of force (one at a time)."""
    if not keep.in_force:
        return 0
    return RatingScheme.objects.filter(in_force=True).exclude(pk=keep.pk).update(in_force=False)


def _village_figures(first: dt.date, last: dt.date) -> dict[int, Figures]:
    """Each village's sums over the days: one grouped query over the rollup."""
    rows = (
        AreaDay.objects.filter(day__gte=first, day__lte=last, area__kind=AreaKind.VILLAGE)
        .values("area_id").annotate(**{name: Sum(name) for name in COUNTERS}).order_by()
    )
    return {row["area_id"]: Figures.from_row(row) for row in rows}


@transaction.atomic
def rate_quarter(
    period: Period | str, *, today: dt.date | None = None, scheme: RatingScheme | None = None,
) -> RatingRound:
    """Rate every centre for the quarter, rank them within their township, county and city
    (equal scores share a rank), and return the quarter's round. A quarter still running is
    rated provisionally from its days so far. Running it again replaces the quarter's
    ratings with the same ones; a quarter rated final keeps the scheme it was rated with
    unless `scheme` is given."""
    today = today or timezone.localdate()
    period = quarter_period(period, today=today)
    began = time.perf_counter()
    RatingRound.objects.get_or_create(quarter=period.code)
    # One rating of a quarter at a time: the daily task and a person may start one together.
    rated = RatingRound.objects.select_for_update().get(quarter=period.code)
    if scheme is None:
        kept = rated.scheme if rated.scheme_id and not rated.provisional else None
        scheme = kept or current_scheme()
    provisional = period.last >= today
    last = min(period.last, today)
    now = timezone.now()

    figures = _village_figures(period.first, last)
    policy = {
        pk: (eligible, enrolled) for pk, eligible, enrolled in
        AreaStanding.objects.filter(area__kind=AreaKind.VILLAGE)
        .values_list("area_id", "policy_eligible", "policy_enrolled")
    }
    centres = (
        Centre.objects.filter(area__kind=AreaKind.VILLAGE)
        .values_list("area_id", "functions", "standards", "area__parent_id", "area__parent__parent_id",
                     "area__parent__parent__parent_id")
    )
    previous = {
        row[0]: row[1:] for row in StarRating.objects.filter(quarter=period.previous().code).values_list(
            "area_id", "township_id", "county_id", "city_id", "rank_township", "rank_county", "rank_city")
    }

    ratings: list[StarRating] = []
    for village, functions, standards, township, county, city in centres:
        if not (township and county and city):
            continue  # a village outside a full city tree cannot be ranked
        eligible, enrolled = policy.get(village, (0, 0))
        facts = CentreFacts(functions=tuple(functions or ()), standards=tuple(standards or ()),
                            policy_eligible=eligible, policy_enrolled=enrolled)
        scored = score(figures.get(village, Figures()), facts, scheme)
        ratings.append(StarRating(
            area_id=village, quarter=period.code, score=scored.score, stars=scored.stars, parts=scored.parts,
            scheme=scheme, provisional=provisional, rated_at=now, township_id=township, county_id=county,
            city_id=city, rank_township=0, rank_county=0, rank_city=0,
        ))
    _rank(ratings)
    for rating in ratings:
        before = previous.get(rating.area_id)
        if before is None:
            continue
        for n, level in enumerate(LEVEL_NAMES):
            # A rank moves only within the same township (county, city) as last quarter.
            if before[n] == getattr(rating, f"{level}_id"):
                setattr(rating, f"previous_rank_{level}", before[3 + n])

    StarRating.objects.filter(quarter=period.code).delete()
    StarRating.objects.bulk_create(ratings, batch_size=1000)
    _refresh_following(period)
    rated.scheme = scheme
    rated.provisional = provisional
    rated.first_day, rated.last_day = period.first, last
    rated.rated_at = now
    rated.centres = len(ratings)
    rated.summary = summarise(ratings)
    rated.seconds = time.perf_counter() - began
    rated.save()
    return rated


def summarise(ratings: list[StarRating]) -> dict[str, dict[str, Any]]:
    """For each township, county and city: how many centres have 0…5 stars, and their average
    score (to one decimal, as text)."""
    totals: dict[int, tuple[list[int], list[Decimal]]] = {}
    for rating in ratings:
        for level in LEVEL_NAMES:
            stars, scores = totals.setdefault(getattr(rating, f"{level}_id"), ([0] * 6, []))
            stars[rating.stars] += 1
            scores.append(rating.score)
    return {
        str(area): {"stars": stars, "average": str(tenth(sum(scores, Decimal(0)) / len(scores)))}
        for area, (stars, scores) in totals.items()
    }


def _rank(ratings: list[StarRating]) -> None:
    for level in LEVEL_NAMES:
        groups: dict[int, dict[int, Decimal]] = {}
        for i, rating in enumerate(ratings):
            groups.setdefault(getattr(rating, f"{level}_id"), {})[i] = rating.score
        for scores in groups.values():
            for i, rank in competition_ranks(scores).items():
                setattr(ratings[i], f"rank_{level}", rank)


def _refresh_following(period: Period) -> None:
    """A quarter re-rated after the next one was: the next one's movement is measured from
    these ranks (one UPDATE; a rank carries over only within the same township, county, city)."""
    following = periods.quarter(period.last + dt.timedelta(days=1)).code
    if connection.vendor == "postgresql":
        # The planner prices these 3 × 3,000 index look-ups high enough to JIT-compile them,
        # which takes seconds; run as they are, they take milliseconds.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
    now = StarRating.objects.filter(quarter=period.code, area_id=OuterRef("area_id"))
    StarRating.objects.filter(quarter=following).update(**{
        f"previous_rank_{level}": Subquery(
            now.filter(**{f"{level}_id": OuterRef(f"{level}_id")}).values(f"rank_{level}")[:1])
        for level in LEVEL_NAMES
    })
