from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xiangli.audit.admin_mixin import AuditedAdmin

from .models import SmsMessage


@admin.register(SmsMessage)
class SmsMessageAdmin(AuditedAdmin):
    list_display = ["created_at", "masked_phone", "status", "attempts", "backend"]
    list_filter = ["status", "backend"]
    exclude = ["phone"]
    readonly_fields = ["masked_phone", "body", "status", "attempts", "error", "sent_at", "provider_id", "backend"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
