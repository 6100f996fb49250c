"""Backup and restore, end to end on PostgreSQL: what was there comes back, files included."""

import shutil

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from xiangli.cases import services
from xiangli.cases.models import Attachment, Case

from .conftest import png_upload

# serialized_rollback like the other transactional tests: a plain flush would recreate content
# types under new ids and break the next test that reloads the serialized database.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql" or shutil.which("pg_dump") is None:
        pytest.skip("backup and restore are tested on PostgreSQL with pg_dump")


def test_a_backup_restores_the_cases_and_their_photos(world, postgres_only, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    case = services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension,
                                channel="walk_in", uploads=[png_upload()])
    photo = Attachment.objects.get().file.path
    original = open(photo, "rb").read()
    call_command("backup", out=str(tmp_path / "backups"), stdout=None)
    folder = next((tmp_path / "backups").iterdir())

    # Disaster: the case is lost and the photo with it.
    Case.objects.all().delete()
    shutil.rmtree(settings.MEDIA_ROOT)

    call_command("restore", str(folder), yes=True, stdout=None)
    restored = Case.objects.get(pk=case.pk)
    assert restored.resident.id_number == world.alice_resident.id_number  # encrypted values read back
    assert open(Attachment.objects.get(case=restored).file.path, "rb").read() == original


def test_restore_asks_to_be_sure(tmp_path):
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path))
