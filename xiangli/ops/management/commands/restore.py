from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xiangli.ops.backup import restore


class Command(BaseCommand):
    help = "Replace the database and the uploaded files with a backup folder made by `manage.py backup`."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("folder")
        parser.add_argument("--yes", action="store_true", help="do it: everything now in the database is replaced")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("restoring replaces all current data; add --yes to go ahead")
        from xiangli.audit.services import record

        restore(Path(options["folder"]))
        # Written into the restored database: the trail shows the restore happened.
        record("ops.restored", actor=None, object_type="backup", object_repr=Path(options["folder"]).name)
        self.stdout.write("restored")
