"""Roster pages: upload, the dry run's report, import, and filtered exports."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from xiangli.people.crypto import digest
from xiangli.people.models import PersonalDataAccess, Resident
from xiangli.roster.models import RosterImport

from .test_pages import client_for
from .test_roster_import import new_id, xlsx


def upload(client, data: bytes, name: str = "roster.xlsx"):
    return client.post(reverse("roster:home"), {"file": SimpleUploadedFile(name, data)})


def test_upload_shows_the_dry_run_then_imports_on_confirmation(world):
    client = client_for(world.andy)
    data = xlsx([["赵新", new_id(201), world.village_a.code], ["坏", "123", world.village_a.code]])
    response = upload(client, data)
    record = RosterImport.objects.get()
    assert response.url == reverse("roster:import_detail", args=[record.pk])
    body = client.get(response.url).content.decode()
    assert "An ID number has 18 characters" in body and "Import now" in body
    assert not Resident.objects.filter(id_digest=digest(new_id(201))).exists()
    client.post(reverse("roster:import_apply", args=[record.pk]))
    assert Resident.objects.filter(id_digest=digest(new_id(201)), village=world.village_a).exists()


def test_a_50_mb_upload_gets_a_clear_message(world):
    body = upload(client_for(world.andy), b"PK" + b"\0" * (50 * 1024 * 1024)).content.decode()
    assert "a roster may be at most 10 MB" in body
    assert not RosterImport.objects.exists()


def test_a_sheet_with_the_wrong_columns_says_which(world):
    body = upload(client_for(world.andy), xlsx([["x", 1]], head=["Name", "Salary"])).content.decode()
    assert "Unknown columns: Salary" in body and "姓名 / Name" in body


def test_someone_elses_import_is_a_404(world):
    upload(client_for(world.andy), xlsx([["赵新", new_id(202), world.village_a.code]]))
    record = RosterImport.objects.get()
    sam = client_for(world.sam)
    assert sam.get(reverse("roster:import_detail", args=[record.pk])).status_code == 404
    assert sam.post(reverse("roster:import_apply", args=[record.pk])).status_code == 404


def test_residents_do_not_see_the_roster(world):
    assert client_for(world.alice).get(reverse("roster:home")).status_code == 404


def test_roster_home_query_count_is_fixed(world, django_assert_num_queries):
    client = client_for(world.andy)
    for n in range(3):
        upload(client, xlsx([["赵新", new_id(210 + n), world.village_a.code]]))
    client.get(reverse("roster:home"))
    with django_assert_num_queries(4):  # session, account, roles, uploads
        client.get(reverse("roster:home"))


def test_export_filters_by_tag_and_age_and_masks(world, folk):
    response = client_for(world.andy).post(reverse("roster:export"), {"min_age": "60"})
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == {"王秀英", "张三", "老李", "周六十", "吴五九"}
    assert all("*" in r[1] for r in rows[1:])
    response = client_for(world.andy).post(reverse("roster:export"), {"tag": "low_income"})
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["郑低保"]


def test_an_exported_roster_imports_back_unchanged(world, folk):
    client = client_for(world.andy)
    exported = client.post(reverse("roster:export"), {"full": "on", "reason": "年度核对"}).content
    assert PersonalDataAccess.objects.filter(actor=world.andy).count() == 2 * 9  # nine residents in village A
    upload(client, exported)
    record = RosterImport.objects.get()
    assert (record.rows, record.new, record.updated, record.rejected) == (9, 0, 0, [])
