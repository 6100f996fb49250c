"""Shared rooms: "one room, many uses" (一室多用), booked by the hour (场地预约).

Two bookings of one room never overlap. PostgreSQL enforces it with an exclusion
constraint over the booking's time range (migration 0002); SQLite, whose writers
queue behind BEGIN IMMEDIATE, checks inside the booking's transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Centre
from xiangli.people import scope


class RoomQuerySet(models.QuerySet["Room"]):
    def in_areas(self, paths: list[str]) -> RoomQuerySet:
        return self.filter(scope.under(paths))


class Room(models.Model):
    """A room of a centre: a hall, a classroom, a reading room, used for many things."""

    centre = models.ForeignKey(Centre, models.PROTECT, related_name="rooms", verbose_name=_("centre"))
    name = models.CharField(_("name"), max_length=100)
    seats = models.PositiveIntegerField(_("seats"), default=30)
    uses = models.CharField(_("uses"), max_length=255, blank=True, help_text=_("What the room serves, e.g. "
                                                                               "classes, meetings, rehearsals."))
    opens_at = models.TimeField(_("opens at"), default=dt.time(8, 0))
    closes_at = models.TimeField(_("closes at"), default=dt.time(21, 0))
    is_active = models.BooleanField(_("in use"), default=True)
    # The centre's village path, copied so that scoping is one prefix match.
    area_path = models.CharField(max_length=255, editable=False, default="")

    objects = RoomQuerySet.as_manager()

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["centre_id", "name"]
        constraints = [models.UniqueConstraint(fields=["centre", "name"], name="room_name_per_centre")]
        indexes = [models.Index(fields=["area_path"], name="room_area", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_path = self.centre.area.path
        super().save(*args, **kwargs)


class BookingKind(models.TextChoices):
    ACTIVITY = "activity", _("Activity")
    ORGANISATION = "organisation", _("Organisation")
    RESIDENT = "resident", _("Resident")
    OTHER = "other", _("Other")


class BookingQuerySet(models.QuerySet["Booking"]):
    def active(self) -> BookingQuerySet:
        return self.filter(cancelled_at__isnull=True)

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> BookingQuerySet:
        """Bookings sharing any instant with [start, end): touching ends do not overlap."""
        return self.filter(start__lt=end, end__gt=start)


class Booking(models.Model):
    """One booking of a room for a stretch of time, for an activity, an organisation or a resident."""

    room = models.ForeignKey(Room, models.PROTECT, related_name="bookings", verbose_name=_("room"))
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    kind = models.CharField(_("for"), max_length=15, choices=BookingKind.choices, default=BookingKind.OTHER)
    booked_for = models.CharField(_("booked for"), max_length=150,
                                  help_text=_("Who uses the room: an activity, a club, a family."))
    note = models.CharField(_("note"), max_length=255, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("booked by"))
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    area_path = models.CharField(max_length=255, editable=False, default="")

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="booking_ends_after_start"),
        ]
        indexes = [models.Index(fields=["room", "start"], name="booking_room_start")]

    def __str__(self) -> str:
        return f"{self.room} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"

    @property
    def duration(self) -> dt.timedelta:
        return self.end - self.start
