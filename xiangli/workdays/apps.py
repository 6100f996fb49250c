from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "xiangli.workdays"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from .calendar import forget
        from .models import CalendarDay

        # Each process keeps a copy of the calendar: an edit in the admin drops it.
        post_save.connect(forget, sender=CalendarDay, dispatch_uid="workdays-forget-saved")
        post_delete.connect(forget, sender=CalendarDay, dispatch_uid="workdays-forget-deleted")
