"""Forms of the activity pages: creating an activity, the counter, the door."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Centre
from xiangli.front.forms import Form
from xiangli.rooms.models import Room

from .models import ActivityKind, OrganiserKind

LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityForm(Form):
    centre = forms.ModelChoiceField(label=_("Centre"), queryset=Centre.objects.none())
    title = forms.CharField(label=_("Title"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    start = forms.DateTimeField(label=_("Starts"), widget=LOCAL_INPUT)
    end = forms.DateTimeField(label=_("Ends"), widget=LOCAL_INPUT)
    room = forms.ModelChoiceField(label=_("Room of the centre"), queryset=Room.objects.none(), required=False)
    place = forms.CharField(label=_("Or another place"), max_length=150, required=False)
    organiser = forms.CharField(label=_("Organiser"), max_length=150, required=False,
                                help_text=_("An organisation or a higher office; empty means the centre."))
    organiser_kind = forms.ChoiceField(label=_("Organiser is"), choices=OrganiserKind.choices,
                                       initial=OrganiserKind.CENTRE)
    capacity = forms.IntegerField(label=_("Places"), min_value=0, max_value=10000, initial=30)
    audience = forms.CharField(label=_("For whom"), max_length=150, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]
        self.fields["room"].queryset = (  # type: ignore[attr-defined]
            Room.objects.filter(centre__in=centres, is_active=True).select_related("centre"))
        self.fields["room"].label_from_instance = lambda r: f"{r.centre.name} · {r.name}"  # type: ignore[attr-defined]


class CheckInForm(Form):
    token = forms.CharField(label=_("Scan the code"), max_length=200, required=False, widget=forms.TextInput(
        attrs={"autofocus": True, "autocomplete": "off"}))
    resident = forms.IntegerField(required=False, widget=forms.HiddenInput)


class VolunteerForm(Form):
    volunteer = forms.IntegerField(widget=forms.HiddenInput)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_value=24, decimal_places=1, initial=2)


class PeriodForm(Form):
    since = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
