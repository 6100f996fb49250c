from django.contrib import admin

from .models import Area, Centre


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_en"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "area", "hotline"]
    search_fields = ["name", "area__name", "area__code"]
    raw_id_fields = ["area"]
    filter_horizontal = ["disabled_items"]
    list_select_related = ["area"]
