from django.contrib import admin

from xiangli.audit.admin_mixin import AuditedAdmin

from .models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ["day", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "day"
