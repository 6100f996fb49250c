"""Background work: delivering notifications. Runs in `manage.py db_worker`, never in a request."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone
from django_tasks import task

from .models import SmsMessage, SmsStatus

MAX_SMS_ATTEMPTS = 5


@task()
def deliver_sms(sms_id: int) -> str:
    """Send one queued text; on a gateway failure try again later, with growing pauses."""
    from .sms import SmsError, backend

    # Claim the message so two workers never send it twice: only the worker
    # whose update moved it from queued to sending goes on.
    claimed = SmsMessage.objects.filter(pk=sms_id, status=SmsStatus.QUEUED).update(
        status=SmsStatus.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if claimed != 1:
        return "skipped"
    sms = SmsMessage.objects.get(pk=sms_id)
    sender = None
    try:
        sender = backend()
        result = sender.send(sms.phone, sms.body)
    except SmsError as exc:
        sms.error = str(exc)[:500]
        if sms.attempts >= MAX_SMS_ATTEMPTS:
            sms.status = SmsStatus.FAILED
            sms.save(update_fields=["error", "status"])
            return "failed"
        sms.status = SmsStatus.QUEUED
        sms.save(update_fields=["error", "status"])
        if not deliver_sms.get_backend().supports_defer:
            # A backend that runs tasks at once cannot wait before retrying
            # (and refuses run_after): the message stays queued, error noted.
            return "queued"
        delay = dt.timedelta(seconds=30 * 2**sms.attempts)
        deliver_sms.using(run_after=timezone.now() + delay).enqueue(sms_id)
        return "retry"
    sms.status = SmsStatus.SENT
    sms.backend = sender.name
    sms.provider_id = result.provider_id
    sms.sent_at = timezone.now()
    sms.error = ""
    sms.save(update_fields=["status", "backend", "provider_id", "sent_at", "error"])
    return "sent"


@task()
def notify_case_event(event_id: int) -> int:
    """Write the inbox messages and texts for one step of a case."""
    from .services import deliver_case_event

    return deliver_case_event(event_id)


@task()
def requeue_stale_texts() -> int:
    """Queue again the texts whose delivery task was lost or whose worker died."""
    from .services import requeue_stale_texts as requeue

    return requeue()


@task()
def prune_login_failures() -> int:
    from xiangli.people.throttle import prune

    return prune()


@task()
def purge_old_audit_entries() -> int:
    """Drop audit entries past AUDIT_RETENTION_DAYS (never under six months)."""
    from django.core.management import call_command

    call_command("purge_audit", verbosity=0)
    return 0


@task()
def escalate_overdue_cases() -> int:
    from xiangli.cases.services import escalate_overdue

    return escalate_overdue()


# Queued by `manage.py tick` (see its module for the convention).
PERIODIC = [escalate_overdue_cases, requeue_stale_texts, prune_login_failures, purge_old_audit_entries]


def run_periodic() -> str:
    """`tick --now`: the same work in the calling process (the audit purge stays with the workers)."""
    from xiangli.cases.services import escalate_overdue
    from xiangli.people.throttle import prune

    from .services import requeue_stale_texts as requeue

    return (
        f"{escalate_overdue()} cases escalated, {requeue()} texts queued again, "
        f"{prune()} old login failures removed"
    )
