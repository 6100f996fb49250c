"""The demo city: a small build must look like a city whose cases went through the real actions."""

import datetime as dt
import io
from collections import defaultdict

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from xiangli.areas.models import Area, AreaKind, Centre
from xiangli.cases.models import Case, CaseEvent, State
from xiangli.cases.services import TRANSITIONS
from xiangli.catalog.models import ServiceItem
from xiangli.demo.builder import DEMO_COUNTY_CODE, PASSWORD
from xiangli.demo.casework import WorkCalendar
from xiangli.people.idnumbers import normalise_id_number
from xiangli.people.models import Resident, RoleAssignment, User
from xiangli.workdays.calendar import add_workdays, workdays_between

FIXED_LOGINS = [f"139000000{i:02d}" for i in range(9)] + ["13800000001"]


def build(**options):
    out = io.StringIO()
    call_command("build_demo", residents=300, cases=200, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def demo(db):
    return build()


def demo_village():
    return Area.objects.filter(
        kind=AreaKind.VILLAGE, path__contains=f"/{DEMO_COUNTY_CODE}/"
    ).first()


def test_the_city_has_its_fourteen_counties_and_every_village_a_centre_and_three_grids(demo):
    assert Area.objects.filter(kind=AreaKind.COUNTY).count() == 14
    villages = Area.objects.filter(kind=AreaKind.VILLAGE)
    assert villages.count() > 150
    assert Centre.objects.filter(area__in=villages).count() == villages.count()
    for village in villages.prefetch_related("children"):
        assert [g.kind for g in village.children.all()] == [AreaKind.GRID] * 3
    # The tree is the one Area.save() would have built.
    for area in Area.objects.select_related("parent"):
        parent_path = area.parent.path if area.parent else "/"
        assert area.path == f"{parent_path}{area.code}/"
        assert area.depth == (area.parent.depth + 1 if area.parent else 0)


def test_the_service_list_is_loaded(demo):
    assert ServiceItem.objects.filter(active=True).count() >= 57


def test_every_case_state_is_present(demo):
    assert set(Case.objects.values_list("state", flat=True)) == set(State.values)


def test_every_timeline_starts_with_created_and_runs_forward_in_time(demo):
    events = defaultdict(list)
    for e in CaseEvent.objects.order_by("pk"):
        events[e.case_id].append(e)
    now = timezone.now()
    for case in Case.objects.all():
        timeline = events[case.pk]
        assert timeline[0].kind == "created" and timeline[0].at == case.submitted_at
        assert all(a.at <= b.at for a, b in zip(timeline, timeline[1:], strict=False))
        assert timeline[-1].at <= now


def test_every_timeline_replays_through_the_state_machine_to_the_cases_fields(demo):
    by_event = {t.event: t for t in TRANSITIONS.values()}
    events = defaultdict(list)
    for e in CaseEvent.objects.order_by("pk"):
        events[e.case_id].append(e)
    for case in Case.objects.select_related("item"):
        state, paused, due = State.SUBMITTED, "", None
        for e in events[case.pk][1:]:
            day = timezone.localtime(e.at).date()
            if e.kind == "accepted":
                assert day == case.accepted_on
                due = add_workdays(day, case.item.promised_days)
            if e.kind == "materials_requested":
                paused, paused_on = state, day
            if e.kind == "materials_received":
                due = add_workdays(due, workdays_between(paused_on, day))
            if e.kind == "done":
                assert case.done_at == e.at and case.on_time == (day <= due)
            if e.kind == "rated":
                assert state in (State.DONE, State.CLOSED) and case.rating
                state = State.CLOSED
            if e.kind in by_event:
                t = by_event[e.kind]
                assert state in t.sources, (case.pk, state, e.kind)
                state = t.target or paused
        assert state == case.state
        assert case.due_on == due
        assert case.escalation_level == sum(e.kind.startswith("escalated") for e in events[case.pk])
        if case.state in (State.CLOSED, State.DECLINED, State.WITHDRAWN):
            assert case.closed_at is not None


def test_resident_id_numbers_and_phones_are_valid_and_unique(demo):
    numbers = [r.id_number for r in Resident.objects.all()]
    assert len(numbers) == 300
    assert all(normalise_id_number(n) == n for n in numbers)
    assert len(set(numbers)) == len(numbers)


def test_the_fixed_logins_work_with_the_demo_password(demo):
    for phone in FIXED_LOGINS:
        assert authenticate(username=phone, password=PASSWORD) is not None, phone
    admin = authenticate(username="13900000000", password=PASSWORD)
    assert admin.is_superuser and admin.is_staff
    resident = authenticate(username="13800000001", password=PASSWORD)
    assert resident.resident.village == demo_village()


def test_the_demo_agent_sees_only_the_demo_villages_cases_and_has_a_full_queue(demo):
    agent = authenticate(username="13900000001", password=PASSWORD)
    village = demo_village()
    assert RoleAssignment.objects.filter(user=agent, area=village, role="agent").exists()
    visible = Case.objects.visible_to(agent)
    assert visible.exists()
    assert set(visible.values_list("village_id", flat=True)) == {village.pk}
    assert visible.count() == Case.objects.filter(village=village).count()
    today = timezone.localdate()
    assert visible.overdue(today).exists()
    assert visible.due_soon(today, today + dt.timedelta(days=2)).exists()
    assert visible.open().count() >= 8


def test_building_again_without_reset_creates_nothing(demo):
    before = (
        Area.objects.count(),
        Resident.objects.count(),
        User.objects.count(),
        Case.objects.count(),
        CaseEvent.objects.count(),
    )
    out = build()
    assert "already built" in out and "13900000001" in out
    after = (
        Area.objects.count(),
        Resident.objects.count(),
        User.objects.count(),
        Case.objects.count(),
        CaseEvent.objects.count(),
    )
    assert after == before


def _row_counts():
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()
            if m.__module__.startswith("xiangli.") and m._meta.app_label != "audit"}


