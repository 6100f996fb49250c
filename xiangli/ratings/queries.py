"""Reading the ratings: a ranking of the centres within an area, one centre's rating and its
history. A fixed handful of indexed queries whatever the number of centres."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xiangli.areas.models import Area, AreaKind
from xiangli.metrics.periods import Period
from xiangli.metrics.queries import children

from .models import LEVELS, PART_KEYS, PART_LABELS, STARS, RatingRound, StarRating

PAGE_SIZE = 100
HISTORY = 8  # quarters of a centre's history shown: two years
# The parts a ranking shows beside the score (all ten are on each centre's page).
MAIN_PARTS = ("on_time", "satisfaction", "one_trip", "activities")
# Rankings with areas below them to drill down to (a township's children are its centres).
WITH_CHILDREN = (AreaKind.CITY, AreaKind.COUNTY)


@dataclass
class Row:
    """One centre's line in a ranking."""

    rating: StarRating
    rank: int
    previous: int | None
    url: str = ""  # the centre's rating page, set by the view

    @property
    def movement(self) -> int | None:
        """Places gained since last quarter (negative: lost); None for a centre new to the ranking."""
        return None if self.previous is None else self.previous - self.rank

    def main_parts(self) -> list[dict[str, Any]]:
        parts = self.rating.parts or {}
        return [{"key": key, "label": PART_LABELS[key], **parts.get(key, {})} for key in MAIN_PARTS]


@dataclass
class Child:
    """A township (or county) below the area ranked, with how its centres did."""

    area: Area
    centres: int = 0
    average: Decimal | None = None
    five_stars: int = 0


@dataclass
class Ranking:
    area: Area
    period: Period
    round: RatingRound | None
    rows: list[Row] = field(default_factory=list)
    page: int = 1
    pages: int = 1
    total: int = 0
    # (stars, centres) for 5 stars down to none.
    histogram: list[tuple[int, int]] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)

    @property
    def level(self) -> str:
        return LEVELS[AreaKind(self.area.kind)]

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def rounds(limit: int = HISTORY) -> list[RatingRound]:
    """The quarters rated, newest first."""
    return list(
        RatingRound.objects.filter(rated_at__isnull=False).defer("summary").order_by("-quarter")[:limit])


def _page_number(page: int | str | None, pages: int) -> int:
    try:
        number = int(page or 1)
    except (TypeError, ValueError):
        number = 1
    return min(max(number, 1), pages)


def ranking(area: Area, period: Period, page: int | str | None = 1, *, size: int | None = None) -> Ranking:
    """The centres of a township, county or city for a quarter, best first, one page of them;
    how many centres have each number of stars; and the child areas to drill down to. Three
    queries whatever the number of centres: the counts were written with the ratings."""
    level = LEVELS[AreaKind(area.kind)]
    size = size or PAGE_SIZE
    rated = RatingRound.objects.filter(quarter=period.code, rated_at__isnull=False).select_related("scheme").first()
    result = Ranking(area=area, period=period, round=rated)
    if rated is None:
        return result
    summary = rated.summary or {}
    counts = summary.get(str(area.pk), {}).get("stars", [0] * 6)
    result.histogram = [(stars, counts[stars]) for stars in (*reversed(STARS), 0)]
    result.total = sum(counts)
    result.pages = max(1, -(-result.total // size))
    result.page = _page_number(page, result.pages)
    start = (result.page - 1) * size
    order = (f"rank_{level}", "area_id")
    # The page's rows are picked from the index alone, then joined: a late page of the city
    # does not join the thousands of rows before it.
    page_ids = (
        StarRating.objects.filter(quarter=period.code, **{f"{level}_id": area.pk})
        .order_by(*order).values("pk")[start:start + size]
    )
    ratings = StarRating.objects.filter(pk__in=page_ids).select_related("area", "township").order_by(*order)
    result.rows = [
        Row(rating=r, rank=r.rank_in(level), previous=r.previous_rank_in(level)) for r in ratings
    ]
    if area.kind in WITH_CHILDREN:
        for child in children(area):
            found = summary.get(str(child.pk))
            if found is None:
                result.children.append(Child(area=child))
                continue
            stars = found["stars"]
            result.children.append(Child(area=child, centres=sum(stars), average=Decimal(found["average"]),
                                         five_stars=stars[5]))
    return result


@dataclass
class CentreRating:
    village: Area
    period: Period
    rating: StarRating | None
    history: list[StarRating]

    def parts(self) -> list[dict[str, Any]]:
        stored = self.rating.parts if self.rating else {}
        return [{"key": key, "label": PART_LABELS[key], **stored[key]} for key in PART_KEYS if key in stored]

    def next_star(self) -> tuple[int, Decimal] | None:
        """The next star and the points still missing for it, if any is left."""
        if self.rating is None or self.rating.stars >= len(STARS):
            return None
        needed = self.rating.scheme.thresholds()[self.rating.stars]
        return self.rating.stars + 1, Decimal(needed) - self.rating.score

    def ranks(self) -> list[tuple[str, int, int | None]]:
        """(level, rank, last quarter's rank) in the township, county and city."""
        if self.rating is None:
            return []
        return [(level, self.rating.rank_in(level), self.rating.previous_rank_in(level))
                for level in ("township", "county", "city")]


def centre(village: Area, period: Period) -> CentreRating:
    """A centre's rating for the quarter (with its scheme) and its last two years of stars."""
    history = list(
        StarRating.objects.filter(area=village, quarter__lte=period.code)
        .select_related("scheme").order_by("-quarter")[:HISTORY]
    )
    rating = history[0] if history and history[0].quarter == period.code else None
    return CentreRating(village=village, period=period, rating=rating, history=history[::-1])
