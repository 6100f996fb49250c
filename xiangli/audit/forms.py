"""The auditors' search form."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Area
from xiangli.people.models import phone_digest

from .models import AuditEntryQuerySet


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=_("Who (phone or name)"), required=False, max_length=50)
    action = forms.CharField(label=_("Action"), required=False, max_length=60,
                             help_text=_("For example case.accepted, or case. for every step of a case."))
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=60)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=40)
    area = forms.CharField(label=_("Area code"), required=False, max_length=20)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_area(self) -> Area | None:
        code = self.cleaned_data["area"].strip()
        if not code:
            return None
        area = Area.objects.filter(code=code).first()
        if area is None:
            raise ValidationError(_("No area has this code."))
        return area

    def filter(self, entries: AuditEntryQuerySet) -> AuditEntryQuerySet:
        """The entries matching every filled-in field."""
        data = self.cleaned_data
        if who := data.get("actor", "").strip():
            compact = "".join(who.split()).replace("-", "")
            if compact.lstrip("+").isdigit():
                try:
                    entries = entries.filter(actor__login_digest=phone_digest(compact))
                except ValidationError:
                    entries = entries.none()
            else:
                entries = entries.filter(actor_label__startswith=who)
        if action := data.get("action", "").strip():
            # "case." finds every step of a case; "case.accepted" that step only.
            if action.endswith("."):
                entries = entries.filter(action__startswith=action)
            else:
                entries = entries.filter(action=action)
        if object_type := data.get("object_type", "").strip():
            entries = entries.filter(object_type=object_type.lower())
        if object_id := data.get("object_id", "").strip():
            entries = entries.filter(object_id=object_id)
        if area := data.get("area"):
            entries = entries.filter(area_path__startswith=area.path)
        if day := data.get("date_from"):
            entries = entries.filter(at__gte=_start_of(day))
        if day := data.get("date_to"):
            entries = entries.filter(at__lt=_start_of(day + dt.timedelta(days=1)))
        return entries


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
