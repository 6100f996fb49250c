"""China's working-day calendar: statutory holidays and the weekends worked in exchange (调休).

Only exceptions are stored: a weekday that is a holiday, or a weekend day that is
worked. Everything else follows Monday-to-Friday. The rows are seeded from the
chinese-calendar library and edited in the admin once the State Council publishes
a year the library does not know yet.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    day = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("e.g. National Day"))

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'+' if self.is_workday else '-'} {self.name}"
