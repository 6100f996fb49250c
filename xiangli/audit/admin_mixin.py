"""Admin changes to people, roles, areas, centres, the service list and the calendar
are "settings": each add, change and delete in the admin goes to the audit trail.

Mix `AuditedAdmin` in before the ModelAdmin class. Values are taken from the
form (old from its initial data, new from its cleaned data), so the entry says
what changed, not just that something did; ID numbers, phones and passwords are
masked by `record()`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms import BaseForm, BaseModelFormSet
from django.http import HttpRequest

from .services import record

# Names in the trail for the models edited in the admin; others use their model name.
AUDIT_NAMES = {
    "people.user": "account",
    "people.resident": "resident",
    "people.roleassignment": "role",
    "areas.area": "area",
    "areas.centre": "centre",
    "catalog.serviceitem": "service_item",
    "workdays.calendarday": "calendar_day",
    "api.apitoken": "token",
    "notifications.smsmessage": "sms",
}


def audit_name(obj: models.Model) -> str:
    return AUDIT_NAMES.get(obj._meta.label_lower, obj._meta.model_name or "object")


def form_changes(form: BaseForm, *, added: bool) -> dict[str, list[Any]]:
    """{field: [old, new]} for each field the form changed."""
    return {
        name: [None if added else form.initial.get(name), form.cleaned_data.get(name)]
        for name in form.changed_data
    }


def field_values(obj: models.Model) -> dict[str, list[Any]]:
    """Every stored field of an object that is about to go, as [old, None]."""
    return {
        f.name: [getattr(obj, f.attname), None]
        for f in obj._meta.concrete_fields
        if not f.primary_key
    }


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changes = form_changes(form, added=not change)
        super().save_model(request, obj, form, change)
        # Written by log_addition / log_change, which run after the inlines are saved.
        pending = request.__dict__.setdefault("_xiangli_audit", {})
        pending[(obj._meta.label_lower, obj.pk)] = changes

    def _pending(self, request: HttpRequest, obj: models.Model) -> dict[str, Any] | None:
        pending: dict[Any, dict[str, Any]] = request.__dict__.get("_xiangli_audit", {})
        return pending.pop((obj._meta.label_lower, obj.pk), None)

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        record(f"{audit_name(obj)}.added", obj=obj, actor=request.user, changes=self._pending(request, obj))
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        changes = self._pending(request, obj)
        if changes is None:
            # Changed outside save_model (the password form): name the fields, never the values.
            fields = [f for part in message or [] for f in part.get("changed", {}).get("fields", [])]
            changes = {str(f): "***" for f in fields}
        if changes:
            record(f"{audit_name(obj)}.changed", obj=obj, actor=request.user, changes=changes)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        for obj in queryset:
            record(f"{audit_name(obj)}.deleted", obj=obj, actor=request.user, changes=field_values(obj))
        return super().log_deletions(request, queryset)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Inline rows (an account's roles) are recorded one by one, as role.added and so on."""
        if not isinstance(formset, BaseModelFormSet):
            super().save_formset(request, form, formset, change)
            return
        deleted = [(f.instance, field_values(f.instance)) for f in formset.deleted_forms if f.instance.pk]
        edits = [
            (f, form_changes(f, added=f.instance.pk is None))
            for f in formset.forms
            if f not in formset.deleted_forms and f.has_changed()
        ]
        for obj, values in deleted:
            record(f"{audit_name(obj)}.deleted", obj=obj, actor=request.user, changes=values)
        super().save_formset(request, form, formset, change)
        for f, changes in edits:
            verb = "added" if f.instance in formset.new_objects else "changed"
            record(f"{audit_name(f.instance)}.{verb}", obj=f.instance, actor=request.user, changes=changes)


class ShownOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """For rows only the services write (the audit trail, the points ledger, ratings): the
    admin shows them, and nobody, not even a superuser, adds, edits or deletes one there."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
