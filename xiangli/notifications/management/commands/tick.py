from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

# Each app lists its periodic work in its tasks.py, so no app edits this command:
#   PERIODIC = [a_task, …]            queued by `tick`, done by the task workers
#   def run_periodic() -> str: …      the same work done in this process (`tick --now`),
#                                     returning a line for the operator


def _task_modules() -> Iterator[Any]:
    for config in apps.get_app_configs():
        if not config.name.startswith("xiangli."):
            continue
        try:
            yield importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.tasks":
                raise


class Command(BaseCommand):
    help = (
        "Queue the periodic work of every app (escalating overdue cases, re-sending stalled texts, "
        "reminders…). Run it every few minutes from a timer; the task workers do the work."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", action="store_true", help="do the work in this process instead of queueing it")

    def handle(self, *args: Any, **options: Any) -> None:
        queued = 0
        for module in _task_modules():
            if options["now"]:
                run: Callable[[], str] | None = getattr(module, "run_periodic", None)
                if run is not None:
                    self.stdout.write(run())
            else:
                for periodic in getattr(module, "PERIODIC", []):
                    periodic.enqueue()
                    queued += 1
        if not options["now"]:
            self.stdout.write(f"{queued} periodic tasks queued")
