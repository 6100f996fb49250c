from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Case, CaseEvent


class EventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CaseEvent
    extra = 0
    readonly_fields = ["kind", "actor", "note", "at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    # Cases change only through their steps (the workbench and the API), so the
    # timeline stays true; the admin is for looking.
    list_display = ["id", "item", "resident", "village", "state", "due_on", "escalation_level"]
    list_filter = ["state", "channel", "escalation_level"]
    list_select_related = ["item", "resident", "village"]
    raw_id_fields = ["resident", "item", "centre", "village", "created_by", "agent"]
    inlines = [EventInline]
    show_full_result_count = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A case leaves only by anonymising its resident; its timeline is evidence.
        return False
