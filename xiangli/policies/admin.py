"""Policies in the admin, for site administrators: staff define them on the policy pages,
where the rule is validated; here a change is audited like any setting."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm

from xiangli.audit.admin_mixin import AuditedAdmin

from . import rules
from .models import Policy, PolicyEnrolment


class PolicyAdminForm(ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Policy
        fields = ["code", "name_zh", "name_en", "benefit", "documents", "rule", "area", "service_item", "status",
                  "created_by"]

    def clean_rule(self) -> Any:
        try:
            return rules.validate(self.cleaned_data["rule"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


@admin.register(Policy)
class PolicyAdmin(AuditedAdmin):
    form = PolicyAdminForm
    list_display = ["code", "name_zh", "area", "status", "last_run_at"]
    list_filter = ["status"]
    search_fields = ["code", "name_zh", "name_en"]
    raw_id_fields = ["area", "service_item", "created_by"]
    readonly_fields = ["last_run_at"]


@admin.register(PolicyEnrolment)
class PolicyEnrolmentAdmin(AuditedAdmin):
    list_display = ["policy", "resident", "status", "enrolled_on", "source"]
    list_filter = ["status", "source", "policy"]
    raw_id_fields = ["resident", "recorded_by"]
