"""Five-star ratings (五星支部) of the centres, quarter by quarter, and their rankings
(一季一排名).

The city sets how a quarter's figures become a score in a `RatingScheme` (weights of the
parts, star thresholds, targets); each `StarRating` keeps the parts it was scored from, so a
village sees why it has three stars even after the scheme has changed. One `RatingRound`
per quarter says when it was rated, with which scheme, and whether it is still provisional.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Area, AreaKind

# The parts of a score, in the order pages show them: (key, label, how it is measured).
# "rate" parts are a share of something that may not have happened this quarter (no case
# done, no rating); "target" parts compare a count with the scheme's target; "standing"
# parts are how the centre stands (its functions, its four haves, policy coverage).
PARTS: tuple[tuple[str, Any, str], ...] = (
    ("on_time", _("Done on time"), "rate"),
    ("satisfaction", _("Satisfaction"), "rate"),
    ("one_trip", _("At most one trip"), "rate"),
    ("activities", _("Activities held"), "target"),
    ("training", _("Training person-times"), "target"),
    ("volunteer", _("Volunteer hours"), "target"),
    ("help", _("Help tasks done"), "target"),
    ("seven", _("Seven basic functions (七有)"), "standing"),
    ("four", _("Four haves (四有)"), "standing"),
    ("policy", _("Policy coverage"), "standing"),
)
PART_KEYS = tuple(key for key, _label, _kind in PARTS)
PART_LABELS = {key: label for key, label, _kind in PARTS}
TARGET_PARTS = ("activities", "training", "volunteer", "help")
STARS = (1, 2, 3, 4, 5)

# What the city starts from (a data migration writes it; `services.current_scheme` too if
# every scheme has gone). Weights add up to 100; thresholds rise; targets are per quarter.
DEFAULT_SCHEME: dict[str, Any] = {
    "name": "默认方案", "name_en": "Default scheme",
    "weight_on_time": 15, "weight_satisfaction": 15, "weight_one_trip": 10,
    "weight_activities": 10, "weight_training": 10, "weight_volunteer": 10, "weight_help": 10,
    "weight_seven": 8, "weight_four": 7, "weight_policy": 5,
    "star_1": 40, "star_2": 55, "star_3": 70, "star_4": 80, "star_5": 90,
    "target_activities": 12, "target_training": 60, "target_volunteer": 30, "target_help": 12,
}


def _weight(key: str, label: Any) -> models.PositiveSmallIntegerField[int, int]:
    return models.PositiveSmallIntegerField(
        label, default=DEFAULT_SCHEME[f"weight_{key}"],
        validators=[MaxValueValidator(100, _("A weight is a whole number from 0 to 100."))],
    )


def _threshold(n: int, label: Any) -> models.PositiveSmallIntegerField[int, int]:
    return models.PositiveSmallIntegerField(
        label, default=DEFAULT_SCHEME[f"star_{n}"],
        validators=[MaxValueValidator(100, _("A threshold is a score from 0 to 100."))],
    )


def _target(key: str, label: Any, help_text: Any) -> models.PositiveIntegerField[int, int]:
    return models.PositiveIntegerField(
        label, help_text=help_text, default=DEFAULT_SCHEME[f"target_{key}"],
        validators=[MinValueValidator(1, _("A target must be at least 1."))],
    )


class RatingScheme(models.Model):
    """How the city turns a quarter's figures into a score and stars.

    One scheme is in force at a time; the older ones stay, because the quarters they rated
    name them. Each part scores 0–100; the score is their average weighted by the weights
    (whole numbers adding up to 100); a centre has N stars when its score reaches the
    threshold for N stars."""

    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    in_force = models.BooleanField(
        _("in force"), default=False,
        help_text=_("Ratings from now on use this scheme; putting it in force takes the previous one out."),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    weight_on_time = _weight("on_time", _("weight: done on time"))
    weight_satisfaction = _weight("satisfaction", _("weight: satisfaction"))
    weight_one_trip = _weight("one_trip", _("weight: at most one trip"))
    weight_activities = _weight("activities", _("weight: activities held"))
    weight_training = _weight("training", _("weight: training person-times"))
    weight_volunteer = _weight("volunteer", _("weight: volunteer hours"))
    weight_help = _weight("help", _("weight: help tasks done"))
    weight_seven = _weight("seven", _("weight: seven basic functions"))
    weight_four = _weight("four", _("weight: four haves"))
    weight_policy = _weight("policy", _("weight: policy coverage"))

    star_1 = _threshold(1, _("score for one star"))
    star_2 = _threshold(2, _("score for two stars"))
    star_3 = _threshold(3, _("score for three stars"))
    star_4 = _threshold(4, _("score for four stars"))
    star_5 = _threshold(5, _("score for five stars"))

    target_activities = _target(
        "activities", _("target: activities per quarter"), _("Activities held that score full points."))
    target_training = _target(
        "training", _("target: training person-times per quarter"), _("Training person-times that score full points."))
    target_volunteer = _target(
        "volunteer", _("target: volunteer hours per quarter"), _("Volunteer hours that score full points."))
    target_help = _target("help", _("target: help tasks per quarter"), _("Help tasks done that score full points."))

    class Meta:
        verbose_name = _("rating scheme")
        verbose_name_plural = _("rating schemes")
        ordering = ["-in_force", "-created_at"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    def weights(self) -> dict[str, int]:
        return {key: int(getattr(self, f"weight_{key}") or 0) for key in PART_KEYS}

    def thresholds(self) -> list[int]:
        """The score needed for 1, 2, 3, 4 and 5 stars."""
        return [int(getattr(self, f"star_{n}") or 0) for n in STARS]

    def targets(self) -> dict[str, int]:
        return {key: int(getattr(self, f"target_{key}") or 0) for key in TARGET_PARTS}

    def stars_for(self, score: Decimal | float) -> int:
        """Stars for a score: how many thresholds it reaches (none below the first)."""
        return sum(1 for t in self.thresholds() if score >= t)

    def threshold_rows(self) -> Iterator[tuple[int, int]]:
        return zip(STARS, self.thresholds(), strict=True)

    def clean(self) -> None:
        """The rules of a scheme, wherever it is saved from (the admin form or `services.save_scheme`)."""
        errors: dict[str, list[ValidationError]] = {}
        weights = self.weights()
        if any(getattr(self, f"weight_{k}") is None for k in PART_KEYS):
            pass  # the empty fields have their own "required" message
        elif sum(weights.values()) != 100:
            errors.setdefault(NON_FIELD_ERRORS, []).append(ValidationError(
                _("The weights add up to %(total)s; they must add up to exactly 100."),
                code="weights_total", params={"total": sum(weights.values())},
            ))
        thresholds = [getattr(self, f"star_{n}") for n in STARS]
        for n in STARS[1:]:
            low, high = thresholds[n - 2], thresholds[n - 1]
            if low is not None and high is not None and high <= low:
                errors.setdefault(f"star_{n}", []).append(ValidationError(
                    _("The score for %(stars)s stars (%(high)s) must be higher than for %(fewer)s (%(low)s)."),
                    code="thresholds_order", params={"stars": n, "high": high, "fewer": n - 1, "low": low},
                ))
        if self.pk and not self.in_force and RatingScheme.objects.filter(pk=self.pk, in_force=True).exists():
            errors.setdefault("in_force", []).append(ValidationError(
                _("One scheme must always be in force: put another scheme in force instead of taking this one out."),
                code="none_in_force",
            ))
        if errors:
            raise ValidationError(errors)


class StarRating(models.Model):
    """One centre's rating for one quarter: its score, stars, the parts they came from, and
    its rank among the centres of its township, county and city (and last quarter's)."""

    area = models.ForeignKey(Area, models.CASCADE, related_name="+", db_index=False, verbose_name=_("village"))
    quarter = models.CharField(_("quarter"), max_length=7)  # "2026-Q3": sorts in time order
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1)
    stars = models.PositiveSmallIntegerField(_("stars"))
    # {part: {"value", "points", "weight", "counted", and "base" or "target"}}, as it was scored.
    parts = models.JSONField(_("parts"), default=dict)
    scheme = models.ForeignKey(RatingScheme, models.PROTECT, related_name="ratings", verbose_name=_("scheme"))
    provisional = models.BooleanField(_("provisional"), default=False)
    rated_at = models.DateTimeField(_("rated"), default=timezone.now)
    # The village's township, county and city, so a ranking is one indexed range.
    township = models.ForeignKey(Area, models.CASCADE, related_name="+", db_index=False)
    county = models.ForeignKey(Area, models.CASCADE, related_name="+", db_index=False)
    city = models.ForeignKey(Area, models.CASCADE, related_name="+", db_index=False)
    rank_township = models.PositiveIntegerField(_("rank in the township"))
    rank_county = models.PositiveIntegerField(_("rank in the county"))
    rank_city = models.PositiveIntegerField(_("rank in the city"))
    previous_rank_township = models.PositiveIntegerField(null=True, blank=True)
    previous_rank_county = models.PositiveIntegerField(null=True, blank=True)
    previous_rank_city = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("star rating")
        verbose_name_plural = _("star ratings")
        constraints = [models.UniqueConstraint(fields=["area", "quarter"], name="rating_one_per_quarter")]
        indexes = [
            # A page of a ranking is read in index order, ties by village: no sort, whatever the size.
            models.Index(fields=["quarter", "city", "rank_city", "area"], name="rating_city_rank"),
            models.Index(fields=["quarter", "county", "rank_county", "area"], name="rating_county_rank"),
            models.Index(fields=["quarter", "township", "rank_township", "area"], name="rating_township_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.quarter}: {self.stars}"

    def rank_in(self, kind: str) -> int:
        return int(getattr(self, f"rank_{kind}"))

    def previous_rank_in(self, kind: str) -> int | None:
        value = getattr(self, f"previous_rank_{kind}")
        return None if value is None else int(value)


class RatingRound(models.Model):
    """That a quarter was rated: when, with which scheme, up to which day, and whether the
    rating is provisional (the quarter was still running) or final."""

    quarter = models.CharField(_("quarter"), max_length=7, unique=True)
    scheme = models.ForeignKey(
        RatingScheme, models.PROTECT, null=True, related_name="rounds", verbose_name=_("scheme"))
    provisional = models.BooleanField(_("provisional"), default=True)
    first_day = models.DateField(_("first day"), null=True)
    last_day = models.DateField(pgettext_lazy("rating", "figures up to"), null=True)
    rated_at = models.DateTimeField(_("rated"), null=True)
    centres = models.PositiveIntegerField(_("centres"), default=0)
    seconds = models.FloatField(default=0)
    # Per township, county and city (by area id): centres with 0…5 stars and the average
    # score, written with the ratings, so a ranking page counts nothing.
    summary = models.JSONField(default=dict, editable=False)

    class Meta:
        verbose_name = _("rated quarter")
        verbose_name_plural = _("rated quarters")
        ordering = ["-quarter"]

    def __str__(self) -> str:
        return self.quarter


# Levels a ranking is made within, by the kind of the area asked for.
LEVELS = {AreaKind.TOWNSHIP: "township", AreaKind.COUNTY: "county", AreaKind.CITY: "city"}
