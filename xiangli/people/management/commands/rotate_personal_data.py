from typing import Any

from django.core.management.base import BaseCommand

from xiangli.people.services import rotate_personal_data


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored ID number and phone under the first key of FIELD_ENCRYPTION_KEYS. "
        "Run it after putting a new key in front; then the old key can be removed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = rotate_personal_data()
        self.stdout.write(", ".join(f"{name}: {n}" for name, n in counts.items()))
