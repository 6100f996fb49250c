"""Forms of the sampling pages. The checks that matter are in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangli.front.forms import Form

from .models import Result


class NominationForm(Form):
    item = forms.CharField(label=_("Which food should be tested?"), max_length=100)
    stall = forms.CharField(label=_("At which stall or shop? (optional)"), max_length=100, required=False)
    reason = forms.CharField(label=_("Why? (optional)"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class EventForm(Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    area = forms.TypedChoiceField(label=_("Area"), coerce=int)
    planned_on = forms.DateField(label=_("Planned for"), widget=forms.DateInput(attrs={"type": "date"}))


class BatchForm(Form):
    nomination = forms.TypedChoiceField(label=_("For nomination"), coerce=int, required=False, empty_value=None)
    item = forms.CharField(label=_("Food"), max_length=100)
    seller = forms.CharField(label=_("Seller"), max_length=100)
    sampled_on = forms.DateField(label=_("Sampled on"), widget=forms.DateInput(attrs={"type": "date"}))
    lab = forms.CharField(label=_("Lab"), max_length=100)
    result = forms.ChoiceField(label=_("Result"), choices=Result.choices, widget=forms.RadioSelect)
    failing_indicator = forms.CharField(label=_("Failing indicator (if it failed)"), max_length=200, required=False)
