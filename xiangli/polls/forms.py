"""Forms of the poll pages; the services check the values."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangli.front.forms import Form

from .models import Electorate, Option, PollKind

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class PollForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PollKind.choices)
    title = forms.CharField(label=_("Topic"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    options = forms.CharField(
        label=_("Options, one a line"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For a moral model election, one nominated resident a line: the name, or 姓名/户号 "
                    "when two share a name."),
    )
    electorate = forms.ChoiceField(label=_("Who may vote"), choices=Electorate.choices)
    min_age = forms.IntegerField(label=_("Minimum age on the closing day"), initial=18, min_value=16, max_value=120)
    opens_at = forms.DateTimeField(label=_("Opens"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    quorum_percent = forms.IntegerField(label=_("Quorum (% of those who may vote)"), initial=50,
                                        min_value=1, max_value=100)

    def option_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class PollChangeForm(PollForm):
    """What may change before a poll opens: everything but its kind and options."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        del self.fields["options"]


class VoteForm(Form):
    option = forms.ModelChoiceField(label=_("Your choice"), queryset=Option.objects.none(),
                                    widget=forms.RadioSelect, empty_label=None)

    def __init__(self, *args: Any, options: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = options  # type: ignore[attr-defined]


class CounterVoteForm(VoteForm):
    resident = forms.IntegerField(widget=forms.HiddenInput)
