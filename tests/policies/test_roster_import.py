"""Importing a village's Excel roster: a dry run that reports every bad row, then an idempotent import."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from xiangli.audit.models import AuditEntry
from xiangli.people.crypto import digest
from xiangli.people.idnumbers import make_id_number
from xiangli.people.models import Resident
from xiangli.roster import services
from xiangli.roster.models import ImportStatus, RosterImport

HEAD = ["姓名", "身份证号", "村（社区）", "网格", "手机号", "户号", "户主", "标签", "残疾等级"]


def xlsx(rows, head=HEAD) -> bytes:
    book = Workbook()
    sheet = book.active
    if head:
        sheet.append(head)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def new_id(seq: int, birth=dt.date(1960, 5, 6), gender="M") -> str:
    return make_id_number("410329", birth, seq, gender)


@pytest.fixture
def roster(world) -> bytes:
    a = world.village_a
    return xlsx([
        ["赵新", new_id(101), a.code, world.grid_a1.code, "13712345678", "A-9", "是", "低保、独居", None],
        ["钱新", new_id(102, gender="F"), a.name, "Grid A2", None, "A-9", "否", None, "2级"],
        ["王秀英", world.alice_resident.id_number, a.code, None, None, None, None, "党员", None],
    ])


def check(world, data: bytes, who=None) -> RosterImport:
    return services.check_roster(by=who or world.andy, filename="roster.xlsx", data=data)


def test_dry_run_reports_what_would_happen_and_changes_nobody(world, roster):
    before = Resident.objects.count()
    record = check(world, roster)
    assert (record.rows, record.new, record.updated, record.unchanged, record.rejected) == (3, 2, 1, 0, [])
    assert Resident.objects.count() == before


def test_import_adds_new_residents_and_updates_known_ones(world, roster):
    record = services.apply_import(check(world, roster), by=world.andy)
    assert record.status == ImportStatus.APPLIED and record.content == ""
    zhao = Resident.objects.get(id_digest=digest(new_id(101)))
    assert (zhao.name, zhao.gender, zhao.birth_date, zhao.grid, zhao.is_household_head) == (
        "赵新", "M", dt.date(1960, 5, 6), world.grid_a1, True)
    assert zhao.tags == ["low_income", "living_alone"] and zhao.phone == "+8613712345678"
    qian = Resident.objects.get(id_digest=digest(new_id(102, gender="F")))
    assert qian.grid == world.grid_a2 and qian.disability_grade == 2
    alice = Resident.objects.get(pk=world.alice_resident.pk)
    assert alice.tags == ["party_member"] and alice.phone == world.alice_resident.phone  # empty cell kept
    assert AuditEntry.objects.filter(action="resident.registered").count() == 2


def test_importing_the_same_roster_twice_changes_nothing_the_second_time(world, roster):
    services.apply_import(check(world, roster), by=world.andy)
    count = Resident.objects.count()
    again = services.apply_import(check(world, roster), by=world.andy)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
    assert Resident.objects.count() == count


def test_every_bad_row_is_reported_with_row_column_value_and_why(world):
    good = new_id(103)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    data = xlsx([
        ["甲", bad_check, world.village_a.code],
        ["乙", good, "不存在村"],
        ["丙", good, world.village_a.code],
        ["丁", good, world.village_a.code],
        ["戊", "410329196002301234", world.village_a.code],
        ["己", 410329196005061234, world.village_a.code],
        ["庚", new_id(104), world.village_b.code],
        ["辛", new_id(105), world.village_a.code, "Grid B1"],
        ["壬", new_id(106), world.village_a.code, None, "12345"],
        ["癸", new_id(107), world.village_a.code, None, None, None, "也许"],
    ])
    rejected = check(world, data).rejected
    why = {r["row"]: (r["column"], r["why"]) for r in rejected}
    assert "last character does not match" in why[2][1] and why[2][0].startswith("身份证号")
    assert "Unknown village" in why[3][1]
    assert why[4] == why[5] == ("身份证号 / ID number", "Duplicate: the same ID number is on row 3.")
    assert "birth date" in why[6][1]
    assert "Stored as a number" in why[7][1]
    assert "Unknown village" in why[8][1]  # village B is not Andy's
    assert "grid is not in the row's village" in why[9][1]
    assert why[10][0].startswith("手机号")
    assert why[11][0].startswith("户主")
    assert all("*" in r["value"] for r in rejected if r["column"].startswith("身份证号") and len(r["value"]) == 18)


def test_english_headings_are_accepted(world):
    data = xlsx([["Zhao", new_id(108), world.village_a.code]], head=["Name", "ID number", "Village"])
    assert check(world, data).new == 1


@pytest.mark.parametrize("data, says", [
    (b"", "empty"),
    (b"not a spreadsheet at all", "not an Excel workbook"),
    (b"PK\x03\x04broken zip", "not an Excel workbook"),
    (xlsx([], head=None), "The sheet is empty"),
    (xlsx([], head=HEAD), "no residents"),
    (xlsx([["a", "b"]], head=["Name", "Salary"]), "Unknown columns: Salary"),
    (xlsx([["a"]], head=["Name"]), "Missing columns"),
], ids=["empty", "text", "broken-zip", "no-rows", "header-only", "wrong-columns", "missing-columns"])
def test_bad_files_are_refused_with_a_clear_message(world, data, says):
    with pytest.raises(ValidationError, match=says):
        check(world, data)
    assert not RosterImport.objects.exists()


def test_a_50_mb_file_is_refused_before_it_is_read(world):
    with pytest.raises(ValidationError, match="at most 10 MB"):
        check(world, b"PK" + b"\0" * (50 * 1024 * 1024))
    assert not RosterImport.objects.exists()


def test_residents_and_non_staff_may_not_import(world, roster):
    with pytest.raises(PermissionDenied):
        check(world, roster, who=world.alice)


def test_only_the_uploader_imports_and_only_once(world, roster):
    record = check(world, roster)
    with pytest.raises(PermissionDenied):
        services.apply_import(record, by=world.sam)
    services.apply_import(record, by=world.andy)
    with pytest.raises(ValidationError, match="already imported"):
        services.apply_import(RosterImport.objects.get(pk=record.pk), by=world.andy)


def test_a_resident_of_another_village_is_not_taken_over(world):
    data = xlsx([["李建国", world.bob_resident.id_number, world.village_a.code]])
    record = check(world, data)
    assert record.rejected[0]["why"] == "This person is registered in a village you do not serve."
    services.apply_import(record, by=world.andy)
    assert Resident.objects.get(pk=world.bob_resident.pk).village == world.village_b


def test_imported_residents_carry_the_columns_save_derives(world):
    """Imported in bulk, so without save(): searching by initials, phone and area must still find them."""
    data = xlsx([
        ["吕布", new_id(150), world.village_a.code, world.grid_a2.code, "137 1234 0000", None, None, None, None],
        ["貂蝉", new_id(151, gender="F"), world.village_a.code, None, None, None, None, None, None],
    ])
    services.apply_import(check(world, data), by=world.andy)
    changed = services.apply_import(check(world, xlsx([
        ["吕奉先", new_id(150), world.village_a.code, world.grid_a1.code, None, None, None, None, None],
    ])), by=world.andy)
    assert changed.updated == 1
    derived = ("name_initials", "id_digest", "phone", "phone_digest", "area_path")
    for resident in Resident.objects.filter(id_digest__in=[digest(new_id(150)), digest(new_id(151, gender="F"))]):
        as_imported = [getattr(resident, f) for f in derived]
        resident.save()
        assert [getattr(resident, f) for f in derived] == as_imported, resident.name
    lu = Resident.objects.search("lfx").get()
    assert lu.area_path == world.grid_a1.path and lu == Resident.objects.search("13712340000").get()


def test_each_imported_resident_has_its_audit_entry_with_masked_values(world, roster):
    services.apply_import(check(world, roster), by=world.andy)
    zhao = Resident.objects.get(id_digest=digest(new_id(101)))
    entry = AuditEntry.objects.get(action="resident.registered", object_id=str(zhao.pk))
    assert entry.actor == world.andy and entry.area_path == zhao.area_path
    assert entry.changes["id_number"][1] == zhao.masked_id_number
    changed = AuditEntry.objects.get(action="resident.changed", object_id=str(world.alice_resident.pk))
    assert changed.changes["tags"] == [[], ["party_member"]]


def test_bulk_audit_entries_are_those_record_writes_one_by_one(world, roster):
    from xiangli.audit import services as audit

    services.apply_import(check(world, roster), by=world.andy)
    zhao = Resident.objects.get(id_digest=digest(new_id(101)))
    bulk = AuditEntry.objects.get(action="resident.registered", object_id=str(zhao.pk))
    single = audit.record("resident.registered", obj=zhao, actor=world.andy, changes={
        "name": [None, zhao.name], "id_number": [None, zhao.id_number], "phone": [None, zhao.phone],
        "village": [None, zhao.village_id], "grid": [None, zhao.grid_id], "household": [None, zhao.household],
        "tags": [None, zhao.tags], "source": "roster",
    })
    single.refresh_from_db()
    compared = ("actor_id", "actor_label", "action", "object_type", "object_id", "object_repr", "area_path",
                "changes", "ip", "user_agent")
    assert [getattr(bulk, f) for f in compared] == [getattr(single, f) for f in compared]
