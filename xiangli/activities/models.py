"""Activities and trainings: the weekly preview (一周活动预告), sign-ups (报名),
check-in at the door, and attendance counted in person-times (人次).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Centre


class ActivityKind(models.TextChoices):
    """What the article names: plays, doctors and teachers sent to the countryside (送戏送医送教),
    skills trainings, party lessons, culture and sports."""

    PLAY = "play", _("Play sent to the countryside")
    CLINIC = "clinic", _("Clinic sent to the countryside")
    CLASS = "class", _("Class sent to the countryside")
    SKILLS = "skills", _("Skills training")
    PARTY_LESSON = "party_lesson", _("Party lesson")
    CULTURE = "culture", _("Culture")
    SPORTS = "sports", _("Sports")
    OTHER = "other", _("Other")


# Kinds counted as trainings in the person-times report (the farmers' training total).
TRAINING_KINDS = {ActivityKind.SKILLS, ActivityKind.CLASS, ActivityKind.PARTY_LESSON}


class OrganiserKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    HIGHER_OFFICE = "higher_office", _("Higher office")
    CENTRE = "centre", _("The centre")


class ActivityQuerySet(models.QuerySet["Activity"]):
    def in_areas(self, paths: list[str]) -> ActivityQuerySet:
        query = models.Q(pk__in=[])
        for path in paths:
            query |= models.Q(area_path__startswith=path)
        return self.filter(query)

    def live(self) -> ActivityQuerySet:
        return self.filter(cancelled_at__isnull=True)


class Activity(models.Model):
    """One activity of a centre, at a time and place, with a capacity and an audience."""

    centre = models.ForeignKey(Centre, models.PROTECT, related_name="activities", verbose_name=_("centre"))
    title = models.CharField(_("title"), max_length=150)
    kind = models.CharField(_("kind"), max_length=15, choices=ActivityKind.choices)
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    room = models.ForeignKey("rooms.Room", models.PROTECT, null=True, blank=True, related_name="activities",
                             verbose_name=_("room"))
    booking = models.OneToOneField("rooms.Booking", models.SET_NULL, null=True, blank=True, related_name="activity",
                                   editable=False)
    place = models.CharField(_("place"), max_length=150, blank=True,
                             help_text=_("Where it is held, when not in a room of the centre."))
    # Text, not a link: organisations are their own app and higher offices have no record here.
    organiser = models.CharField(_("organiser"), max_length=150, blank=True)
    organiser_kind = models.CharField(_("organiser is"), max_length=15, choices=OrganiserKind.choices,
                                      default=OrganiserKind.CENTRE)
    capacity = models.PositiveIntegerField(_("places"))
    audience = models.CharField(_("for whom"), max_length=150, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    area_path = models.CharField(max_length=255, editable=False, default="")
    # Person-times (人次), kept by check-in under the activity's row lock, so that the
    # report sums one row per activity instead of counting every check-in.
    attended = models.PositiveIntegerField(_("person-times"), default=0, editable=False)
    walk_ins = models.PositiveIntegerField(_("of which walk-ins"), default=0, editable=False)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="activity_ends_after_start"),
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="activity_has_places"),
        ]
        indexes = [
            models.Index(fields=["centre", "start"], name="activity_centre_start"),
            models.Index(fields=["area_path", "start"], name="activity_area_start",
                         opclasses=["varchar_pattern_ops", "timestamptz_ops"]),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_path = self.centre.area.path
        super().save(*args, **kwargs)

    @property
    def where(self) -> str:
        return self.room.name if self.room_id and self.room else self.place

    @property
    def is_training(self) -> bool:
        return self.kind in TRAINING_KINDS


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Place confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    WALK_IN = "walk_in", _("Came without signing up")


class Signup(models.Model):
    """A resident's place (or place in the queue) at an activity, and whether they came."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="signups", verbose_name=_("activity"))
    resident = models.ForeignKey("people.Resident", models.CASCADE, related_name="signups",
                                 verbose_name=_("resident"))
    status = models.CharField(_("status"), max_length=10, choices=SignupStatus.choices)
    # The waiting list moves up in this order; signing up again after cancelling queues anew.
    queued_at = models.DateTimeField(default=timezone.now)
    by_staff = models.BooleanField(_("signed up at the counter"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                      related_name="+")
    # Came in without a confirmed place (not signed up, or still waiting): counted, but marked.
    walk_in = models.BooleanField(_("walk-in"), default=False)
    # Set when the day-before reminder was claimed, so two ticks never text twice.
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [models.UniqueConstraint(fields=["activity", "resident"], name="one_signup_per_resident")]
        indexes = [
            models.Index(fields=["activity", "status", "queued_at"], name="signup_queue"),
            models.Index(fields=["resident", "status"], name="signup_resident"),
        ]

    def __str__(self) -> str:
        return f"{self.resident} @ {self.activity}"

    @property
    def attended(self) -> bool:
        return self.checked_in_at is not None


class VolunteerService(models.Model):
    """A volunteer served at an activity for some hours; points are awarded for it once."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="volunteers", verbose_name=_("activity"))
    # The volunteer's registry record: points accounts belong to residents.
    volunteer = models.ForeignKey("people.Resident", models.PROTECT, related_name="activity_services",
                                  verbose_name=_("volunteer"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # Set when the points ledger accepted the award, so it is never paid twice.
    points_awarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("volunteer service")
        verbose_name_plural = _("volunteer services")
        constraints = [models.UniqueConstraint(fields=["activity", "volunteer"], name="one_service_per_volunteer")]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.activity}"

    @property
    def source_key(self) -> str:
        """The key the points ledger uses to pay this service once only."""
        return f"activity:{self.activity_id}:resident:{self.volunteer_id}"
