"""Remove audit entries past their retention; at least six months are always kept."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangli.audit.models import MINIMUM_RETENTION_DAYS
from xiangli.audit.services import purge, retention_days


class Command(BaseCommand):
    help = "Delete audit entries older than AUDIT_RETENTION_DAYS (never fewer than 183 days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Keep this many days instead of the setting.")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else retention_days()
        if days < MINIMUM_RETENTION_DAYS:
            raise CommandError(
                f"The audit trail must be kept at least {MINIMUM_RETENTION_DAYS} days "
                f"(Cybersecurity Law, art. 21); refusing to keep only {days}."
            )
        removed = purge(older_than_days=days)
        self.stdout.write(f"Removed {removed} audit entries older than {days} days.")
