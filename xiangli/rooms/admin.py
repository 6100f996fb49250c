from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from xiangli.audit.admin_mixin import AuditedAdmin

from .models import Booking, Room


@admin.register(Room)
class RoomAdmin(AuditedAdmin):
    list_display = ["name", "centre", "seats", "opens_at", "closes_at", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "centre__name"]
    raw_id_fields = ["centre"]


@admin.register(Booking)
class BookingAdmin(AuditedAdmin):
    """Read-only here: bookings go through the booking service, which refuses overlaps."""

    list_display = ["room", "start", "end", "booked_for", "kind", "cancelled_at"]
    list_filter = ["kind"]
    raw_id_fields = ["room"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False
