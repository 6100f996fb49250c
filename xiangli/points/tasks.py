"""Background work of points and help tasks: telling residents and volunteers. Never run in a request."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

# What a person is told, by key; rendered by the worker in both languages.
MESSAGES: dict[str, Any] = {
    "redeemed": _("You redeemed %(name)s. Show the code %(code)s at the centre to collect it."),
    "task_claimed": _("Volunteer %(volunteer)s will help you with: %(kind)s."),
    "task_done": _(
        "%(volunteer)s has finished helping you (%(kind)s). Please confirm on your phone or call the centre."
    ),
    "task_confirmed": _("Thank you! Your help (%(kind)s) was confirmed: %(points)s points and %(hours)s hours."),
}
# Keys also sent as a text: elderly people living alone often have no smartphone.
TEXTED = {"task_claimed"}


def _labels() -> dict[str, dict[str, Any]]:
    """Parameters sent as a choice's stored value ("cleaning"), shown as its label in each language.

    A label rendered by the sender would be in the sender's language: an English-speaking
    volunteer's "Cleaning" inside the resident's Chinese message.
    """
    from xiangli.volunteers.models import HelpKind

    return {"kind": dict(HelpKind.choices)}


def _render(key: str, params: dict[str, Any], language: str) -> str:
    labels = _labels()
    with translation.override(language):
        # A value that is no stored choice (a message queued before this) is shown as it came.
        values = {k: str(labels[k].get(v, v)) if k in labels else v for k, v in params.items()}
        return str(MESSAGES[key]) % values


@task()
def tell_resident(resident_id: int, key: str, params: dict[str, Any]) -> int:
    """An inbox message (and for some keys a text) to a resident. Returns how many were written."""
    from xiangli.notifications.models import Notification
    from xiangli.notifications.services import send_sms
    from xiangli.people.models import Resident

    resident = Resident.objects.filter(pk=resident_id).first()
    if resident is None or key not in MESSAGES:
        return 0
    zh, en = _render(key, params, "zh-hans"), _render(key, params, "en")
    Notification.objects.create(resident=resident, message_zh=zh, message_en=en)
    if key in TEXTED and resident.phone:
        send_sms(phone=resident.phone, body=zh)
        return 2
    return 1
