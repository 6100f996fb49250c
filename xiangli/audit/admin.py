
from django.contrib import admin

from .admin_mixin import ShownOnlyAdmin
from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ShownOnlyAdmin):
    """Read-only: no role, not even a superuser, adds, edits or deletes an entry."""

    list_display = ["at", "actor_label", "action", "object_type", "object_id", "object_repr", "ip"]
    list_filter = ["action"]
    search_fields = ["action", "object_type", "object_id", "actor_label", "object_repr"]
    date_hierarchy = "at"
    show_full_result_count = False
