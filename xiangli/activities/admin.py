from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from xiangli.audit.admin_mixin import AuditedAdmin

from .models import Activity, Signup, VolunteerService


@admin.register(Activity)
class ActivityAdmin(AuditedAdmin):
    """Corrections only: activities are created at the desk, where the room is booked with them."""

    list_display = ["title", "kind", "centre", "start", "capacity", "cancelled_at"]
    list_filter = ["kind"]
    search_fields = ["title", "centre__name", "organiser"]
    raw_id_fields = ["centre", "room", "created_by"]
    list_select_related = ["centre"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Signup)
class SignupAdmin(AuditedAdmin):
    list_display = ["activity", "resident", "status", "checked_in_at", "walk_in"]
    list_filter = ["status", "walk_in"]
    raw_id_fields = ["activity", "resident", "created_by"]
    # Check-ins feed the activity's person-times; they are made at the door, not here.
    readonly_fields = ["status", "checked_in_at", "checked_in_by", "walk_in"]
    list_select_related = ["activity", "resident"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(VolunteerService)
class VolunteerServiceAdmin(AuditedAdmin):
    list_display = ["activity", "volunteer", "hours", "points_awarded_at"]
    raw_id_fields = ["activity", "volunteer", "recorded_by"]
    list_select_related = ["activity", "volunteer"]
