"""The service list (服务事项清单): what a centre can do or carry for a resident."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Centre, CentreFunction
from xiangli.ops.orm import ChoiceLabels


def _english() -> bool:
    return (get_language() or "").startswith("en")


class HandlingLevel(models.TextChoices):
    VILLAGE = "village", pgettext_lazy("handling level", "Village")
    TOWNSHIP = "township", pgettext_lazy("handling level", "Township")
    COUNTY = "county", pgettext_lazy("handling level", "County")
    CITY = "city", pgettext_lazy("handling level", "City")


class ServiceItemQuerySet(models.QuerySet["ServiceItem"]):
    def offered_by(self, centre: Centre) -> ServiceItemQuerySet:
        """Active items the centre has not switched off."""
        return self.filter(active=True).exclude(
            pk__in=Centre.disabled_items.through.objects.filter(centre=centre).values("serviceitem_id")
        )


class ServiceItem(ChoiceLabels):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=CentreFunction.choices)
    department_zh = models.CharField(_("department (Chinese)"), max_length=50)
    department_en = models.CharField(_("department (English)"), max_length=80)
    materials_zh = models.JSONField(_("materials (Chinese)"), default=list)
    materials_en = models.JSONField(_("materials (English)"), default=list)
    level = models.CharField(_("handled at level"), max_length=10, choices=HandlingLevel.choices)
    handled_at_zh = models.CharField(_("where handled (Chinese)"), max_length=200)
    handled_at_en = models.CharField(_("where handled (English)"), max_length=250)
    fee = models.DecimalField(_("fee (yuan)"), max_digits=8, decimal_places=2, default=Decimal("0"))
    promised_days = models.PositiveSmallIntegerField(
        _("promised working days"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    proxy_allowed = models.BooleanField(_("a proxy agent may carry it"), default=True)
    online_allowed = models.BooleanField(_("may be applied for online"), default=True)
    active = models.BooleanField(_("active"), default=True)
    sort = models.PositiveIntegerField(default=0)

    objects = ServiceItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["category", "sort", "code"]
        indexes = [models.Index(fields=["active", "category", "sort"], name="item_active_category")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return self.name_en if _english() and self.name_en else self.name_zh

    @property
    def department(self) -> str:
        return self.department_en if _english() and self.department_en else self.department_zh

    @property
    def handled_at(self) -> str:
        return self.handled_at_en if _english() and self.handled_at_en else self.handled_at_zh

    @property
    def materials(self) -> list[str]:
        return list(self.materials_en if _english() and self.materials_en else self.materials_zh)
