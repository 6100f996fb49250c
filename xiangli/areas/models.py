"""The administrative tree: city → county → township → village → grid.

Every permission check asks "is this under that?", so each area stores its
materialised path ("/410300/410324/410324101/") and a subtree is one indexed
prefix match, with no recursion.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class AreaKind(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    TOWNSHIP = "township", _("Township / street")
    VILLAGE = "village", _("Village / community")
    GRID = "grid", _("Grid")


# Depth of each kind in the tree; a child is always exactly one level down.
KIND_DEPTH = {AreaKind.CITY: 0, AreaKind.COUNTY: 1, AreaKind.TOWNSHIP: 2, AreaKind.VILLAGE: 3, AreaKind.GRID: 4}


class AreaQuerySet(models.QuerySet["Area"]):
    def under(self, *areas: Area) -> AreaQuerySet:
        """Areas in the subtrees of the given areas, the areas themselves included."""
        query = models.Q(pk__in=[])
        for area in areas:
            query |= models.Q(path__startswith=area.path)
        return self.filter(query)

    def villages(self) -> AreaQuerySet:
        return self.filter(kind=AreaKind.VILLAGE)


class Area(models.Model):
    """One node of the administrative tree, identified by its official code."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=AreaKind.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    # "/410300/410324/": each ancestor's code then this one's, slash-terminated,
    # so that "/4103/" can never match "/410300/".
    path = models.CharField(max_length=255, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    is_community = models.BooleanField(
        _("urban community"), default=False, help_text=_("A community (社区) rather than a village (村).")
    )

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="area_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "name"], name="area_parent_name"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        self.depth = self.parent.depth + 1 if self.parent else 0
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    def contains(self, other: Area) -> bool:
        """True when `other` is this area or lies below it."""
        return other.path.startswith(self.path)

    def ancestor_codes(self) -> list[str]:
        return [c for c in self.path.split("/") if c]

    def ancestor(self, kind: str) -> Area | None:
        """The ancestor (or self) of the given kind, one query at most."""
        if self.kind == kind:
            return self
        codes = self.ancestor_codes()
        return Area.objects.filter(code__in=codes, kind=kind).first()

    def village(self) -> Area | None:
        return self.ancestor(AreaKind.VILLAGE)


class CentreFunction(models.TextChoices):
    """The seven basic functions of "7+N", then the common local extras."""

    CONVENIENCE = "convenience", _("Convenience services")
    CIVILISATION = "civilisation", _("Civilisation practice")
    TRAINING = "training", _("Skills training")
    DAYCARE = "daycare", _("Day care for the elderly")
    CHILDCARE = "childcare", _("Childcare")
    HEALTH = "health", _("Health")
    RURAL = "rural", _("Rural comprehensive services")
    ECOMMERCE = "ecommerce", _("E-commerce live-streaming")
    TOURISM = "tourism", _("Tourism services")


BASIC_FUNCTIONS = [
    CentreFunction.CONVENIENCE,
    CentreFunction.CIVILISATION,
    CentreFunction.TRAINING,
    CentreFunction.DAYCARE,
    CentreFunction.CHILDCARE,
    CentreFunction.HEALTH,
    CentreFunction.RURAL,
]


class CentreStandard(models.TextChoices):
    """The "four haves" (四有) every centre must reach: a place, people, rules and money."""

    PREMISES = "premises", _("Has premises")
    STAFF = "staff", _("Has staff")
    RULES = "rules", _("Has posted rules")
    FUNDS = "funds", _("Has running funds")


FOUR_HAVES = list(CentreStandard)


class Centre(models.Model):
    """The party-and-masses service centre (党群服务中心) of one village or community."""

    area = models.OneToOneField(Area, models.PROTECT, related_name="centre", verbose_name=_("village"))
    name = models.CharField(_("name"), max_length=150)
    address = models.CharField(_("address"), max_length=255, blank=True)
    hotline = models.CharField(_("hotline"), max_length=30, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    functions = models.JSONField(
        _("functions offered"), default=list, blank=True, help_text=_("Codes of the 7+N functions offered.")
    )
    standards = models.JSONField(
        _("standards met"), default=list, blank=True, help_text=_("Codes of the four haves (四有) the centre meets.")
    )
    disabled_items = models.ManyToManyField(
        "catalog.ServiceItem", blank=True, related_name="+", verbose_name=_("service items switched off")
    )

    class Meta:
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")

    def __str__(self) -> str:
        return self.name

    @property
    def has_all_seven(self) -> bool:
        """七有: the centre offers all seven basic functions."""
        return all(f in self.functions for f in BASIC_FUNCTIONS)

    @property
    def has_four(self) -> bool:
        """四有: the centre meets all four standards."""
        return all(s in self.standards for s in FOUR_HAVES)

    def function_labels(self) -> list[str]:
        labels = dict(CentreFunction.choices)
        return [str(labels.get(f, f)) for f in self.functions]
