"""Volunteer points: an append-only ledger, cached balances, monthly tallies, the points supermarket.

The ledger (`PointsEntry`) is the truth: every earn, spend, reversal and
adjustment is one row with its reason and actor, and no row is ever changed or
removed (the model, its queryset and the admin refuse; on PostgreSQL a trigger
refuses too). `PointsAccount` caches each person's balance and `MonthlyTally`
each volunteer's earnings per village and month, both written in the same
transaction as the ledger row, so that a balance and a leaderboard are one
indexed read; `manage.py check_points` recomputes both from the ledger.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Area
from xiangli.people.models import Resident, User


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a ledger row through the app."""


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    SPEND = "spend", _("Spent")
    REVERSAL = "reversal", _("Reversal")
    ADJUSTMENT = "adjustment", _("Adjustment")


class PointsAccount(models.Model):
    """One person's points: the balance and totals, cached from the ledger."""

    resident = models.OneToOneField(
        Resident, models.PROTECT, related_name="points_account", verbose_name=_("resident")
    )
    village = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("village"))
    area_path = models.CharField(max_length=255, editable=False, default="")
    balance = models.IntegerField(_("balance"), default=0)
    earned = models.IntegerField(_("points earned"), default=0)
    hours = models.DecimalField(_("hours"), max_digits=10, decimal_places=1, default=Decimal("0"))
    tasks = models.IntegerField(_("tasks done"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.CheckConstraint(condition=models.Q(balance__gte=0), name="points_balance_not_negative"),
        ]
        indexes = [
            models.Index(fields=["area_path"], name="points_account_area", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.resident.name}: {self.balance}"


class PointsEntryQuerySet(models.QuerySet["PointsEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("The points ledger is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        # Emptying an empty selection changes nothing, so it is no breach (the demo's reset does it).
        if not self.exists():
            return 0, {}
        raise AppendOnlyError("The points ledger is append-only.")


class PointsEntry(models.Model):
    """One line of the ledger (积分流水): points in (+) or out (−), why, and who wrote it."""

    account = models.ForeignKey(PointsAccount, models.PROTECT, related_name="entries", verbose_name=_("account"))
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    points = models.IntegerField(_("points"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=Decimal("0"))
    # 1 for a help task or an activity served, -1 for its reversal: the tally of tasks done.
    tasks = models.SmallIntegerField(default=0)
    reason = models.CharField(_("reason"), max_length=200)
    # What paid it ("helptask:12", "activity:3:resident:4", "redemption:7"): one payment per source.
    source = models.CharField(_("source"), max_length=80, null=True, blank=True, unique=True)
    reverses = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="reversed_by", verbose_name=_("reverses")
    )
    # The village and month whose leaderboard this counts toward (earnings and their reversals only).
    village = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("village"))
    tally_month = models.DateField(null=True, blank=True)
    actor = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = PointsEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [models.Index(fields=["account", "created_at"], name="points_entry_account_at")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.points:+d} {self.reason}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The points ledger is append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The points ledger is append-only.")


class MonthlyTally(models.Model):
    """A volunteer's earnings in one village and month: the rows of the leaderboard."""

    village = models.ForeignKey(Area, models.PROTECT, related_name="+")
    month = models.DateField()
    account = models.ForeignKey(PointsAccount, models.PROTECT, related_name="tallies")
    points = models.IntegerField(default=0)
    hours = models.DecimalField(max_digits=8, decimal_places=1, default=Decimal("0"))
    tasks = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("monthly tally")
        verbose_name_plural = _("monthly tallies")
        constraints = [
            models.UniqueConstraint(fields=["village", "month", "account"], name="one_tally_per_village_month"),
        ]
        indexes = [models.Index(fields=["village", "month", "-points"], name="tally_leaderboard")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.account_id}: {self.points}"


def month_of(when: dt.datetime | dt.date) -> dt.date:
    """The first day of the month (in local time) of a moment or a day."""
    if isinstance(when, dt.datetime):
        when = timezone.localtime(when).date()
    return when.replace(day=1)


class Reward(models.Model):
    """An item of a centre's points supermarket (积分超市): its price in points and its stock."""

    village = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("village"))
    area_path = models.CharField(max_length=255, editable=False, default="")
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    price = models.PositiveIntegerField(_("price in points"))
    stock = models.PositiveIntegerField(_("in stock"), default=0)
    is_active = models.BooleanField(_("on offer"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        constraints = [models.CheckConstraint(condition=models.Q(price__gt=0), name="reward_price_positive")]
        indexes = [models.Index(fields=["village", "is_active", "price"], name="reward_catalogue")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_path = self.village.path
        super().save(*args, **kwargs)


class RedemptionState(models.TextChoices):
    PENDING = "pending", _("Waiting to be collected")
    HANDED_OVER = "handed_over", _("Handed over")
    CANCELLED = "cancelled", _("Cancelled, points returned")


class Redemption(models.Model):
    """Points exchanged for a reward (积分兑换): collected at the centre against its code."""

    reward = models.ForeignKey(Reward, models.PROTECT, related_name="redemptions", verbose_name=_("reward"))
    account = models.ForeignKey(PointsAccount, models.PROTECT, related_name="redemptions", verbose_name=_("account"))
    area_path = models.CharField(max_length=255, editable=False, default="")
    points = models.PositiveIntegerField(_("points"))
    code = models.CharField(_("collection code"), max_length=12, unique=True)
    # The form's one-time key: a double tap on "redeem" redeems once.
    request_key = models.CharField(max_length=40, blank=True, default="")
    state = models.CharField(_("state"), max_length=12, choices=RedemptionState.choices,
                             default=RedemptionState.PENDING)
    created_at = models.DateTimeField(_("redeemed"), default=timezone.now)
    handed_over_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    handed_over_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        constraints = [
            models.UniqueConstraint(fields=["account", "request_key"], condition=~models.Q(request_key=""),
                                    name="one_redemption_per_request"),
        ]
        indexes = [models.Index(fields=["account", "-created_at"], name="redemption_account_recent")]

    def __str__(self) -> str:
        return f"{self.code} {self.reward_id}"
