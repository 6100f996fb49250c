from django.contrib import admin

from xiangli.audit.admin_mixin import AuditedAdmin

from .models import ServiceItem


@admin.register(ServiceItem)
class ServiceItemAdmin(AuditedAdmin):
    list_display = ["code", "name_zh", "category", "level", "promised_days", "fee", "online_allowed", "active"]
    list_filter = ["category", "level", "active", "online_allowed", "proxy_allowed"]
    search_fields = ["code", "name_zh", "name_en"]
