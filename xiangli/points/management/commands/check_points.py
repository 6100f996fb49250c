"""Recompute every points balance and monthly tally from the ledger; report where the caches differ."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xiangli.points.services import check_points


class Command(BaseCommand):
    help = "Check cached points balances and leaderboard tallies against the append-only ledger."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        mismatches = check_points()
        for m in mismatches[:200]:
            self.stdout.write(f"MISMATCH {m.what} {m.key}: cached {m.cached}, ledger {m.ledger}")
        seconds = time.monotonic() - started
        if mismatches:
            raise CommandError(f"{len(mismatches)} mismatches between the caches and the ledger ({seconds:.1f} s)")
        self.stdout.write(f"points ledger and caches agree ({seconds:.1f} s)")
