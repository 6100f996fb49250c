"""Forms of the roster pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangli.people.models import Tag

from .sheets import MAX_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Roster (.xlsx)"),
                           help_text=_("At most 10 MB. The first row names the columns; empty cells keep what "
                                       "the registry has."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        # Refused before a byte of it is parsed.
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("This file is %(size)d MB; a roster may be at most %(max)d MB. Split it by village.")
                % {"size": upload.size // (1024 * 1024), "max": MAX_BYTES // (1024 * 1024)})
        return upload


class ExportFilterForm(forms.Form):
    area = forms.CharField(label=_("Area code (empty: all you serve)"), max_length=30, required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False,
                            choices=[("", _("— any —")), *Tag.choices])
    min_age = forms.IntegerField(label=_("Age from"), min_value=0, max_value=150, required=False)
    max_age = forms.IntegerField(label=_("Age up to"), min_value=0, max_value=150, required=False)
    full = forms.BooleanField(label=_("Full ID numbers and phones (logged)"), required=False)
    reason = forms.CharField(label=_("Why you need the full values"), max_length=200, required=False)
