"""Forms of the tip pages. The checks that matter are in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Area, AreaKind
from xiangli.front.forms import Form, MultipleFileField, MultipleFileInput

from .models import Category, Outcome


def township_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Townships grouped under their counties, for a plain select that works without JavaScript."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for t in Area.objects.filter(kind=AreaKind.TOWNSHIP).select_related("parent").order_by("path"):
        county = t.parent.display_name if t.parent else ""
        groups.setdefault(county, []).append((t.pk, t.display_name))
    return list(groups.items())


class TipForm(Form):
    category = forms.ChoiceField(label=_("What kind of goods"), choices=Category.choices, widget=forms.RadioSelect)
    product = forms.CharField(label=_("Product (brand and name)"), max_length=100)
    description = forms.CharField(label=_("What is wrong with it"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    seller = forms.CharField(label=_("Who sold it (shop or person)"), max_length=100)
    place = forms.CharField(label=_("Where it was bought (market, street, village)"), max_length=200)
    township = forms.TypedChoiceField(label=_("Township"), coerce=int)
    bought_on = forms.DateField(label=_("When it was bought"), widget=forms.DateInput(attrs={"type": "date"}))
    photos = MultipleFileField(
        label=_("Photos (up to 5): the goods, the label, the receipt"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    anonymous = forms.TypedChoiceField(
        label=_("Your name"), coerce=lambda v: v == "yes", initial="yes", widget=forms.RadioSelect,
        choices=[("yes", _("Report anonymously: you get a tracking code and a secret")),
                 ("no", _("Give my name and phone: only the handler of the report sees them"))],
    )
    name = forms.CharField(label=_("Name (for a named report)"), max_length=50, required=False)
    phone = forms.CharField(label=_("Mobile phone (for a named report)"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [("", "—"), *township_choices()]  # type: ignore[attr-defined]


class TrackForm(Form):
    code = forms.CharField(label=_("Tracking code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
    secret = forms.CharField(label=_("Secret"), max_length=20,
                             widget=forms.PasswordInput(attrs={"autocomplete": "off"}))


class StepForm(Form):
    action = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Reason or answer (the reporter reads it)"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", "—"), *Outcome.choices])


class RevealForm(Form):
    reason = forms.CharField(label=_("Why do you need the reporter's details?"), max_length=200)


class AssignForm(Form):
    handler = forms.TypedChoiceField(label=_("Hand to"), coerce=int)
