"""The synthetic city: areas, centres, staff, residents and cases, loaded in bulk.

The values are the ones the real code would have written: residents carry the
derived columns `Resident.save()` computes (initials, digests, area path), and
cases come from the demo's `CasePlanner`, so their states, deadlines and
timelines are those the case actions leave. Rows go in with COPY on
PostgreSQL; the slow parts (encrypting ID numbers and phones, planning cases,
formatting rows) run in worker processes while the main process streams the
result to the database, all in one transaction. Then, as a live deployment's
tick would have, the metrics rollups of the whole history and the standing are
built, so that the figures pages and workbenches start warm.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult, Pool
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone, translation

from xiangli.areas.loading import add_children
from xiangli.areas.models import Area, AreaKind, Centre
from xiangli.cases.models import OPEN_STATES, Case, CaseEvent, Channel, State
from xiangli.catalog.models import HandlingLevel, ServiceItem
from xiangli.demo import builder
from xiangli.demo.casework import CasePlanner, Who, WorkCalendar
from xiangli.demo.population import Population
from xiangli.metrics import periods
from xiangli.metrics.models import AreaDay, AreaStanding, RollupRun
from xiangli.metrics.rollup import refresh_standing, roll_up
from xiangli.people.crypto import digest
from xiangli.people.models import Resident, Role, RoleAssignment, User, name_initials

from . import copyload
from .copyload import Table
from .tree import grids_for, plan_tree

PASSWORD = builder.PASSWORD
CITY_CODE = builder.CITY_CODE
BENCH_COUNTY_CODE = builder.DEMO_COUNTY_CODE  # 栾川县: the bench logins serve its first village


@dataclass(frozen=True)
class Scale:
    villages: int
    residents: int
    cases: int


SCALES = {
    "small": Scale(villages=40, residents=2_000, cases=5_000),
    "medium": Scale(villages=600, residents=100_000, cases=500_000),
    "full": Scale(villages=3_000, residents=1_000_000, cases=5_000_000),
}

# Fixed logins for the benchmarks; the demo's are 139000000NN and 13800000001.
BENCH_STAFF = (
    ("agent", "13700000001", "李晓燕", Role.AGENT, "village"),
    ("secretary", "13700000002", "王建国", Role.SECRETARY, "village"),
    ("grid_worker", "13700000003", "刘红霞", Role.GRID_WORKER, "grid"),
    ("township_staff", "13700000004", "陈志强", Role.TOWNSHIP_STAFF, "township"),
    ("county_admin", "13700000005", "杨帆", Role.COUNTY_ADMIN, "county"),
    ("city_admin", "13700000006", "赵敏", Role.CITY_ADMIN, "city"),
    ("auditor", "13700000007", "周文静", Role.AUDITOR, "city"),
)
BENCH_RESIDENT_PHONE = "13600000001"
BENCH_RESIDENT_NAME = "李秀兰"
# The bench resident's own cases: a long list, in every state.
BENCH_RESIDENT_STATES = (
    [State.CLOSED] * 8
    + [State.DONE] * 2
    + [State.ACCEPTED, State.CARRIED, State.SUBMITTED, State.MATERIALS_PENDING] * 2
    + [State.DECLINED, State.WITHDRAWN] * 3
)

# Other staff phones: a prefix per role, then the index of the area they serve.
AGENT_PREFIX, SECRETARY_PREFIX, TOWNSHIP_PREFIX, COUNTY_PREFIX, AUDITOR_PREFIX = "1371", "1372", "1374", "1375", "1377"
TOWNSHIP_STAFF_EACH = 2

RESIDENT_CHUNK = 10_000
CASE_CHUNK = 20_000
ACCOUNT_SHARE = 0.35  # of adults 18–75 with a phone: residents who log in themselves


class CityExists(Exception):
    """The database already holds a city; generating again needs --reset."""


def city_exists() -> bool:
    return Area.objects.filter(code=CITY_CODE).exists()


def _phone(prefix: str, index: int) -> str:
    return f"{prefix}{index:07d}"


# -- progress -------------------------------------------------------------------------


@dataclass
class Progress:
    say: Callable[[str], Any]
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        yield
        self.timings[name] = time.monotonic() - started
        self.say(f"  {name}: {self.timings[name]:.1f} s")

    def rows(self, what: str, done: int, total: int, started: float) -> None:
        seconds = max(time.monotonic() - started, 1e-6)
        self.say(f"  {what}: {done:,}/{total:,} ({done / seconds:,.0f} rows/s)")


# -- writing through worker processes ------------------------------------------------------


def _format(table: Table, rows: list[tuple[Any, ...]]) -> bytes:
    return copyload.copy_text(table, rows)


class Sink:
    """Writes chunks of rows; with a pool, workers encrypt and format them while this process copies."""

    def __init__(self, pool: Pool | None, window: int = 4) -> None:
        self.pool = pool
        self.window = window
        self.pending: deque[tuple[Table, AsyncResult[bytes]]] = deque()

    def put(self, table: Table, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self.pool is None:
            copyload.write(table, rows)
            return
        self.pending.append((table, self.pool.apply_async(_format, (table, rows))))
        while len(self.pending) > self.window:
            self._drain_one()

    def _drain_one(self) -> None:
        table, result = self.pending.popleft()
        copyload.copy_in(table, result.get())

    def flush(self) -> None:
        while self.pending:
            self._drain_one()


def _pool(workers: int) -> Pool | None:
    # Workers are forked after the data they need is in memory. They never touch
    # the database: the parent's connection, inherited, stays unused there.
    if workers <= 1 or not copyload.uses_copy():
        return None
    return multiprocessing.get_context("fork").Pool(workers)


# -- areas, centres, service items ----------------------------------------------------------


def build_areas(tree: dict[str, Any], rng: random.Random) -> builder.City:
    """The tree as Area rows, with 3–6 grids a village, and the bench village picked out."""
    city = Area(code=tree["code"], name=tree["name"], name_en=tree.get("name_en", ""), kind=AreaKind.CITY)
    city.save()

    counties = add_children([(city, tree)], AreaKind.COUNTY)
    townships = add_children(counties, AreaKind.TOWNSHIP)
    villages = [v for v, _ in add_children(townships, AreaKind.VILLAGE)]
    ordinals = "一二三四五六"
    english = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth")
    grids = Area.objects.bulk_create(
        [
            Area(
                code=f"{v.code}-{i + 1:02d}",
                name=f"第{ordinals[i]}网格",
                name_en=f"{english[i]} grid",
                kind=AreaKind.GRID,
                parent=v,
                path=f"{v.path}{v.code}-{i + 1:02d}/",
                depth=v.depth + 1,
            )
            for v in villages
            for i in range(grids_for(rng))
        ],
        batch_size=copyload.BATCH,
    )
    by_code = {a.code: a for a, _ in [*counties, *townships]}
    grids_of: dict[int, list[Area]] = {}
    for g in grids:
        assert g.parent is not None  # noqa: S101 -- grids were made with a parent; for mypy
        grids_of.setdefault(g.parent.pk, []).append(g)
    county_of = {v.pk: by_code[v.ancestor_codes()[1]] for v in villages}
    bench = next((v for v in villages if county_of[v.pk].code == BENCH_COUNTY_CODE and not v.is_community), villages[0])
    return builder.City(
        city=city,
        counties=[c for c, _ in counties],
        townships=[t for t, _ in townships],
        villages=villages,
        grids=grids_of,
        county_of=county_of,
        township_of={v.pk: by_code[v.ancestor_codes()[2]] for v in villages},
        demo_village=bench,
    )


# -- staff ------------------------------------------------------------------------------------


@dataclass
class Staff:
    bench: dict[str, User]
    agent_of: dict[int, int]  # village id → agent's user id
    phones: set[str]  # every staff phone, national form, kept away from residents


def build_staff(city: builder.City, population: Population, password_hash: str) -> Staff:
    """The bench logins, then agent and secretary of every village, township staff, county admins, auditors."""
    bench_v = city.demo_village
    where = {
        "village": bench_v,
        "grid": city.grids[bench_v.pk][0],
        "township": city.township_of[bench_v.pk],
        "county": city.county_of[bench_v.pk],
        "city": city.city,
    }
    people: list[tuple[str, str, str, Area]] = []  # phone, name, role, area
    for _, phone, name, role, at in BENCH_STAFF:
        people.append((phone, name, role, where[at]))
    rng = population.rng

    def someone() -> str:
        return population.name("M" if rng.random() < 0.6 else "F", rng.randint(1965, 1995))

    for i, v in enumerate(city.villages, start=1):
        if v == bench_v:
            continue
        people.append((_phone(AGENT_PREFIX, i), someone(), Role.AGENT, v))
        people.append((_phone(SECRETARY_PREFIX, i), someone(), Role.SECRETARY, v))
    for i, t in enumerate(city.townships, start=1):
        for j in range(TOWNSHIP_STAFF_EACH):
            if t == where["township"] and j == 0:
                continue  # the bench login is this township's first
            people.append((_phone(TOWNSHIP_PREFIX, i * 10 + j), someone(), Role.TOWNSHIP_STAFF, t))
    for i, c in enumerate(city.counties, start=1):
        if c != where["county"]:
            people.append((_phone(COUNTY_PREFIX, i), someone(), Role.COUNTY_ADMIN, c))
        people.append((_phone(AUDITOR_PREFIX, i), someone(), Role.AUDITOR, c))

    users = User.objects.bulk_create(
        [
            User(login_digest=digest("+86" + phone), phone="+86" + phone, name=name, password=password_hash)
            for phone, name, _, _ in people
        ],
        batch_size=copyload.BATCH,
    )
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, role=role, area=area) for u, (_, _, role, area) in zip(users, people, strict=True)],
        batch_size=copyload.BATCH,
    )
    by_phone = {p[0]: u for u, p in zip(users, people, strict=True)}
    agent_of = {area.pk: u.pk for u, (_, _, role, area) in zip(users, people, strict=True) if role == Role.AGENT}
    return Staff(
        bench={key: by_phone[phone] for key, phone, *_ in BENCH_STAFF},
        agent_of=agent_of,
        phones=set(by_phone),
    )


# -- residents --------------------------------------------------------------------------------


@dataclass
class Registry:
    """What case planning needs of each resident, in compact lists indexed alike."""

    ids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    village_ids: list[int] = field(default_factory=list)
    area_paths: list[str] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)  # 0: no account
    accounts: int = 0


def _counts(villages: list[Area], total: int, rng: random.Random) -> Counter[int]:
    weights = [rng.uniform(0.5, 1.5) * (1.4 if v.is_community else 1.0) for v in villages]
    return Counter(v.pk for v in rng.choices(villages, weights, k=total))


def build_residents(
    city: builder.City,
    population: Population,
    total: int,
    *,
    password_hash: str,
    now: dt.datetime,
    sink: Sink,
    progress: Progress,
) -> Registry:
    """Residents village by village, household by household; an account for a third of adults with phones."""
    rng = population.rng
    today = population.today
    residents_t, users_t = Table.of(Resident), Table.of(User)
    roles_t = Table.of(RoleAssignment, with_pk=False)
    r_defaults, u_defaults, ra_defaults = residents_t.defaults(), users_t.defaults(), roles_t.defaults()
    next_resident, next_user = copyload.next_id(Resident), copyload.next_id(User)
    initials: dict[str, str] = {}
    reg = Registry()
    residents: list[tuple[Any, ...]] = []
    users: list[tuple[Any, ...]] = []
    roles: list[tuple[Any, ...]] = []
    started = time.monotonic()

    bench_v = city.demo_village
    me = population.person(68, "F")
    me.name = BENCH_RESIDENT_NAME
    me.id_number = population.id_number(city.county_of[bench_v.pk].code, me.birth_date, "F")
    me.phone = "+86" + BENCH_RESIDENT_PHONE
    me.household, me.is_head = f"{bench_v.code}0000", True
    counts = _counts(city.villages, max(total - 1, 0), rng)

    def people() -> Iterator[tuple[Any, Area, Area]]:
        yield me, bench_v, city.grids[bench_v.pk][0]
        for v in city.villages:
            grids = city.grids[v.pk]
            for p in population.village_residents(counts[v.pk], city.county_of[v.pk].code, v.code, len(grids)):
                yield p, v, grids[p.grid_index]

    for p, village, grid in people():
        rid = next_resident
        next_resident += 1
        if p.name not in initials:
            initials[p.name] = name_initials(p.name)
        phone_digest = digest(p.phone) if p.phone else ""
        residents.append(
            residents_t.row(
                {
                    "id": rid,
                    "name": p.name,
                    "name_initials": initials[p.name],
                    "gender": p.gender,
                    "birth_date": p.birth_date,
                    "id_number": p.id_number,
                    "id_digest": digest(p.id_number),
                    "phone": p.phone,
                    "phone_digest": phone_digest,
                    "household": p.household,
                    "is_household_head": p.is_head,
                    "village_id": village.pk,
                    "grid_id": grid.pk,
                    "area_path": grid.path,
                    "tags": [str(t) for t in p.tags],
                    "disability_grade": p.disability_grade,
                    "created_at": now,
                },
                r_defaults,
            )
        )
        uid = 0
        age = p.age_on(today)
        if p is me or (p.phone and 18 <= age <= 75 and rng.random() < ACCOUNT_SHARE):
            uid = next_user
            next_user += 1
            users.append(
                users_t.row(
                    {
                        "id": uid,
                        "login_digest": phone_digest,
                        "phone": p.phone,
                        "name": p.name,
                        "resident_id": rid,
                        "password": password_hash,
                        "date_joined": now,
                    },
                    u_defaults,
                )
            )
            roles.append(roles_t.row({"user_id": uid, "role": Role.RESIDENT.value, "area_id": village.pk}, ra_defaults))
        reg.ids.append(rid)
        reg.names.append(p.name)
        reg.village_ids.append(village.pk)
        reg.area_paths.append(grid.path)
        reg.user_ids.append(uid)
        if len(residents) >= RESIDENT_CHUNK:
            sink.put(residents_t, residents)
            residents = []
            progress.rows("residents", len(reg.ids), total, started)
    sink.put(residents_t, residents)
    # Accounts point at residents: the residents' COPY must be in first.
    sink.flush()
    for i in range(0, len(users), RESIDENT_CHUNK):
        sink.put(users_t, users[i : i + RESIDENT_CHUNK])
    sink.flush()
    for i in range(0, len(roles), RESIDENT_CHUNK * 5):
        sink.put(roles_t, roles[i : i + RESIDENT_CHUNK * 5])
    sink.flush()
    reg.accounts = len(users)
    progress.rows("residents", len(reg.ids), total, started)
    return reg


# -- cases -------------------------------------------------------------------------------------


@dataclass
class CaseContext:
    """All a worker needs to plan its share of cases; inherited by fork, never pickled."""

    registry: Registry
    agent_of: dict[int, int]
    centre_of: dict[int, int]
    online_items: list[ServiceItem]
    counter_items: list[ServiceItem]
    calendar: WorkCalendar
    now: dt.datetime
    tz: ZoneInfo
    escalate_after: int
    seed: int
    total: int
    chunks: int
    first_id: int
    cases: Table = field(default_factory=lambda: Table.of(Case))
    events: Table = field(default_factory=lambda: Table.of(CaseEvent, with_pk=False))


_CONTEXT: CaseContext | None = None

EVENT_COLUMNS = ("case_id", "kind", "actor_id", "note", "at")


def _context() -> CaseContext:
    if _CONTEXT is None:
        raise RuntimeError("plan_chunk runs inside build_cases, which sets the context")
    return _CONTEXT


def _urgency(rng: random.Random, state: str) -> str:
    if state not in (State.ACCEPTED, State.CARRIED):
        return ""
    return rng.choices(("overdue", "due_soon", ""), (18, 22, 60))[0]


def plan_chunk(c: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], Counter[str]]:
    """Cases number c·CASE_CHUNK… of the city, for the residents whose index is c modulo the chunk count.

    Giving each chunk its own residents keeps "one open case per resident and
    item" true without the workers sharing anything.
    """
    ctx = _context()
    if ctx.events.columns != EVENT_COLUMNS:
        raise RuntimeError(f"CaseEvent's columns changed: {ctx.events.columns}; update EVENT_COLUMNS")
    reg = ctx.registry
    rng = random.Random(ctx.seed * 1_000_003 + c)  # noqa: S311 -- seeded on purpose: the same seed, the same city
    planner = CasePlanner(rng=rng, calendar=ctx.calendar, now=ctx.now, tz=ctx.tz, escalate_after=ctx.escalate_after)
    members = list(range(c, len(reg.ids), ctx.chunks))
    with_account = [i for i in members if reg.user_ids[i]]
    start = c * CASE_CHUNK
    count = max(0, min(CASE_CHUNK, ctx.total - start))

    wanted: list[tuple[str, int | None]] = []  # state, resident index if fixed
    if c == 0:
        wanted += [(s, None) for s in State]
        wanted += [(s, 0) for s in BENCH_RESIDENT_STATES]
    states, weights = list(builder.STATE_WEIGHTS), list(builder.STATE_WEIGHTS.values())
    wanted += [(s, None) for s in rng.choices(states, weights, k=max(0, count - len(wanted)))]
    wanted = wanted[:count]

    defaults = ctx.cases.defaults()
    open_pairs: set[tuple[int, int]] = set()
    cases: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    made: Counter[str] = Counter()
    case_id = ctx.first_id + start
    for state, fixed in wanted:
        for attempt in range(20):
            if fixed is not None and attempt < 10:
                i = fixed
            else:
                needs_account = state == State.WITHDRAWN or (state == State.CLOSED and rng.random() < 0.65)
                pool = with_account if needs_account and with_account else members
                if not pool:
                    break
                i = rng.choice(pool)
            user_id = reg.user_ids[i] or None
            if state == State.WITHDRAWN and user_id is None:
                continue  # only the resident withdraws, online
            if user_id is not None:
                channel = rng.choices(
                    (Channel.ONLINE, Channel.WALK_IN, Channel.PHONE, Channel.HOME_VISIT), (45, 30, 15, 10)
                )[0]
            else:
                channel = rng.choices((Channel.WALK_IN, Channel.PHONE, Channel.HOME_VISIT), (50, 28, 22))[0]
            urgency = _urgency(rng, state)
            items = ctx.online_items if channel == Channel.ONLINE else ctx.counter_items
            if urgency == "due_soon":
                items = [it for it in items if it.promised_days >= 3] or items
            item = rng.choice(items)
            if state in OPEN_STATES:
                if (i, item.pk) in open_pairs:
                    continue
                open_pairs.add((i, item.pk))
            village = reg.village_ids[i]
            agent = ctx.agent_of[village]
            plan = planner.plan(
                state=state,
                who=Who(
                    creator_id=user_id or agent if channel == Channel.ONLINE else agent,
                    agent_id=agent,
                    resident_user_id=user_id,
                ),
                item=item,
                channel=channel,
                resident_name=reg.names[i],
                urgency=urgency,
                rate=state == State.CLOSED and rng.random() < 0.85,
            )
            plan.fields.update(
                id=case_id,
                resident_id=reg.ids[i],
                item_id=item.pk,
                village_id=village,
                centre_id=ctx.centre_of[village],
                area_path=reg.area_paths[i],
            )
            cases.append(ctx.cases.row(plan.fields, defaults))
            events.extend((case_id, kind, actor, note, at) for kind, actor, note, at in plan.events)
            made[state] += 1
            case_id += 1
            break
    return cases, events, made


def _plan_and_format(c: int) -> tuple[bytes, bytes, int, int, Counter[str]]:
    ctx = _context()
    cases, events, made = plan_chunk(c)
    return (
        copyload.copy_text(ctx.cases, cases),
        copyload.copy_text(ctx.events, events),
        len(cases),
        len(events),
        made,
    )


def build_cases(ctx: CaseContext, workers: int, progress: Progress) -> tuple[int, int, Counter[str]]:
    """Plan the cases (in workers when there are several) and write them with their timelines."""
    global _CONTEXT
    _CONTEXT = ctx
    n_cases = n_events = 0
    by_state: Counter[str] = Counter()
    started = time.monotonic()
    pool = _pool(workers)
    try:
        if pool is None:
            for c in range(ctx.chunks):
                cases, events, made = plan_chunk(c)
                copyload.write(ctx.cases, cases)
                copyload.write(ctx.events, events)
                n_cases, n_events = n_cases + len(cases), n_events + len(events)
                by_state.update(made)
                progress.rows("cases", n_cases, ctx.total, started)
        else:
            pending: deque[AsyncResult[tuple[bytes, bytes, int, int, Counter[str]]]] = deque()
            chunks = iter(range(ctx.chunks))
            for c in chunks:
                pending.append(pool.apply_async(_plan_and_format, (c,)))
                if len(pending) < workers + 2:
                    continue
                n_cases, n_events = _write_planned(ctx, pending.popleft().get(), n_cases, n_events, by_state)
                progress.rows("cases", n_cases, ctx.total, started)
            while pending:
                n_cases, n_events = _write_planned(ctx, pending.popleft().get(), n_cases, n_events, by_state)
                progress.rows("cases", n_cases, ctx.total, started)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        _CONTEXT = None
    return n_cases, n_events, by_state


def _write_planned(
    ctx: CaseContext,
    result: tuple[bytes, bytes, int, int, Counter[str]],
    n_cases: int,
    n_events: int,
    by_state: Counter[str],
) -> tuple[int, int]:
    case_text, event_text, c, e, made = result
    copyload.copy_in(ctx.cases, case_text)
    copyload.copy_in(ctx.events, event_text)
    by_state.update(made)
    return n_cases + c, n_events + e


# -- the whole city ------------------------------------------------------------------------------


@dataclass
class Report:
    timings: dict[str, float]
    counts: dict[str, Any]
    bench_village: str


def generate(
    scale: Scale,
    *,
    seed: int = 2026,
    workers: int = 1,
    now: dt.datetime | None = None,
    figures: bool = True,
    say: Callable[[str], Any] = print,
) -> Report:
    """Fill an empty database with a city of the given scale, in one transaction; then, unless
    `figures` is false, roll up its metrics as the tick would have.

    Raises CityExists when a city is already there.
    """
    from xiangli.areas.data.luoyang import CITY
    from xiangli.catalog.data.service_items import SERVICE_ITEMS

    progress = Progress(say)
    rng = random.Random(seed)  # noqa: S311 -- seeded on purpose: the same seed, the same city
    now = now or timezone.now()
    tz = ZoneInfo(settings.TIME_ZONE)
    today = now.astimezone(tz).date()
    started = time.monotonic()
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        if city_exists():
            raise CityExists("a city is already in this database")
        keys = copyload.drop_foreign_keys((Resident, User, RoleAssignment, Case, CaseEvent))
        with progress.phase("areas and centres"):
            city = build_areas(plan_tree(CITY, scale.villages, rng), rng)
            builder.build_centres(city, rng)
            items = builder.load_service_items(SERVICE_ITEMS)
        with progress.phase("staff"):
            password_hash = make_password(PASSWORD)
            population = Population(rng, today, {p for _, p, *_ in BENCH_STAFF} | {BENCH_RESIDENT_PHONE})
            staff = build_staff(city, population, password_hash)
            population.used_phones |= staff.phones
        with progress.phase("residents"):
            pool = _pool(workers)
            try:
                registry = build_residents(
                    city,
                    population,
                    scale.residents,
                    password_hash=password_hash,
                    now=now,
                    sink=Sink(pool, window=2 * workers),
                    progress=progress,
                )
            finally:
                if pool is not None:
                    pool.close()
                    pool.join()
        with progress.phase("cases"):
            ctx = CaseContext(
                registry=registry,
                agent_of=staff.agent_of,
                centre_of={v: c.pk for v, c in city.centres.items()},
                online_items=[i for i in items if i.online_allowed and i.active],
                counter_items=[i for i in items if i.active and (i.proxy_allowed or i.level == HandlingLevel.VILLAGE)],
                calendar=WorkCalendar.load(),
                now=now,
                tz=tz,
                escalate_after=settings.ESCALATE_TO_TOWNSHIP_AFTER_DAYS,
                seed=seed,
                total=scale.cases,
                chunks=max(1, -(-scale.cases // CASE_CHUNK)),
                first_id=copyload.next_id(Case),
            )
            build_cases(ctx, workers, progress)
            for model in (Resident, User, Case):
                copyload.sync_sequence(model)
        with progress.phase("foreign keys"):
            copyload.restore_foreign_keys(keys)
    # After COMMIT: VACUUM cannot run in a transaction, and the rollups want the statistics.
    if copyload.uses_copy():
        with progress.phase("vacuum"):
            vacuum((Area, Centre, ServiceItem, Resident, User, RoleAssignment, Case, CaseEvent))
    if figures:
        with progress.phase("figures"):
            build_figures(today, tz, progress)
            if copyload.uses_copy():
                vacuum((AreaDay, AreaStanding, RollupRun))
    with progress.phase("count"):
        counts = count()
    progress.timings["total"] = time.monotonic() - started
    return Report(timings=progress.timings, counts=counts, bench_village=city.demo_village.name)


def vacuum(models_: Sequence[type[models.Model]]) -> None:
    """VACUUM (ANALYZE) the models' tables, on PostgreSQL: the statistics for the planner, and the
    visibility map set, so that index-only scans work from the first query. Inside a caller's
    transaction (a test's, say), where VACUUM cannot run, only ANALYZE."""
    # Only these tables: a bare VACUUM or ANALYZE also takes every catalog, the shared ones
    # (pg_authid…) included, and ANALYZE in a caller's transaction would hold those to its
    # COMMIT, which stalls ANALYZE in every database.
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models_)
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {tables}")


