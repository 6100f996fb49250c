"""ID numbers and phones never sit in the database in the clear, can still be
found by clerks, survive a key rotation, and are shown in full only with a log."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from xiangli.notifications.models import SmsMessage
from xiangli.notifications.services import send_sms
from xiangli.people.models import PersonalDataAccess, Resident, User
from xiangli.people.services import reveal


def raw_row(table: str, columns: str, pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def test_the_resident_table_holds_no_id_number_or_phone_in_the_clear(world):
    alice = world.alice_resident
    row = raw_row("people_resident", "id_number, phone, id_digest, phone_digest, name", alice.pk)
    stored = " ".join(str(v) for v in row)
    assert alice.id_number not in stored
    assert alice.id_number[6:14] not in stored  # not even the birth date
    assert "13800000001" not in stored and "8613800000001" not in stored
    # The lookup hashes are keyed: hashing every ID number would not reverse them.
    assert hashlib.sha256(alice.id_number.encode()).hexdigest() not in stored
    assert row[4] == "王秀英"


def test_the_account_and_text_tables_hold_no_phone_in_the_clear(world):
    sms = send_sms(phone="+8613800000001", body="测试")
    stored = " ".join(
        str(v)
        for v in raw_row("people_user", "phone, login_digest", world.alice.pk)
        + raw_row("notifications_smsmessage", "phone", sms.pk)
    )
    assert "13800000001" not in stored


def test_two_saves_of_the_same_value_look_different_in_the_database(world):
    carl = world.carl_resident
    first = raw_row("people_resident", "id_number", carl.pk)[0]
    carl.save()
    assert raw_row("people_resident", "id_number", carl.pk)[0] != first
    assert Resident.objects.get(pk=carl.pk).id_number == carl.id_number


def found(text: str) -> set[str]:
    return set(Resident.objects.search(text).values_list("name", flat=True))


def test_a_resident_is_found_by_full_id_number(world):
    number = world.alice_resident.id_number
    assert found(number) == {"王秀英"}
    assert found(f" {number[:6]} {number[6:14]} {number[14:].lower()} ") == {"王秀英"}


def test_a_partial_or_wrong_id_number_finds_nobody(world):
    number = world.alice_resident.id_number
    assert found(number[:17]) == set()
    assert found(number[:17] + ("0" if number[17] != "0" else "1")) == set()


@pytest.mark.parametrize("phone", ["13800000001", "138 0000 0001", "+86 138 0000 0001"])
def test_a_resident_is_found_by_phone_however_it_is_typed(world, phone):
    assert found(phone) == {"王秀英"}


def test_a_resident_is_found_by_phone_typed_with_dashes(world):
    assert found("138-0000-0001") == {"王秀英"}


@pytest.mark.parametrize("text", ["wxy", "WXY", "wx", "w"])
def test_a_resident_is_found_by_pinyin_initials(world, text):
    assert "王秀英" in found(text)
    assert "李建国" not in found(text)


def test_a_resident_is_found_by_the_start_of_the_name(world):
    assert found("王秀") == {"王秀英"}
    assert found("李") == {"李建国"}
    assert found("秀英") == set()
    assert found("   ") == set()


def test_values_written_with_the_old_key_still_read_after_a_new_key_is_added(world, settings):
    alice_id = world.alice_resident.id_number
    settings.FIELD_ENCRYPTION_KEYS = ["new", "test-key-one"]
    alice = Resident.objects.get(pk=world.alice_resident.pk)
    assert alice.id_number == alice_id and alice.phone == "+8613800000001"
    assert User.objects.get(pk=world.alice.pk).phone == "+8613800000001"
    # Found by the same lookup hash: rotating the encryption key does not touch it.
    assert found(alice_id) == {"王秀英"}
    # Saving re-encrypts under the new key, readable once the old key is gone.
    alice.save()
    settings.FIELD_ENCRYPTION_KEYS = ["new"]
    assert Resident.objects.get(pk=alice.pk).id_number == alice_id


def test_a_value_whose_key_was_removed_cannot_be_read(world, settings):
    settings.FIELD_ENCRYPTION_KEYS = ["another-key"]
    with pytest.raises(ValueError, match="cannot be decrypted"):
        Resident.objects.get(pk=world.alice_resident.pk)


@pytest.mark.parametrize("name", ["andy", "sam", "gina", "tom"])
def test_staff_who_fill_in_forms_may_see_the_full_id_number_and_it_is_logged(world, name):
    user = getattr(world, name)
    value = reveal(world.alice_resident, field="id_number", by=user, reason="填写申请表", ip="10.0.0.5")
    assert value == world.alice_resident.id_number
    log = PersonalDataAccess.objects.get()
    assert (log.actor, log.resident, log.field, log.reason, log.ip) == (
        user,
        world.alice_resident,
        "id_number",
        "填写申请表",
        "10.0.0.5",
    )


def test_a_full_phone_reveal_is_logged_too(world):
    assert reveal(world.alice_resident, field="phone", by=world.andy, reason="回电") == ("+8613800000001")
    assert PersonalDataAccess.objects.get().field == "phone"


@pytest.mark.parametrize("name", ["oscar", "audrey", "kate", "cheng", "dora", "alice", "bob"])
def test_others_are_refused_the_full_id_number_and_nothing_is_logged(world, name):
    with pytest.raises(PermissionDenied):
        reveal(world.alice_resident, field="id_number", by=getattr(world, name), reason="查看")
    assert not PersonalDataAccess.objects.exists()


def test_the_grid_worker_is_refused_the_neighbouring_grid(world):
    with pytest.raises(PermissionDenied):
        reveal(world.carl_resident, field="id_number", by=world.gina, reason="查看")
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize("reason", ["", "  ", "x"])
def test_a_reveal_without_a_reason_is_refused_and_not_logged(world, reason):
    with pytest.raises(ValidationError):
        reveal(world.alice_resident, field="id_number", by=world.andy, reason=reason)
    assert not PersonalDataAccess.objects.exists()


def test_only_the_id_number_and_phone_can_be_revealed(world):
    with pytest.raises(ValidationError):
        reveal(world.alice_resident, field="id_digest", by=world.andy, reason="查看")
    assert not PersonalDataAccess.objects.exists()
    assert not SmsMessage.objects.exists()


def test_rotation_re_encrypts_everything_so_the_old_key_can_go(world, settings):
    from django.core.management import call_command

    settings.FIELD_ENCRYPTION_KEYS = ["brand-new-key", "test-key-one"]
    call_command("rotate_personal_data", stdout=None)
    settings.FIELD_ENCRYPTION_KEYS = ["brand-new-key"]  # the old key is gone
    alice = Resident.objects.get(pk=world.alice_resident.pk)
    assert alice.id_number == world.alice_resident.id_number and alice.phone == "+8613800000001"
    assert User.objects.get(pk=world.alice.pk).phone == "+8613800000001"
