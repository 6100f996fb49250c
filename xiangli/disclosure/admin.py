"""Disclosures in the admin: to look, never to rewrite. Changes go through the desk,
where a correction is a new version with its reason, on the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xiangli.audit.admin_mixin import AuditedAdmin

from .models import Notice, Question


class ReadOnly(AuditedAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnly):
    list_display = ("__str__", "kind", "village", "published_at")
    list_filter = ("kind",)
    list_select_related = ("current", "village")
    search_fields = ("versions__title",)


@admin.register(Question)
class QuestionAdmin(ReadOnly):
    list_display = ("__str__", "asker_label", "asked_at", "answered_at")
    list_select_related = ("notice",)
