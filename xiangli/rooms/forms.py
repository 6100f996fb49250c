"""Forms of the room pages."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Centre
from xiangli.front.forms import Form

from .models import BookingKind


class BookingForm(Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    kind = forms.ChoiceField(label=_("For"), choices=BookingKind.choices, initial=BookingKind.ORGANISATION)
    booked_for = forms.CharField(label=_("Booked for"), max_length=150,
                                 help_text=_("Who uses the room: a club, a family, a meeting."))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class RoomForm(Form):
    centre = forms.ModelChoiceField(label=_("Centre"), queryset=Centre.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=2000, initial=30)
    uses = forms.CharField(label=_("Uses"), max_length=255, required=False)
    opens_at = forms.TimeField(label=_("Opens at"), initial=dt.time(8, 0),
                               widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    closes_at = forms.TimeField(label=_("Closes at"), initial=dt.time(21, 0),
                                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
