"""Background work for tips: telling the reporter and the desk, reminding of overdue tips.

Runs in `manage.py db_worker`, never in a request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from xiangli.notifications.models import Notification
from xiangli.notifications.services import send_sms
from xiangli.people.models import User

from .models import PUBLIC_STEPS, StepKind, Tip, TipDesk, TipStep


def _reporter_message(tip: Tip, step: TipStep) -> str:
    args = {"code": tip.display_code, "product": tip.product, "note": step.note}
    messages = {
        StepKind.RECEIVED: _("Your report %(code)s (%(product)s) was received."),
        StepKind.ACCEPTED: _("Your report %(code)s was accepted and is being handled."),
        StepKind.REJECTED: _("Your report %(code)s was not accepted: %(note)s"),
        StepKind.INVESTIGATING: _("Your report %(code)s is being investigated."),
        StepKind.ANSWERED: _("Your report %(code)s has been answered: %(note)s"),
        StepKind.CLOSED: _("Your report %(code)s is closed."),
    }
    return str(messages.get(step.kind, "")) % args  # type: ignore[call-overload]


def _desk_message(tip: Tip, step: TipStep) -> str:
    if step.kind == StepKind.REMINDED:
        return _("Tip %(code)s (%(product)s) is overdue: please act on it.") % {
            "code": tip.display_code, "product": tip.product}
    return _("Tip %(code)s (%(product)s): %(step)s.") % {
        "code": tip.display_code, "product": tip.product, "step": step.get_kind_display()}


def _both(render: Callable[[Tip, TipStep], str], tip: Tip, step: TipStep) -> tuple[str, str]:
    with translation.override("zh-hans"):
        zh = render(tip, step)
    with translation.override("en"):
        en = render(tip, step)
    return zh, en


def _desk_members(tip: Tip) -> list[User]:
    """Members of every tip desk over the tip's area."""
    paths = [p for p in tip.area_path.split("/") if p]
    prefixes = ["/" + "/".join(paths[:n]) + "/" for n in range(1, len(paths) + 1)]
    ids = TipDesk.objects.filter(area__path__in=prefixes).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


@task()
def notify_tip_step(step_id: int) -> int:
    """Inbox messages and texts for one step of a tip. Returns how many were written."""
    step = TipStep.objects.select_related("tip").get(pk=step_id)
    tip = step.tip
    sent = 0
    if step.kind in PUBLIC_STEPS and (tip.reporter_phone or tip.reporter_id):
        zh, en = _both(_reporter_message, tip, step)
        if tip.reporter_id:
            Notification.objects.create(user_id=tip.reporter_id, message_zh=zh, message_en=en)
            sent += 1
        if tip.reporter_phone and not tip.anonymous:
            send_sms(phone=tip.reporter_phone, body=zh)
            sent += 1
    staff: list[User] = []
    if step.kind == StepKind.RECEIVED:
        staff = _desk_members(tip)
    elif step.kind in (StepKind.ASSIGNED, StepKind.REMINDED) and tip.handler_id:
        staff = list(User.objects.filter(pk=tip.handler_id, is_active=True))
    elif step.kind == StepKind.REMINDED:
        staff = _desk_members(tip)
    if staff:
        zh, en = _both(_desk_message, tip, step)
        Notification.objects.bulk_create([Notification(user=u, message_zh=zh, message_en=en) for u in staff])
        sent += len(staff)
    return sent


@task()
def remind_overdue_tips() -> str:
    """The periodic work of tips, for `manage.py tick`: reminders, and forgetting addresses."""
    from .services import forget_addresses, remind_overdue

    return f"{remind_overdue()} overdue tips reminded, {forget_addresses()} sender addresses forgotten"


# Queued by `manage.py tick`.
PERIODIC = [remind_overdue_tips]


def run_periodic() -> str:
    from .services import forget_addresses, remind_overdue

    return f"{remind_overdue()} overdue tips reminded, {forget_addresses()} sender addresses forgotten"
