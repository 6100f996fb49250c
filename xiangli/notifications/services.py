"""Queueing notifications. Web requests only write rows and enqueue tasks; the
worker renders and sends."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xiangli.people.models import Role, RoleAssignment, User

from .models import Notification, SmsMessage, SmsStatus

if TYPE_CHECKING:
    from xiangli.cases.models import Case, CaseEvent


def attachment(*, url: str, name_zh: str, name_en: str, bytes_zh: int = 0, bytes_en: int = 0) -> dict[str, Any]:
    """One entry of `Notification.attachments`: a file of this site, named and sized in both
    languages. Refuses (ValueError) an entry without a name or with a URL off the site, so a bad
    entry is never stored: the URL must be a path whose view serves the file and checks access."""
    # "//host/…" and "/\host/…" lead browsers off the site.
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        raise ValueError(f"An attachment is a path on this site, not {url!r}.")
    if not name_zh.strip() or not name_en.strip():
        raise ValueError("An attachment needs a name in each language.")
    sizes = (bytes_zh, bytes_en)
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in sizes):
        raise ValueError(f"An attachment's sizes are whole numbers of bytes, not {sizes!r}.")
    return {"url": url, "name_zh": name_zh.strip(), "name_en": name_en.strip(),
            "bytes_zh": bytes_zh, "bytes_en": bytes_en}


def send_sms(*, phone: str, body: str) -> SmsMessage:
    """Queue a text. It is sent by the worker; the row is the record of it."""
    from .tasks import deliver_sms

    sms = SmsMessage.objects.create(phone=phone, body=body)
    # The database task queue commits with the caller's transaction, so a
    # rolled-back action never sends a text.
    deliver_sms.enqueue(sms.pk)
    return sms


# A text still queued this long after its last try lost its delivery task (the
# immediate backend cannot wait to retry); one "sending" this long lost its worker.
STALE_QUEUED = dt.timedelta(minutes=2)
STALE_SENDING = dt.timedelta(minutes=10)


def requeue_stale_texts(*, now: dt.datetime | None = None) -> int:
    """Give stalled texts another delivery task. Returns how many were queued again.

    A text whose worker died while sending may, rarely, reach the phone twice:
    better than never, for a notice of a case step.
    """
    from .tasks import MAX_SMS_ATTEMPTS, deliver_sms

    now = now or timezone.now()
    SmsMessage.objects.filter(status=SmsStatus.SENDING, claimed_at__lt=now - STALE_SENDING).update(
        status=SmsStatus.QUEUED
    )
    cut = now - STALE_QUEUED
    stale = SmsMessage.objects.filter(status=SmsStatus.QUEUED, attempts__lt=MAX_SMS_ATTEMPTS).filter(
        models.Q(claimed_at__lt=cut) | models.Q(claimed_at__isnull=True, created_at__lt=cut)
    )
    count = 0
    for pk in stale.values_list("pk", flat=True).iterator(chunk_size=500):
        deliver_sms.enqueue(pk)
        count += 1
    return count


def notify_case_event(event: CaseEvent) -> None:
    from .tasks import notify_case_event as task

    task.enqueue(event.pk)


# Steps the resident hears about, and what they are told.
def _resident_message(case: Case, event: CaseEvent) -> str | None:
    from xiangli.cases.models import EventKind

    args = {"item": case.item.name, "number": case.number, "note": event.note}
    due = case.due_on.isoformat() if case.due_on else ""
    messages = {
        EventKind.CREATED: _("Your case %(number)s (%(item)s) has been received."),
        EventKind.ACCEPTED: _("Your case %(number)s (%(item)s) was accepted and will be done by %(due)s."),
        EventKind.MATERIALS_REQUESTED: _("Your case %(number)s needs more materials: %(note)s"),
        EventKind.MATERIALS_RECEIVED: _("The materials for case %(number)s were received; work continues."),
        EventKind.CARRIED: _("Your case %(number)s has been carried to %(note)s for you."),
        EventKind.DONE: _("Your case %(number)s (%(item)s) is done. Please rate the service."),
        EventKind.CLOSED: _("Your case %(number)s is closed."),
        EventKind.DECLINED: _("Your case %(number)s was declined: %(note)s"),
    }
    template = messages.get(event.kind)  # type: ignore[call-overload]
    if template is None:
        return None
    if event.kind == EventKind.CARRIED and not event.note:
        args["note"] = case.carried_to
    return str(template % {**args, "due": due})


def _staff_message(case: Case, event: CaseEvent) -> str:
    return _("Case %(number)s (%(item)s, %(name)s): %(step)s. %(note)s") % {
        "number": case.number,
        "item": case.item.name,
        "name": case.resident.name,
        "step": event.get_kind_display(),
        "note": event.note,
    }


def _staff_to_alert(case: Case, event: CaseEvent) -> list[User]:
    """Who among staff hears about this step: agents of new online cases, escalation targets."""
    from xiangli.cases.models import Channel, EventKind

    # Each escalation step names its level, so a level-1 alert delivered after the
    # township step was taken still goes to the secretary.
    if event.kind == EventKind.CREATED and case.channel == Channel.ONLINE:
        roles, area_ids = [Role.AGENT], [case.village_id]
    elif event.kind == EventKind.ESCALATED:
        roles, area_ids = [Role.SECRETARY], [case.village_id]
    elif event.kind == EventKind.ESCALATED_TOWNSHIP:
        township = case.village.parent_id
        roles, area_ids = [Role.TOWNSHIP_STAFF], [township] if township is not None else []
    else:
        return []
    user_ids = RoleAssignment.objects.filter(role__in=roles, area_id__in=area_ids).values("user_id")
    return list(User.objects.filter(pk__in=user_ids, is_active=True))


def _both_languages(render: object, *args: object) -> tuple[str, str]:
    with translation.override("zh-hans"):
        zh = render(*args)  # type: ignore[operator]
    with translation.override("en"):
        en = render(*args)  # type: ignore[operator]
    return zh, en


def deliver_case_event(event_id: int) -> int:
    """Inbox messages (and texts to the resident) for one case event. Returns how many."""
    from xiangli.cases.models import CaseEvent

    event = CaseEvent.objects.select_related("case__item", "case__resident", "case__village").get(pk=event_id)
    case = event.case
    sent = 0
    zh, en = _both_languages(_resident_message, case, event)
    if zh:
        Notification.objects.create(resident=case.resident, case=case, message_zh=zh, message_en=en)
        sent += 1
        if case.resident.phone:
            send_sms(phone=case.resident.phone, body=zh)
    staff = _staff_to_alert(case, event)
    if staff:
        zh, en = _both_languages(_staff_message, case, event)
        Notification.objects.bulk_create(
            [Notification(user=u, case=case, message_zh=zh, message_en=en) for u in staff]
        )
        sent += len(staff)
    return sent
