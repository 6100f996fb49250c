"""The city generator: a small city must hold what the app itself would have written."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Min
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xiangli.areas.models import Area, AreaKind, Centre
from xiangli.cases.models import Case, CaseEvent, EventKind, State
from xiangli.citygen.copyload import sync_sequence
from xiangli.citygen.generator import BENCH_RESIDENT_PHONE, BENCH_STAFF, PASSWORD, SCALES, bench_logins, reset
from xiangli.metrics import periods
from xiangli.metrics.models import AreaDay, AreaStanding, RollupRun
from xiangli.metrics.queries import standing_counts
from xiangli.people.idnumbers import normalise_id_number
from xiangli.people.models import Resident, User
from xiangli.workdays.calendar import add_workdays

SMALL = SCALES["small"]


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """One small city for the whole module: generating it is the slow part."""
    with django_db_blocker.unblock():
        out = io.StringIO()
        call_command("generate_city", scale="small", stdout=out)
        yield out.getvalue()
        # Committed outside any test's transaction: empty the tables for the modules after this one.
        reset()


pytestmark = pytest.mark.django_db


def test_the_city_has_the_asked_for_size_in_every_kind(city):
    assert Area.objects.filter(kind=AreaKind.CITY).count() == 1
    assert Area.objects.filter(kind=AreaKind.COUNTY).count() == 14
    villages = Area.objects.filter(kind=AreaKind.VILLAGE).count()
    assert SMALL.villages * 0.8 <= villages <= SMALL.villages * 1.2
    assert Centre.objects.count() == villages
    grids = Area.objects.filter(kind=AreaKind.VILLAGE).annotate(n=Count("children")).values_list("n", flat=True)
    assert set(grids) <= {3, 4, 5, 6}
    assert Resident.objects.count() == SMALL.residents
    assert Case.objects.count() == SMALL.cases
    assert CaseEvent.objects.count() > 3 * SMALL.cases
    assert "City generated" in city and "13700000001" in city


def test_every_area_code_extends_its_parents_code(city):
    for area in Area.objects.select_related("parent").exclude(kind=AreaKind.CITY):
        assert area.parent is not None
        assert area.path == f"{area.parent.path}{area.code}/"
        if area.kind in (AreaKind.TOWNSHIP, AreaKind.VILLAGE):
            assert area.code.startswith(area.parent.code)
            assert len(area.code) == {AreaKind.TOWNSHIP: 9, AreaKind.VILLAGE: 12}[area.kind]


def test_every_case_state_is_present_with_a_timeline_that_starts_at_submission(city):
    assert set(Case.objects.values_list("state", flat=True).distinct()) == set(State.values)
    for case in Case.objects.filter(pk__in=Case.objects.order_by("?").values("pk")[:50]).prefetch_related("events"):
        events = list(case.events.all())
        assert events[0].kind == EventKind.CREATED
        assert events[0].at == case.submitted_at
        assert [e.at for e in events] == sorted(e.at for e in events)
    assert Case.objects.filter(state=State.CLOSED, rating__isnull=False).exists()
    assert Case.objects.filter(escalation_level=2).exists()
    assert Case.objects.filter(visits__gte=2).exists()


def test_id_numbers_are_valid_unique_and_readable_through_the_orm(city):
    residents = list(Resident.objects.all()[:300])
    for r in residents:
        assert normalise_id_number(r.id_number) == r.id_number
        assert r.phone == "" or r.phone.startswith("+86")
    assert Resident.objects.values("id_digest").distinct().count() == SMALL.residents
    with_phone = Resident.objects.exclude(phone_digest="").count()
    assert 0.7 * SMALL.residents <= with_phone <= 0.9 * SMALL.residents


def test_a_resident_is_found_by_full_id_number_and_by_phone(city):
    someone = Resident.objects.exclude(phone="").order_by("-pk").first()
    assert list(Resident.objects.search(someone.id_number)) == [someone]
    assert list(Resident.objects.search(someone.phone.removeprefix("+86"))) == [someone]
    assert someone.name_initials and someone.area_path == someone.grid.path


def test_the_agent_sees_only_the_cases_of_their_village(city):
    agent = User.objects.get_by_natural_key(BENCH_STAFF[0][1])
    village = agent.roles.get().area
    visible = Case.objects.visible_to(agent)
    assert visible.exists()
    assert visible.count() == Case.objects.filter(village=village).count()
    assert not visible.exclude(village=village).exists()


def test_the_bench_resident_has_at_least_twenty_cases_of_her_own(city):
    me = User.objects.get_by_natural_key(BENCH_RESIDENT_PHONE)
    assert Case.objects.filter(resident=me.resident).count() >= 20
    assert Case.objects.visible_to(me).count() == Case.objects.filter(resident=me.resident).count()


@pytest.mark.parametrize("phone", [phone for _, phone, *_ in BENCH_STAFF] + [BENCH_RESIDENT_PHONE])
def test_the_bench_logins_authenticate(city, phone):
    assert authenticate(username=phone, password=PASSWORD) is not None


def test_generating_again_without_reset_is_refused_and_writes_nothing(city):
    before = (Area.objects.count(), Resident.objects.count(), Case.objects.count())
    with pytest.raises(CommandError, match="--reset"):
        call_command("generate_city", scale="small", stdout=io.StringIO())
    assert (Area.objects.count(), Resident.objects.count(), Case.objects.count()) == before


def _figures_page(user: User, area: Area, period: str) -> dict:
    client = Client()
    client.force_login(user)
    page = client.get(reverse("metrics:area", args=[area.code]), {"period": period})
    assert page.status_code == 200
    assert not page.context["error"]
    return page.context


def test_the_city_figures_count_every_case_of_the_history_and_of_last_month(city):
    city_admin = User.objects.get_by_natural_key(dict(bench_logins())["city_admin"])
    the_city = Area.objects.get(kind=AreaKind.CITY)
    today = timezone.localdate()
    first = timezone.localdate(Case.objects.aggregate(first=Min("submitted_at"))["first"])
    assert (today - first).days > 360  # the history is long: the rollup covers many months

    history = _figures_page(city_admin, the_city, f"{first}~{today}")
    assert history["figures"].received == SMALL.cases
    assert history["figures"].done == Case.objects.filter(done_at__isnull=False).count()
    assert history["figures"].rated == Case.objects.filter(rating__isnull=False).count()
    assert sum(f.received for _, f, _ in history["rows"]) == SMALL.cases  # the counties add up to the city

    last_month = periods.month(today.replace(day=1) - dt.timedelta(days=1))
    month = _figures_page(city_admin, the_city, last_month.code)
    submitted = [timezone.localdate(at) for at in Case.objects.values_list("submitted_at", flat=True)]
    assert month["figures"].received == sum(last_month.first <= d <= last_month.last for d in submitted) > 0


def test_the_standing_is_fresh_and_agrees_with_the_cases(city):
    the_city = Area.objects.get(kind=AreaKind.CITY)
    standing = AreaStanding.objects.get(area=the_city)
    assert standing.open_cases == Case.objects.open().count() > 0
    assert standing.centres == Centre.objects.count()
    # The township-and-up workbench reads its counts from here instead of counting the cases.
    today = timezone.localdate()
    soon = add_workdays(today, settings.DUE_SOON_WORKING_DAYS)
    assert standing_counts([the_city.path], now=timezone.now()) == {
        "overdue_count": Case.objects.overdue(today).count(),
        "due_soon_count": Case.objects.due_soon(today, soon).count(),
    }
    assert standing.overdue_cases > 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM and the visibility map are PostgreSQL's")
def test_the_loaded_tables_are_vacuumed_so_index_only_scans_skip_the_heap_from_the_start(city):
    tables = [m._meta.db_table for m in (Case, CaseEvent, Resident, AreaDay)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, relallvisible, relpages FROM pg_class WHERE relname = ANY(%s)", [tables])
        found = {name: (visible, pages) for name, visible, pages in cursor.fetchall()}
    assert set(found) == set(tables)
    for visible, pages in found.values():
        assert pages > 0 and visible >= 0.9 * pages  # ANALYZE alone leaves no page marked all-visible


def test_with_no_figures_the_city_is_generated_without_rollups(city):
    with transaction.atomic():  # a savepoint, rolled back below: the module's city comes back
        reset()
        out = io.StringIO()
        call_command("generate_city", "--no-figures", villages=5, residents=200, cases=300, stdout=out)
        assert Case.objects.count() == 300
        assert not AreaDay.objects.exists()
        assert not AreaStanding.objects.exists()
        assert not RollupRun.objects.exists()
        assert "figures" not in out.getvalue()
        transaction.set_rollback(True)
    # PostgreSQL's setval, which generating ran, is not rolled back.
    for model in (Resident, User, Case):
        sync_sequence(model)
    assert Case.objects.count() == SMALL.cases
