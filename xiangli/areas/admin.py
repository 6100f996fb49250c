from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xiangli.audit.admin_mixin import AuditedAdmin

from .models import Area, Centre, CentreFunction, CentreStandard


class CentreForm(forms.ModelForm[Centre]):
    """Functions and standards as checkboxes: a clerk should not have to type JSON."""

    functions = forms.MultipleChoiceField(
        label=_("functions offered"), choices=CentreFunction.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    standards = forms.MultipleChoiceField(
        label=_("standards met"), choices=CentreStandard.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Centre
        fields = ["area", "name", "address", "hotline", "opening_hours", "functions", "standards", "disabled_items"]


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_en"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Centre)
class CentreAdmin(AuditedAdmin):
    form = CentreForm
    list_display = ["name", "area", "hotline"]
    search_fields = ["name", "area__name", "area__code"]
    raw_id_fields = ["area"]
    filter_horizontal = ["disabled_items"]
    list_select_related = ["area"]
