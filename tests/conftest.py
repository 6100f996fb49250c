"""The people every test uses, healthchecks-style.

Alice lives in village A (grid A1). Her village has an agent (Andy), a secretary
(Sam) and a grid worker (Gina, grid A1). Tom works at township T, over villages
A and B; Kate at county K; Cheng at the city; Audrey audits the city. Bob lives
in village B, whose agent is Oscar: Oscar must see nothing of village A. Dora is
township staff of another township, T2.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from xiangli.areas.models import Area, AreaKind, Centre
from xiangli.catalog.models import HandlingLevel, ServiceItem
from xiangli.people.idnumbers import make_id_number
from xiangli.people.models import Resident, Role, RoleAssignment, User


@dataclass
class World:
    city: Area
    county: Area
    township: Area
    township2: Area
    village_a: Area
    village_b: Area
    village_d: Area
    grid_a1: Area
    grid_a2: Area
    grid_b1: Area
    centre_a: Centre
    centre_b: Centre
    alice_resident: Resident
    alice: User
    bob_resident: Resident
    bob: User
    carl_resident: Resident  # Alice's neighbour in grid A2, no account
    andy: User  # agent of A
    sam: User  # secretary of A
    gina: User  # grid worker of A1
    oscar: User  # agent of B
    tom: User  # township T staff
    dora: User  # township T2 staff
    kate: User  # county admin
    cheng: User  # city admin
    audrey: User  # auditor over the city
    pension: ServiceItem
    idcard: ServiceItem


def area(code: str, name: str, kind: str, parent: Area | None = None) -> Area:
    a = Area(code=code, name=name, name_en=name, kind=kind, parent=parent)
    a.save()
    return a


def staff(phone: str, name: str, role: str, where: Area) -> User:
    user = User.objects.create_user(phone, "pass-word-123", name=name)
    RoleAssignment.objects.create(user=user, role=role, area=where)
    return user


def resident(name: str, village: Area, grid: Area | None, seq: int, phone: str = "") -> Resident:
    birth = dt.date(1950, 3, 4)
    r = Resident(
        name=name,
        gender="F",
        birth_date=birth,
        id_number=make_id_number("410329", birth, seq, "F"),
        phone=phone,
        village=village,
        grid=grid,
    )
    r.save()
    return r


@pytest.fixture(autouse=True)
def fresh_calendar_copy() -> None:
    """Each test reads the working-day calendar afresh: the copy a process keeps
    (xiangli.workdays.calendar) must not carry another test's rolled-back rows."""
    from xiangli.workdays.calendar import reset_copy

    reset_copy()


@pytest.fixture
def world(db: None) -> World:
    city = area("410300", "Luoyang", AreaKind.CITY)
    county = area("410329", "Yichuan", AreaKind.COUNTY, city)
    township = area("410329101", "Township T", AreaKind.TOWNSHIP, county)
    township2 = area("410329102", "Township T2", AreaKind.TOWNSHIP, county)
    village_a = area("410329101201", "Village A", AreaKind.VILLAGE, township)
    village_b = area("410329101202", "Village B", AreaKind.VILLAGE, township)
    village_d = area("410329102201", "Village D", AreaKind.VILLAGE, township2)
    grid_a1 = area("410329101201-01", "Grid A1", AreaKind.GRID, village_a)
    grid_a2 = area("410329101201-02", "Grid A2", AreaKind.GRID, village_a)
    grid_b1 = area("410329101202-01", "Grid B1", AreaKind.GRID, village_b)
    centre_a = Centre.objects.create(area=village_a, name="Centre A", functions=["convenience"])
    centre_b = Centre.objects.create(area=village_b, name="Centre B")
    Centre.objects.create(area=village_d, name="Centre D")

    alice_resident = resident("王秀英", village_a, grid_a1, 1, phone="13800000001")
    alice = User.objects.create_user("13800000001", "pass-word-123", name="王秀英", resident=alice_resident)
    RoleAssignment.objects.create(user=alice, role=Role.RESIDENT, area=village_a)
    bob_resident = resident("李建国", village_b, grid_b1, 2, phone="13800000002")
    bob = User.objects.create_user("13800000002", "pass-word-123", name="李建国", resident=bob_resident)
    carl_resident = resident("张三", village_a, grid_a2, 3)

    pension = ServiceItem.objects.create(
        code="YL-001", name_zh="城乡居民基本养老保险待遇领取", name_en="Basic pension: start receiving",
        category="convenience", department_zh="人社", department_en="Human resources and social security",
        materials_zh=["居民身份证", "户口簿"], materials_en=["ID card", "Household register"],
        level=HandlingLevel.COUNTY, handled_at_zh="县社保中心", handled_at_en="County social insurance centre",
        fee=Decimal("0"), promised_days=5,
    )
    idcard = ServiceItem.objects.create(
        code="HJ-001", name_zh="居民身份证换领", name_en="Renew resident ID card",
        category="convenience", department_zh="公安", department_en="Public security",
        materials_zh=["旧身份证"], materials_en=["Old ID card"], level=HandlingLevel.COUNTY,
        handled_at_zh="县公安局", handled_at_en="County public security bureau",
        fee=Decimal("20"), promised_days=15, online_allowed=False, proxy_allowed=False,
    )
    return World(
        city=city, county=county, township=township, township2=township2,
        village_a=village_a, village_b=village_b, village_d=village_d,
        grid_a1=grid_a1, grid_a2=grid_a2, grid_b1=grid_b1, centre_a=centre_a, centre_b=centre_b,
        alice_resident=alice_resident, alice=alice, bob_resident=bob_resident, bob=bob,
        carl_resident=carl_resident,
        andy=staff("13900000001", "Andy", Role.AGENT, village_a),
        sam=staff("13900000002", "Sam", Role.SECRETARY, village_a),
        gina=staff("13900000003", "Gina", Role.GRID_WORKER, grid_a1),
        oscar=staff("13900000004", "Oscar", Role.AGENT, village_b),
        tom=staff("13900000005", "Tom", Role.TOWNSHIP_STAFF, township),
        dora=staff("13900000006", "Dora", Role.TOWNSHIP_STAFF, township2),
        kate=staff("13900000007", "Kate", Role.COUNTY_ADMIN, county),
        cheng=staff("13900000008", "Cheng", Role.CITY_ADMIN, city),
        audrey=staff("13900000009", "Audrey", Role.AUDITOR, city),
        pension=pension,
        idcard=idcard,
    )


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return buf.getvalue()


def png_upload(name: str = "id-front.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name: str = "certificate.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def run_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the database task worker over everything queued, as `manage.py db_worker` does.

    The worker closes "old" connections between tasks; inside the test's transaction
    on PostgreSQL that would close the test's own connection, so that step is skipped.
    """
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
