"""The "三自" organisations of a village: self-governance councils, recreation clubs, volunteer teams."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Area
from xiangli.people.models import Resident, Tag, User


class OrgKind(models.TextChoices):
    SELF_GOVERNANCE = "self_governance", _("Self-governance council")
    RECREATION = "recreation", _("Recreation club")
    VOLUNTEER_TEAM = "volunteer_team", _("Volunteer team")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def in_areas(self, paths: list[str]) -> OrganisationQuerySet:
        query = models.Q(pk__in=[])
        for path in paths:
            query |= models.Q(area_path__startswith=path)
        return self.filter(query)


class Organisation(models.Model):
    """A villagers' council, a club or a volunteer team, with its leader and members."""

    village = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("village"))
    area_path = models.CharField(max_length=255, editable=False, default="")
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    name = models.CharField(_("name"), max_length=100)
    purpose = models.CharField(_("what it does"), max_length=300, blank=True)
    leader = models.ForeignKey(Resident, models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("leader"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(fields=["village", "name"], name="one_org_name_per_village")]
        indexes = [models.Index(fields=["area_path", "kind"], name="org_area_kind",
                                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_path = self.village.path
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A resident belongs to an organisation; ended memberships are kept with their end date."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="memberships")
    resident = models.ForeignKey(Resident, models.PROTECT, related_name="memberships", verbose_name=_("member"))
    joined_on = models.DateField(_("joined"), default=timezone.localdate)
    left_on = models.DateField(_("left"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "resident"], condition=models.Q(left_on__isnull=True),
                                    name="one_current_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} in {self.organisation_id}"

    @property
    def is_party_member(self) -> bool:
        return Tag.PARTY_MEMBER in (self.resident.tags or [])


class OrgActivity(models.Model):
    """An activity an organisation held: the council met, the club performed, the team cleaned the lanes."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="activities")
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("what happened"), max_length=150)
    notes = models.TextField(_("notes"), blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    logged_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("organisation activity")
        verbose_name_plural = _("organisation activities")
        indexes = [models.Index(fields=["organisation", "-held_on"], name="orgactivity_recent")]

    def __str__(self) -> str:
        return self.title
