"""Scoring one centre: its quarter's figures → ten parts of 0–100 points → a weighted score
→ stars. Pure arithmetic on numbers already read, so it is the same in a test, a re-rating
and a village's own reckoning from what its rating page shows.

Points are rounded to one decimal and the score is computed from the rounded points, so
the page's numbers add up exactly. A rate part with nothing to measure (no case done, no
rating given) is "not counted": the score is the weighted average of the counted parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from xiangli.areas.models import BASIC_FUNCTIONS, FOUR_HAVES
from xiangli.metrics.queries import Figures

from .models import PART_KEYS, RatingScheme

TENTH = Decimal("0.1")
HUNDRED = Decimal(100)


def tenth(value: Decimal | float | int) -> Decimal:
    return Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP)


def share(part: int, whole: int) -> Decimal:
    """part/whole as points out of 100, at most 100."""
    return min(HUNDRED, Decimal(part) * HUNDRED / Decimal(whole))


@dataclass(frozen=True)
class CentreFacts:
    """What a centre's score is computed from, besides the quarter's figures."""

    functions: tuple[str, ...] = ()
    standards: tuple[str, ...] = ()
    policy_eligible: int = 0
    policy_enrolled: int = 0


@dataclass(frozen=True)
class Scored:
    score: Decimal
    stars: int
    parts: dict[str, dict[str, Any]]


def parts_of(figures: Figures, facts: CentreFacts, scheme: RatingScheme) -> dict[str, dict[str, Any]]:
    """Each part's value (as a person reads it), points (0–100), weight, and whether it counts."""
    weights = scheme.weights()
    targets = scheme.targets()
    out: dict[str, dict[str, Any]] = {}

    def put(key: str, value: float | int | None, points: Decimal | None, **extra: Any) -> None:
        out[key] = {
            "value": value, "points": None if points is None else float(tenth(points)),
            "weight": weights[key], "counted": points is not None, **extra,
        }

    done, rated = figures.done, figures.rated
    put("on_time", float(tenth(share(figures.done_on_time, done))) if done else None,
        share(figures.done_on_time, done) if done else None, base=done)
    average = Decimal(figures.rating_total) / Decimal(rated) if rated else None
    put("satisfaction",
        None if average is None else float(average.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
        None if average is None else (average - 1) * HUNDRED / 4, base=rated)
    put("one_trip", float(tenth(share(figures.one_trip, done))) if done else None,
        share(figures.one_trip, done) if done else None, base=done)
    counts = {
        "activities": Decimal(figures.activities_held),
        "training": Decimal(figures.training_person_times),
        "volunteer": Decimal(figures.volunteer_tenths) / 10,
        "help": Decimal(figures.help_tasks_done),
    }
    for key, count in counts.items():
        target = targets[key]
        value = float(count) if key == "volunteer" else int(count)
        put(key, value, min(HUNDRED, count * HUNDRED / Decimal(target)), target=target)
    seven = sum(1 for f in BASIC_FUNCTIONS if str(f) in facts.functions)
    put("seven", seven, share(seven, len(BASIC_FUNCTIONS)), base=len(BASIC_FUNCTIONS))
    four = sum(1 for s in FOUR_HAVES if str(s) in facts.standards)
    put("four", four, share(four, len(FOUR_HAVES)), base=len(FOUR_HAVES))
    eligible = facts.policy_eligible
    enrolled = min(facts.policy_enrolled, eligible)
    # Nobody left for a live policy to reach is full coverage.
    coverage = share(enrolled, eligible) if eligible else HUNDRED
    put("policy", float(tenth(coverage)), coverage, base=eligible, enrolled=enrolled)
    return {key: out[key] for key in PART_KEYS}


def score_of(parts: dict[str, dict[str, Any]]) -> Decimal:
    """The weighted average of the counted parts' rounded points, to one decimal."""
    total = sum((part["weight"] for part in parts.values() if part["counted"]), 0)
    if not total:
        return Decimal("0.0")
    weighted = sum(
        (Decimal(str(part["points"])) * part["weight"] for part in parts.values() if part["counted"]), Decimal(0))
    return tenth(weighted / Decimal(total))


def score(figures: Figures, facts: CentreFacts, scheme: RatingScheme) -> Scored:
    parts = parts_of(figures, facts, scheme)
    value = score_of(parts)
    return Scored(score=value, stars=scheme.stars_for(value), parts=parts)


def competition_ranks(scores: dict[int, Decimal]) -> dict[int, int]:
    """Rank by score, highest first; equal scores share a rank and the next rank skips
    (1, 2, 2, 4), as sports tables do."""
    ordered = sorted(scores.items(), key=lambda item: -item[1])
    ranks: dict[int, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[key] = rank
    return ranks
