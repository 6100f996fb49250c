"""Background work: telling residents about their sign-ups. Runs in the worker, never in a request."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from xiangli.notifications.models import Notification
from xiangli.notifications.services import send_sms

from .models import Activity, Signup, SignupStatus


def _both(render: object, *args: object) -> tuple[str, str]:
    with translation.override("zh-hans"):
        zh = render(*args)  # type: ignore[operator]
    with translation.override("en"):
        en = render(*args)  # type: ignore[operator]
    return zh, en


def _when(activity: Activity) -> str:
    return timezone.localtime(activity.start).strftime("%m-%d %H:%M")


def _promoted_text(signup: Signup) -> str:
    return _("A place came free: you now have a place at “%(title)s” on %(when)s.") % {
        "title": signup.activity.title, "when": _when(signup.activity)}


def _cancelled_text(activity: Activity) -> str:
    return _("“%(title)s” on %(when)s has been cancelled. Sorry for the trouble.") % {
        "title": activity.title, "when": _when(activity)}


@task()
def tell_promoted(signup_id: int) -> int:
    """Inbox message and text to a resident who moved up from the waiting list."""
    signup = Signup.objects.select_related("activity", "resident").filter(pk=signup_id).first()
    if signup is None or signup.status != SignupStatus.CONFIRMED:
        return 0
    zh, en = _both(_promoted_text, signup)
    Notification.objects.create(resident=signup.resident, message_zh=zh, message_en=en)
    if signup.resident.phone:
        send_sms(phone=signup.resident.phone, body=zh)
    return 1


def _reminder_text(signup: Signup) -> str:
    a = signup.activity
    return _("Reminder: “%(title)s” on %(when)s at %(where)s. Show your code at the door.") % {
        "title": a.title, "when": _when(a), "where": a.where}


@task()
def remind(signup_id: int) -> int:
    """The day-before reminder: inbox message and text to a resident with a place."""
    signup = Signup.objects.select_related("activity__room", "resident").filter(pk=signup_id).first()
    if signup is None or signup.status != SignupStatus.CONFIRMED or signup.activity.cancelled_at is not None:
        return 0
    zh, en = _both(_reminder_text, signup)
    Notification.objects.create(resident=signup.resident, message_zh=zh, message_en=en)
    if signup.resident.phone:
        send_sms(phone=signup.resident.phone, body=zh)
    return 1


@task()
def queue_activity_reminders() -> int:
    """For `manage.py tick`: queue the day-before reminders that are due."""
    from .services import queue_reminders

    return queue_reminders()


@task()
def tell_cancelled(activity_id: int) -> int:
    """Inbox messages to everyone with a place or on the waiting list of a cancelled activity."""
    activity = Activity.objects.get(pk=activity_id)
    zh, en = _both(_cancelled_text, activity)
    signups = Signup.objects.filter(activity=activity, status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITING])
    rows = [Notification(resident_id=s.resident_id, message_zh=zh, message_en=en) for s in signups]
    Notification.objects.bulk_create(rows)
    return len(rows)


# Queued by `manage.py tick` (every few minutes): the day-before reminders.
PERIODIC = [queue_activity_reminders]


def run_periodic() -> str:
    """`manage.py tick --now`: the same work in this process."""
    from .services import queue_reminders

    return f"{queue_reminders()} activity reminders queued"
