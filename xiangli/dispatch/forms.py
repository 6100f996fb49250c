"""The form that asks for a month's report. The checks that matter are in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangli.front.forms import Form


class MonthForm(Form):
    # A month picker where the browser has one; elsewhere a text field that takes "2026-11".
    month = forms.CharField(
        label=_("Month"), max_length=20,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11", "pattern": r"\d{4}-\d{2}"}),
    )