def build_figures(today: dt.date, tz: ZoneInfo, progress: Progress) -> None:
    """The rollups a live deployment's tick keeps: every day of the cases' history, a month at a
    time as the monthly pass does (one month's rows in memory, one transaction each), then the
    standing with policy coverage, as the nightly pass leaves it."""
    earliest = Case.objects.aggregate(first=models.Min("submitted_at"))["first"]
    first = min(earliest.astimezone(tz).date(), today) if earliest else today
    start = first
    while start <= today:
        month = periods.month(start)
        run = roll_up(start, min(month.last, today))
        progress.say(f"  figures of {month.code}: {run.rows:,} area days in {run.seconds:.1f} s")
        start = month.last + dt.timedelta(days=1)
    standing = refresh_standing(today=today, policies=True)
    progress.say(f"  standing: {standing.rows:,} areas in {standing.seconds:.1f} s")


def count() -> dict[str, Any]:
    """Totals for the summary: cheap aggregate queries, fine at full scale."""
    areas = dict(Area.objects.values_list("kind").annotate(n=models.Count("pk")))
    states = dict(Case.objects.values_list("state").annotate(n=models.Count("pk")))
    return {
        "areas": {k: areas.get(k, 0) for k in AreaKind.values},
        "centres": Centre.objects.count(),
        "service_items": ServiceItem.objects.count(),
        "residents": Resident.objects.count(),
        "residents_with_phone": Resident.objects.exclude(phone_digest="").count(),
        "accounts": User.objects.count(),
        "resident_accounts": User.objects.filter(resident__isnull=False).count(),
        "role_assignments": RoleAssignment.objects.count(),
        "cases": sum(states.values()),
        "cases_by_state": {s: states.get(s, 0) for s in State.values},
        "events": CaseEvent.objects.count(),
    }


# Kept on reset: the working-day calendar (seeded by a migration) and the audit
# trail, which is append-only by law and by a trigger that TRUNCATE would slip past.
KEPT_APPS = {"workdays", "audit"}


def reset() -> None:
    """Empty the tables of Xiangli's apps (TRUNCATE on PostgreSQL), except those in KEPT_APPS."""
    from django.apps import apps

    labels = {a.label for a in apps.get_app_configs() if a.name.startswith("xiangli.") and a.label not in KEPT_APPS}
    tables = sorted(
        {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.app_label in labels}
    )
    quoted = [connection.ops.quote_name(t) for t in tables]
    with transaction.atomic(), connection.cursor() as cursor:
        if copyload.uses_copy():
            cursor.execute(f"TRUNCATE {', '.join(quoted)} RESTART IDENTITY CASCADE")
        else:
            # SQLite checks foreign keys at commit, so the order of the deletes does not matter.
            for table in quoted:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 -- table names from the models


def bench_logins() -> list[tuple[str, str]]:
    """(role, phone) of the fixed bench logins."""
    return [(key, phone) for key, phone, *_ in BENCH_STAFF] + [("resident", BENCH_RESIDENT_PHONE)]
