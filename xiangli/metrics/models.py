"""Rollups: what every centre did each day, summed up the area tree, so that supervisors'
pages, rankings and big screens read a few thousand rows instead of millions of cases.

`AreaDay` holds additive counts (a period is the sum of its days). `AreaStanding` holds
what is true now and cannot be summed over days (open and overdue cases, 七有 and 四有
coverage, policy coverage); it is refreshed by the tick.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Area

# The additive counters of AreaDay, in the order pages show them.
COUNTERS = (
    "received", "done", "done_on_time", "workdays_total", "one_trip", "rated", "rating_total",
    "activities_held", "training_person_times", "volunteer_tenths", "help_tasks_done",
)


class AreaDay(models.Model):
    """One area's figures for one day: a village's own, or the sum of the villages below."""

    area = models.ForeignKey(Area, models.CASCADE, related_name="+", verbose_name=_("area"))
    day = models.DateField(_("day"))
    received = models.PositiveIntegerField(_("cases received"), default=0)
    done = models.PositiveIntegerField(_("cases done"), default=0)
    done_on_time = models.PositiveIntegerField(_("done on time"), default=0)
    # Working days from acceptance to done, summed over the cases done that day.
    workdays_total = models.PositiveIntegerField(default=0)
    # Cases done for which the resident came at most once (最多跑一次).
    one_trip = models.PositiveIntegerField(_("done with at most one trip"), default=0)
    rated = models.PositiveIntegerField(_("ratings"), default=0)
    rating_total = models.PositiveIntegerField(default=0)
    activities_held = models.PositiveIntegerField(_("activities held"), default=0)
    training_person_times = models.PositiveIntegerField(_("training person-times"), default=0)
    # Volunteer hours in tenths, so that sums stay exact integers.
    volunteer_tenths = models.PositiveIntegerField(default=0)
    help_tasks_done = models.PositiveIntegerField(_("help tasks done"), default=0)

    class Meta:
        verbose_name = _("area day")
        verbose_name_plural = _("area days")
        constraints = [models.UniqueConstraint(fields=["area", "day"], name="areaday_one_per_day")]
        indexes = [models.Index(fields=["day", "area"], name="areaday_day_area")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.day}"


class AreaStanding(models.Model):
    """How an area stands now: the figures that are states, not flows."""

    area = models.OneToOneField(Area, models.CASCADE, primary_key=True, related_name="+")
    open_cases = models.PositiveIntegerField(_("open cases"), default=0)
    overdue_cases = models.PositiveIntegerField(_("overdue cases"), default=0)
    due_soon_cases = models.PositiveIntegerField(_("cases due soon"), default=0)
    centres = models.PositiveIntegerField(_("centres"), default=0)
    centres_seven = models.PositiveIntegerField(_("centres with all seven functions"), default=0)
    centres_four = models.PositiveIntegerField(_("centres meeting the four-haves standard"), default=0)
    policy_eligible = models.PositiveIntegerField(_("eligible for a live policy"), default=0)
    policy_enrolled = models.PositiveIntegerField(_("of whom enrolled"), default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("area standing")
        verbose_name_plural = _("area standings")

    def __str__(self) -> str:
        return str(self.area_id)


class RollupKind(models.TextChoices):
    DAYS = "days", _("Days")
    STANDING = "standing", _("Standing")
    POLICIES = "policies", _("Standing with policy coverage")


class RollupRun(models.Model):
    """When a rollup ran and how long it took: the supervisors' pages say how fresh they are,
    and the periodic task reads here what is due."""

    kind = models.CharField(max_length=10, choices=RollupKind.choices, default=RollupKind.DAYS)
    started_at = models.DateTimeField(default=timezone.now)
    first_day = models.DateField(null=True)
    last_day = models.DateField(null=True)
    seconds = models.FloatField(default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["kind", "-started_at"], name="rollup_recent")]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M}"
