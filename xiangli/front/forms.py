"""Forms of the resident pages and the agent workbench."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangli.cases.models import Channel


class Form(forms.Form):
    """Our forms: labels stand above their fields, with no colon (Django's is ASCII in Chinese too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos at once; the content checks are the case service's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class PasswordLoginForm(Form):
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, widget=forms.TextInput(
        attrs={"inputmode": "tel", "autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))


class CodeRequestForm(Form):
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, widget=forms.TextInput(
        attrs={"inputmode": "tel", "autocomplete": "tel"}))


class CodeLoginForm(CodeRequestForm):
    code = forms.CharField(label=_("Code from the text message"), max_length=6, min_length=6, widget=forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class OtpForm(Form):
    code = forms.CharField(label=_("Code from your authenticator app"), max_length=8, widget=forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}))


class ApplyForm(Form):
    description = forms.CharField(
        label=_("Anything the agent should know"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = MultipleFileField(label=_("Photos of your materials"))  # type: ignore[assignment]
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class IntakeForm(Form):
    """A walk-in, phone or home-visit case entered by staff."""

    item = forms.ChoiceField(label=_("Service"))
    channel = forms.ChoiceField(
        label=_("How the resident came"),
        choices=[(c.value, c.label) for c in Channel if c != Channel.ONLINE],
        initial=Channel.WALK_IN, widget=forms.RadioSelect,
    )
    description = forms.CharField(label=_("Note"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label=_("Photos of the materials"))  # type: ignore[assignment]
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "—")] + items  # type: ignore[attr-defined]


class ResidentForm(Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=20)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    grid = forms.ChoiceField(label=_("Grid"), required=False)
    household = forms.CharField(label=_("Household number"), max_length=30, required=False)

    def __init__(self, *args: Any, grids: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = [("", "—")] + grids  # type: ignore[attr-defined]


class StepForm(Form):
    action = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class RatingForm(Form):
    stars = forms.TypedChoiceField(
        label=_("How was the service?"), coerce=int, widget=forms.RadioSelect,
        choices=[(5, "★★★★★"), (4, "★★★★"), (3, "★★★"), (2, "★★"), (1, "★")],
        error_messages={"required": _("Please choose from 1 to 5 stars.")},
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class RevealForm(Form):
    field = forms.ChoiceField(choices=[("id_number", _("ID number")), ("phone", _("Phone"))],
                              widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why do you need it?"), max_length=200)
