"""Volunteers and the five helps (五帮): help tasks asked by elderly residents, done by volunteers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Area
from xiangli.people.models import Resident, User


class HelpKind(models.TextChoices):
    """The five helps."""

    JOB = "job", _("Medical visit or job help")
    CONSULT = "consult", _("Advice")
    SHOPPING = "shopping", _("Shopping")
    CLEANING = "cleaning", _("Cleaning")
    ERRAND = "errand", _("Errand")


class Volunteer(models.Model):
    """A resident registered as a volunteer of their village."""

    resident = models.OneToOneField(Resident, models.PROTECT, related_name="volunteer", verbose_name=_("resident"))
    village = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("village"))
    area_path = models.CharField(max_length=255, editable=False, default="")
    is_active = models.BooleanField(_("active"), default=True)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    registered_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        indexes = [models.Index(fields=["area_path"], name="volunteer_area", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.resident.name


class HelpRule(models.Model):
    """What a help task pays, set by the centre: per task, per hour, at most per volunteer per day."""

    village = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("village"))
    kind = models.CharField(_("kind of help"), max_length=12, choices=HelpKind.choices)
    points_per_task = models.PositiveIntegerField(_("points per task"), default=5)
    points_per_hour = models.PositiveIntegerField(_("points per hour"), default=10)
    daily_cap = models.PositiveIntegerField(_("most points per volunteer per day"), default=50)

    class Meta:
        verbose_name = _("help points rule")
        verbose_name_plural = _("help points rules")
        constraints = [models.UniqueConstraint(fields=["village", "kind"], name="one_help_rule_per_kind")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.kind}"


# What a task pays where the centre has set no rule.
DEFAULT_RULE = {"points_per_task": 5, "points_per_hour": 10, "daily_cap": 50}


class TaskState(models.TextChoices):
    OPEN = "open", _("Waiting for a volunteer")
    CLAIMED = "claimed", _("A volunteer is on the way")
    DONE = "done", _("Done, waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class TaskChannel(models.TextChoices):
    ONLINE = "online", _("On the phone page")
    HEART_CARD = "heart_card", _("Call to the heart card number")
    WALK_IN = "walk_in", _("At the centre")


OPEN_TASK_STATES = [TaskState.OPEN, TaskState.CLAIMED, TaskState.DONE]


class HelpTaskQuerySet(models.QuerySet["HelpTask"]):
    def in_areas(self, paths: list[str]) -> HelpTaskQuerySet:
        query = models.Q(pk__in=[])
        for path in paths:
            query |= models.Q(area_path__startswith=path)
        return self.filter(query)

    def nearest_first(self, volunteer: Volunteer) -> HelpTaskQuerySet:
        """Open tasks of the volunteer's village, those of their own grid first, oldest first."""
        grid_id = volunteer.resident.grid_id
        return (
            self.filter(village_id=volunteer.village_id, state=TaskState.OPEN)
            .exclude(resident_id=volunteer.resident_id)
            .annotate(far=models.Case(models.When(grid_id=grid_id, then=0), default=1,
                                      output_field=models.IntegerField()))
            .order_by("far", "created_at", "pk")
        )


class HelpTask(models.Model):
    """A help task (五帮任务): an elderly resident asks, a volunteer does it, someone else confirms."""

    resident = models.ForeignKey(Resident, models.PROTECT, related_name="help_tasks", verbose_name=_("asked by"))
    village = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("village"))
    grid = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("grid"))
    area_path = models.CharField(max_length=255, editable=False, default="")
    kind = models.CharField(_("kind of help"), max_length=12, choices=HelpKind.choices)
    note = models.CharField(_("what is needed"), max_length=300, blank=True)
    channel = models.CharField(_("asked"), max_length=12, choices=TaskChannel.choices, default=TaskChannel.ONLINE)
    state = models.CharField(_("state"), max_length=12, choices=TaskState.choices, default=TaskState.OPEN)
    volunteer = models.ForeignKey(
        Volunteer, models.PROTECT, null=True, blank=True, related_name="tasks", verbose_name=_("volunteer")
    )
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, default=Decimal("0"))
    points = models.PositiveIntegerField(_("points paid"), default=0)
    created_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")

    objects = HelpTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("help task")
        verbose_name_plural = _("help tasks")
        indexes = [
            models.Index(fields=["village", "state", "created_at"], name="helptask_open_queue"),
            models.Index(fields=["area_path", "state"], name="helptask_area_state",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
            models.Index(fields=["resident", "-created_at"], name="helptask_resident_recent"),
            models.Index(fields=["volunteer", "state"], name="helptask_volunteer_state"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.resident.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.area_path:
            self.area_path = (self.grid or self.village).path
        super().save(*args, **kwargs)

    @property
    def source_key(self) -> str:
        return f"helptask:{self.pk}"
