from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Queue the escalation of overdue cases (run every few minutes from a timer)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", action="store_true", help="run in this process instead of queueing")

    def handle(self, *args: Any, **options: Any) -> None:
        from xiangli.notifications.tasks import escalate_overdue_cases

        if options["now"]:
            from xiangli.cases.services import escalate_overdue

            self.stdout.write(f"{escalate_overdue()} cases escalated")
        else:
            escalate_overdue_cases.enqueue()
            self.stdout.write("escalation queued")
