from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: no role, not even a superuser, adds, edits or deletes an entry."""

    list_display = ["at", "actor_label", "action", "object_type", "object_id", "object_repr", "ip"]
    list_filter = ["action"]
    search_fields = ["action", "object_type", "object_id", "actor_label", "object_repr"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
