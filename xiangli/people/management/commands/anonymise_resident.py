from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xiangli.people.models import Resident, User, phone_digest
from xiangli.people.rights import anonymise


class Command(BaseCommand):
    help = "Anonymise a resident who has left: identity erased, their cases kept for the statistics."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("resident_id", type=int)
        parser.add_argument("--by", required=True, help="the phone of the site administrator doing it")

    def handle(self, *args: Any, **options: Any) -> None:
        resident = Resident.objects.filter(pk=options["resident_id"]).first()
        if resident is None:
            raise CommandError("no resident with this id")
        admin = User.objects.filter(login_digest=phone_digest(options["by"]), is_superuser=True).first()
        if admin is None:
            raise CommandError("--by must be the phone of a site administrator")
        anonymise(resident, by=admin)
        self.stdout.write(f"resident {resident.pk} anonymised")
