from typing import Any

from django.core.management.base import BaseCommand

from xiangli.workdays.calendar import seed_from_library


class Command(BaseCommand):
    help = "Store China's statutory holidays and adjusted working days known to the chinese-calendar library."

    def handle(self, *args: Any, **options: Any) -> None:
        added = seed_from_library()
        self.stdout.write(f"{added} calendar exceptions added")
