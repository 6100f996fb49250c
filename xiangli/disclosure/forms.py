"""Forms of the disclosure pages. The service checks the values; these only parse them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangli.front.forms import Form, MultipleFileField

from .models import KIND_FIELDS, Direction, Kind
from .models import field_label as _label


class NoticeForm(Form):
    """The fields of one kind of item; `correction` adds the reason."""

    title = forms.CharField(label=_label("title"), max_length=200, required=False)
    month = forms.DateField(label=_label("month"), required=False, input_formats=["%Y-%m", "%Y-%m-%d"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    direction = forms.ChoiceField(label=_label("direction"), choices=[("", "—"), *Direction.choices], required=False)
    amount = forms.DecimalField(label=_label("amount"), max_digits=12, decimal_places=2, required=False)
    counterparty = forms.CharField(label=_label("counterparty"), max_length=200, required=False)
    budget = forms.DecimalField(label=_label("budget"), max_digits=14, decimal_places=2, required=False)
    contractor = forms.CharField(label=_label("contractor"), max_length=200, required=False)
    started_on = forms.DateField(label=_label("started_on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    progress = forms.IntegerField(label=_label("progress"), min_value=0, max_value=100, required=False)
    accepted_on = forms.DateField(label=_label("accepted_on"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    body = forms.CharField(label=_label("body"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    receipts = MultipleFileField(label=_("Photos or scans of receipts"))
    reason = forms.CharField(label=_label("reason"), max_length=300, required=False)

    def __init__(self, *args: Any, kind: str, correction: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = set(KIND_FIELDS[kind]) | ({"receipts"} if kind == Kind.FINANCE else set())
        if correction:
            keep.add("reason")
            self.fields["reason"].required = True
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]


class QuestionForm(Form):
    text = forms.CharField(label=_("Your question"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(Form):
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))
