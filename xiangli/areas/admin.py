from django.contrib import admin

from xiangli.audit.admin_mixin import AuditedAdmin

from .models import Area, Centre


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_en"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Centre)
class CentreAdmin(AuditedAdmin):
    list_display = ["name", "area", "hotline"]
    search_fields = ["name", "area__name", "area__code"]
    raw_id_fields = ["area"]
    filter_horizontal = ["disabled_items"]
    list_select_related = ["area"]
