from django.contrib import admin

from xiangli.audit.admin_mixin import AuditedAdmin

from .models import Regulator


@admin.register(Regulator)
class RegulatorAdmin(AuditedAdmin):
    """Who works for the market regulator in which area: set by the site administrator, audited."""

    list_display = ["user", "area"]
    raw_id_fields = ["user", "area"]
    list_select_related = ["user", "area"]