def test_reset_rebuilds_the_city_from_nothing(demo):
    out = io.StringIO()
    call_command("build_demo", residents=40, cases=30, reset=True, stdout=out)
    first = _row_counts()
    call_command("build_demo", residents=40, cases=30, reset=True, stdout=out)
    # Nothing of the first build is left over: every table holds what one build writes.
    assert _row_counts() == first
    # The other apps' demos (Open311 callers, outreach…) may add cases of their own.
    assert Resident.objects.count() == 40 and Case.objects.count() >= 30
    assert Area.objects.filter(kind=AreaKind.COUNTY).count() == 14
    assert authenticate(username="13900000001", password=PASSWORD) is not None


@pytest.mark.django_db
def test_the_in_memory_calendar_agrees_with_add_workdays():
    cal = WorkCalendar.load()
    start = dt.date(2025, 9, 20)  # across National Day and its make-up Sundays
    for offset in range(0, 30, 3):
        day = start + dt.timedelta(days=offset)
        for count in (0, 1, 3, 7):
            assert cal.add(day, count) == add_workdays(day, count)
        assert cal.between(day, day + dt.timedelta(days=12)) == workdays_between(
            day, day + dt.timedelta(days=12)
        )
        if cal.is_workday(day):
            assert cal.add(cal.back(day, 5), 5) == day


def test_the_demo_city_figures_are_rolled_up_and_agree_with_its_cases(demo):
    from xiangli.metrics import queries

    city = Area.objects.get(kind=AreaKind.CITY)
    first = timezone.localdate(Case.objects.order_by("submitted_at").first().submitted_at)
    figures = queries.figures(city, first, timezone.localdate())
    assert figures.received == Case.objects.count()
    assert figures.done == Case.objects.filter(done_at__isnull=False).count()
    assert queries.standing(city).centres == Centre.objects.count()


def test_the_demo_township_staff_find_last_months_dispatch_report_attached_in_the_inbox(demo, client):
    from xiangli.dispatch.models import DispatchReport

    staff = authenticate(None, username="13900000004", password=PASSWORD)
    township = RoleAssignment.objects.get(user=staff, role="township_staff").area
    report = DispatchReport.objects.get(area=township, sent_at__isnull=False)
    assert report.ready and report.month < timezone.localdate().strftime("%Y-%m")
    client.force_login(staff)
    page = client.get("/inbox/").content.decode()
    for fmt in ("xlsx", "pdf"):
        href = f"/dispatch/{township.code}/{report.month}.{fmt}"
        assert f'href="{href}"' in page
        assert client.get(href).status_code == 200
