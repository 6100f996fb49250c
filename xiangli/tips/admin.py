from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xiangli.audit.admin_mixin import AuditedAdmin

from .models import Tip, TipDesk


@admin.register(TipDesk)
class TipDeskAdmin(AuditedAdmin):
    """Who works at which county's tip desk: set by the site administrator, each change audited."""

    list_display = ["user", "area"]
    raw_id_fields = ["user", "area"]
    list_select_related = ["user", "area"]


@admin.register(Tip)
class TipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    # Tips change only through their steps at the desk; the admin is for looking,
    # and never shows the reporter's identity.
    list_display = ["code", "category", "county", "state", "accept_due", "feedback_due"]
    list_filter = ["state", "category", "outcome"]
    list_select_related = ["county"]
    fields = readonly_fields = (
        "code", "category", "product", "seller", "place", "bought_on", "area", "county", "state", "outcome",
        "handler", "received_at", "accept_due", "feedback_due", "anonymous",
    )
    show_full_result_count = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
