"""Open311 clients in the admin: issued with a key shown once, revoked, limited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiangli.audit.admin_mixin import AuditedAdmin

from . import services
from .models import ApiClient, Submission


@admin.register(ApiClient)
class ApiClientAdmin(AuditedAdmin):
    """The key is made when the client is added and shown once in the message; only its hash is kept."""

    list_display = ["name", "key_prefix", "acting_user", "revoked", "per_minute", "per_hour", "last_used_at"]
    list_filter = ["revoked"]
    search_fields = ["name", "contact"]
    raw_id_fields = ["acting_user"]
    readonly_fields = ["key_prefix", "created_at", "last_used_at"]
    fields = ["name", "contact", "acting_user", "per_minute", "per_hour", "revoked",
              "key_prefix", "created_at", "last_used_at"]
    actions = ["revoke_keys", "rotate_keys"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        key = None if change else services.set_new_key(obj)
        super().save_model(request, obj, form, change)
        if key:
            messages.warning(request, _("The API key of %(name)s is %(key)s — copy it now: it is not shown again.")
                             % {"name": obj.name, "key": key})

    @admin.action(description=gettext_lazy("Revoke the keys of the chosen clients"))
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset.filter(revoked=False):
            services.revoke(client, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Revoked."))

    @admin.action(description=gettext_lazy("Issue new keys to the chosen clients (the old ones stop working)"))
    def rotate_keys(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            key = services.rotate_key(client, by=request.user)  # type: ignore[arg-type]
            messages.warning(request, _("The API key of %(name)s is %(key)s — copy it now: it is not shown again.")
                             % {"name": client.name, "key": key})


@admin.register(Submission)
class SubmissionAdmin(AuditedAdmin):
    """What clients filed, for looking up a token; staff decide on the desk pages, not here."""

    list_display = ["token", "client", "item", "village", "status", "submitted_at", "case"]
    list_filter = ["status"]
    list_select_related = ["client", "item", "village", "case"]
    search_fields = ["token"]
    exclude = ["phone"]
    readonly_fields = [f.name for f in Submission._meta.fields if f.name != "phone"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
