from django.contrib import admin

from xiangli.audit.admin_mixin import AuditedAdmin

from .models import HelpRule, HelpTask, Volunteer


@admin.register(Volunteer)
class VolunteerAdmin(AuditedAdmin):
    list_display = ["resident", "village", "is_active", "joined_at"]
    raw_id_fields = ["resident", "village", "registered_by"]


@admin.register(HelpRule)
class HelpRuleAdmin(AuditedAdmin):
    """The centre's rules: what each kind of help pays, and the most per volunteer per day."""

    list_display = ["village", "kind", "points_per_task", "points_per_hour", "daily_cap"]
    list_filter = ["kind"]
    raw_id_fields = ["village"]


@admin.register(HelpTask)
class HelpTaskAdmin(AuditedAdmin):
    list_display = ["created_at", "kind", "resident", "village", "state", "volunteer", "hours", "points"]
    list_filter = ["state", "kind"]
    raw_id_fields = ["resident", "village", "grid", "volunteer", "created_by", "confirmed_by"]
    readonly_fields = ["state", "volunteer", "hours", "points", "confirmed_at", "confirmed_by"]
