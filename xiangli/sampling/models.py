"""You nominate, we test (你点我检): residents propose what the market regulator samples.

Residents nominate a food or a stall in their township and support others'
nominations; the regulator sees the ranking, schedules a sampling event, and
records each batch with the lab's result. Results are public per area.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Area
from xiangli.people import scope
from xiangli.people.models import User


class Regulator(models.Model):
    """A member of the market regulator's staff for an area (a county or a township).

    There is no such role in the people app: this membership says who ranks
    nominations and records sampling in which area.
    """

    user = models.ForeignKey(User, models.CASCADE, related_name="regulator_of", verbose_name=_("account"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="regulators", verbose_name=_("area"))

    class Meta:
        verbose_name = _("market regulator")
        verbose_name_plural = _("market regulators")
        constraints = [models.UniqueConstraint(fields=["user", "area"], name="one_regulator_per_area")]

    def __str__(self) -> str:
        return f"{self.user.name} @ {self.area.name}"


def regulator_paths(user: Any) -> list[str]:
    """Area paths the user regulates, loaded once per request object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_xiangli_regulates", None)
    if cached is None:
        cached = list(Regulator.objects.filter(user=user).values_list("area__path", flat=True))
        user._xiangli_regulates = cached
    return cached


class ScopedQuerySet(models.QuerySet[Any]):
    def regulated_by(self, user: Any) -> Any:
        """Rows in the areas the user regulates; another county's are a 404."""
        if getattr(user, "is_superuser", False):
            return self
        return self.filter(scope.under(regulator_paths(user)))

    def in_area(self, area: Area) -> Any:
        return self.filter(area_path__startswith=area.path)


class NominationState(models.TextChoices):
    OPEN = "open", _("Open for support")
    SCHEDULED = "scheduled", _("Sampling scheduled")
    SAMPLED = "sampled", _("Sampled")


class Nomination(models.Model):
    """A food or a stall a resident wants sampled, in their township."""

    item = models.CharField(_("food"), max_length=100)
    stall = models.CharField(_("stall or shop"), max_length=100, blank=True)
    reason = models.TextField(_("why"), blank=True)
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("township"))
    area_path = models.CharField(max_length=255, editable=False)
    nominated_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("nominated by"))
    created_at = models.DateTimeField(_("nominated"), default=timezone.now)
    state = models.CharField(_("state"), max_length=10, choices=NominationState.choices,
                             default=NominationState.OPEN)
    # Kept in step with the Support rows in the same transaction, so ranking is one indexed sort.
    supports = models.PositiveIntegerField(_("supports"), default=0)
    event = models.ForeignKey("SamplingEvent", models.SET_NULL, null=True, blank=True, related_name="nominations")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        indexes = [
            models.Index(fields=["area_path", "state"], name="nomination_area_state",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.stall}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)


class Support(models.Model):
    """One resident's support for a nomination: at most one each."""

    nomination = models.ForeignKey(Nomination, models.CASCADE, related_name="support_rows")
    user = models.ForeignKey(User, models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["nomination", "user"], name="one_support_per_resident")]

    def __str__(self) -> str:
        return f"support {self.user_id} → {self.nomination_id}"


class SamplingEvent(models.Model):
    """A sampling round the regulator runs in an area: one day at a market, say."""

    title = models.CharField(_("title"), max_length=100)
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("area"))
    area_path = models.CharField(max_length=255, editable=False)
    planned_on = models.DateField(_("planned for"))
    created_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sampling event")
        verbose_name_plural = _("sampling events")
        indexes = [models.Index(fields=["area_path"], name="samplingevent_area",
                                opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)


class Result(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class Batch(models.Model):
    """One sampled batch and the lab's result: published for the area."""

    event = models.ForeignKey(SamplingEvent, models.CASCADE, related_name="batches")
    nomination = models.ForeignKey(Nomination, models.SET_NULL, null=True, blank=True, related_name="batches")
    item = models.CharField(_("food"), max_length=100)
    seller = models.CharField(_("seller"), max_length=100)
    sampled_on = models.DateField(_("sampled on"))
    lab = models.CharField(_("lab"), max_length=100)
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    failing_indicator = models.CharField(_("failing indicator"), max_length=200, blank=True)
    # Copied from the event so results per area are one prefix match.
    area_path = models.CharField(max_length=255, editable=False)
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sampled batch")
        verbose_name_plural = _("sampled batches")
        indexes = [models.Index(fields=["area_path"], name="batch_area", opclasses=["varchar_pattern_ops"]),
                   models.Index(fields=["sampled_on"], name="batch_sampled_on")]

    def __str__(self) -> str:
        return f"{self.item} ({self.seller})"
