from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from xiangli.ops.backup import backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new folder (keys are NOT included: keep them apart)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", default="backups", help="where to put the backup folder")

    def handle(self, *args: Any, **options: Any) -> None:
        from xiangli.audit.services import record

        folder = backup(Path(options["out"]))
        record("ops.backup", actor=None, object_type="backup", object_repr=folder.name)
        self.stdout.write(str(folder))
