from django.contrib import admin
from django.http import HttpRequest

from xiangli.audit.admin_mixin import AuditedAdmin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    """Signed-in devices, to revoke a lost phone's token. Tokens are made only by logging in."""

    list_display = ["user", "name", "created_at", "last_used_at"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["user", "name", "created_at", "last_used_at"]
    exclude = ["key_digest"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
