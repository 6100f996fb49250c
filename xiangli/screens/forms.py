from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import pgettext_lazy


class LinkForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("screen", "Name of the screen"), max_length=60,
        help_text=pgettext_lazy("screen", "Where it hangs, e.g. Lobby TV."),
    )
    language = forms.ChoiceField(
        label=pgettext_lazy("screen", "Language shown"), choices=settings.LANGUAGES, initial="zh-hans"
    )
    valid_until = forms.DateField(
        label=pgettext_lazy("screen", "Valid until (optional)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=pgettext_lazy("screen", "Leave empty for a link that works until it is revoked."),
    )
