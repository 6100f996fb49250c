from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Queue the periodic work: escalating overdue cases and re-sending stalled texts. "
        "Run it every few minutes from a timer; the task workers do the work."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", action="store_true", help="do the work in this process instead of queueing it")

    def handle(self, *args: Any, **options: Any) -> None:
        from xiangli.notifications.tasks import (
            escalate_overdue_cases,
            prune_login_failures,
            purge_old_audit_entries,
            requeue_stale_texts,
        )

        if options["now"]:
            from xiangli.cases.services import escalate_overdue
            from xiangli.notifications.services import requeue_stale_texts as requeue
            from xiangli.people.throttle import prune

            self.stdout.write(
                f"{escalate_overdue()} cases escalated, {requeue()} texts queued again, "
                f"{prune()} old login failures removed"
            )
        else:
            escalate_overdue_cases.enqueue()
            requeue_stale_texts.enqueue()
            prune_login_failures.enqueue()
            purge_old_audit_entries.enqueue()
            self.stdout.write("escalation and text re-sending queued")
