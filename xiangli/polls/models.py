"""Village deliberation and votes (村内大事协商): a Poll, its options, and a secret ballot.

Secrecy is built into the tables. Who voted is a VoterRoll row (poll, resident);
what was chosen is only a count on each Option. No row per Ballot exists, so no
column, id, order or time can join a voter to a choice, for anyone who reads the
database, administrators included. A ballot updates the counts of *every* option
of its poll in one statement (adding 1 to one of them and 0 to the others), so
even PostgreSQL's row versions (xmin) and physical order look the same whichever
option was chosen.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Area
from xiangli.people.models import Resident, User


class PollKind(models.TextChoices):
    DELIBERATION = "deliberation", _("Village matter")
    MORAL_MODEL = "moral_model", _("Moral model election")


class Electorate(models.TextChoices):
    RESIDENTS = "residents", _("Residents of the village of the minimum age")
    HOUSEHOLD_HEADS = "household_heads", _("Heads of household of the village")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the centre")


class PollQuerySet(models.QuerySet["Poll"]):
    def in_areas(self, paths: list[str]) -> PollQuerySet:
        query = models.Q(pk__in=[])
        for path in paths:
            query |= models.Q(area_path__startswith=path)
        return self.filter(query)

    def due_for_results(self, now: dt.datetime) -> PollQuerySet:
        return self.filter(closes_at__lte=now, results_published_at__isnull=True)


class Poll(models.Model):
    """A topic the village council puts to a vote, with its electorate, window and quorum."""

    village = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("village"))
    area_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=PollKind.choices, default=PollKind.DELIBERATION)
    title = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    electorate = models.CharField(_("who may vote"), max_length=20, choices=Electorate.choices,
                                  default=Electorate.RESIDENTS)
    min_age = models.PositiveSmallIntegerField(_("minimum age on the closing day"), default=18)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    quorum_percent = models.PositiveSmallIntegerField(_("quorum (% of the electorate)"), default=50)
    created_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Written once, when the results are published at closing time.
    results_published_at = models.DateTimeField(null=True, blank=True)
    electorate_size = models.PositiveIntegerField(null=True, blank=True)
    turnout = models.PositiveIntegerField(null=True, blank=True)

    objects = PollQuerySet.as_manager()

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        indexes = [
            models.Index(fields=["village", "closes_at"], name="poll_village_closes"),
            models.Index(fields=["area_path"], name="poll_area_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["closes_at"], name="poll_due_results", condition=models.Q(
                results_published_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")),
                                   name="poll_closes_after_opens"),
            models.CheckConstraint(condition=models.Q(quorum_percent__gte=1, quorum_percent__lte=100),
                                   name="poll_quorum_percent"),
        ]

    def __str__(self) -> str:
        return self.title

    def status(self, now: dt.datetime | None = None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return "upcoming"
        if now < self.closes_at:
            return "open"
        return "closed"

    def is_open(self, now: dt.datetime | None = None) -> bool:
        return self.status(now) == "open"

    @property
    def closing_day(self) -> dt.date:
        return timezone.localtime(self.closes_at).date()

    @property
    def quorum_votes(self) -> int | None:
        """Votes needed for the result to count, once the electorate is known."""
        if self.electorate_size is None:
            return None
        return math.ceil(self.electorate_size * self.quorum_percent / 100)

    @property
    def quorum_met(self) -> bool | None:
        needed = self.quorum_votes
        if needed is None or self.turnout is None:
            return None
        return self.turnout >= needed

    @property
    def turnout_percent(self) -> float | None:
        if not self.electorate_size or self.turnout is None:
            return None
        return 100 * self.turnout / self.electorate_size


class Option(models.Model):
    """A choice on a poll; for a moral-model election, a nominated resident. Counts its votes."""

    poll = models.ForeignKey(Poll, models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=200)
    nominee = models.ForeignKey(Resident, models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("nominee"))
    sort = models.PositiveSmallIntegerField(default=0)
    # The only trace of the ballots: a count, raised with every other option's in one statement.
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["sort", "pk"]

    def __str__(self) -> str:
        return self.label


class VoterRoll(models.Model):
    """That a resident voted on a poll: once, never what they chose, and not when to the minute."""

    poll = models.ForeignKey(Poll, models.CASCADE, related_name="roll")
    resident = models.ForeignKey(Resident, models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    # The clerk who took a vote in person; blank when the resident voted on their phone.
    recorded_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    voted_on = models.DateField(default=timezone.localdate)

    class Meta:
        verbose_name = _("voter roll entry")
        verbose_name_plural = _("voter roll")
        constraints = [models.UniqueConstraint(fields=["poll", "resident"], name="one_vote_per_resident")]

    def __str__(self) -> str:
        return f"{self.poll_id}: {self.resident_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A voter roll entry is written once.")
        super().save(*args, **kwargs)
