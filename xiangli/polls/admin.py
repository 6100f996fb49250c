"""Polls in the admin, to look only: a ballot is cast on the phone or at the counter,
and a poll changes on the desk before it opens. Options and the voter roll are not
shown here, so the admin offers no view that even seems to join the two."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xiangli.audit.admin_mixin import AuditedAdmin

from .models import Poll


@admin.register(Poll)
class PollAdmin(AuditedAdmin):
    list_display = ("title", "kind", "village", "opens_at", "closes_at", "turnout", "electorate_size")
    list_filter = ("kind",)
    list_select_related = ("village",)
    exclude = ("area_path",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
