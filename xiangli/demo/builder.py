"""The demo city: Luoyang's areas, centres and service list, made-up villagers, staff and cases.

`build()` writes everything in one transaction with bulk inserts, so the whole
city takes seconds; the field values are the ones the real actions would have
written (see casework.py). `reset()` empties the database for a fresh build.
Running the demo again without a reset changes nothing: `demo_exists()` is the
check, and `logins()` the table printed each time.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone, translation

from xiangli.areas.loading import add_children
from xiangli.areas.models import BASIC_FUNCTIONS, FOUR_HAVES, Area, AreaKind, Centre, CentreFunction, CentreStandard
from xiangli.cases.models import OPEN_STATES, Case, CaseEvent, Channel, State
from xiangli.catalog.models import HandlingLevel, ServiceItem
from xiangli.people.crypto import digest
from xiangli.people.models import Resident, Role, RoleAssignment, User, name_initials

from .casework import CasePlanner, PlannedCase, Who, WorkCalendar
from .population import Person, Population

CITY_CODE = "410300"
DEMO_COUNTY_CODE = "410324"  # 栾川县: its first village is the one the fixed logins serve
PASSWORD = "xiangli2026"  # noqa: S105 -- the demo's published password (README), demo data only
BATCH = 500

GRID_NAMES = [("第一网格", "First grid"), ("第二网格", "Second grid"), ("第三网格", "Third grid")]
# Counties whose villages live on visitors (Laojun Mountain, Chongdugou, Baiyun Mountain…).
TOURIST_COUNTIES = {"410324", "410325", "410326"}
OPENING_HOURS = (
    "周一至周五 8:30–12:00，14:30–17:30",
    "周一至周五 8:00–12:00，15:00–18:00",
    "周一至周六 8:30–12:00，14:30–17:30",
    "每天 8:00–18:00（中午不休）",
)

# Fixed demo logins: (key, phone, name, role, where): where is the demo village or one above it.
FIXED_STAFF = (
    ("admin", "13900000000", "系统管理员", None, "city"),
    ("agent", "13900000001", "李晓燕", Role.AGENT, "village"),
    ("secretary", "13900000002", "王建国", Role.SECRETARY, "village"),
    ("grid_worker", "13900000003", "刘红霞", Role.GRID_WORKER, "grid"),
    ("township_staff", "13900000004", "陈志强", Role.TOWNSHIP_STAFF, "township"),
    ("county_admin", "13900000005", "杨帆", Role.COUNTY_ADMIN, "county"),
    ("city_admin", "13900000006", "赵敏", Role.CITY_ADMIN, "city"),
    ("auditor", "13900000007", "周文静", Role.AUDITOR, "city"),
    ("volunteer", "13900000008", "吴春燕", Role.VOLUNTEER, "village"),
)
RESIDENT_PHONE = "13800000001"
RESIDENT_NAME = "王秀英"

# Share of cases per state, in the city and in the demo village (whose agent's queue is full).
STATE_WEIGHTS = {
    State.SUBMITTED: 5,
    State.ACCEPTED: 8,
    State.MATERIALS_PENDING: 3,
    State.CARRIED: 7,
    State.DONE: 5,
    State.CLOSED: 62,
    State.DECLINED: 5,
    State.WITHDRAWN: 5,
}
DEMO_STATE_WEIGHTS = {
    State.SUBMITTED: 9,
    State.ACCEPTED: 14,
    State.MATERIALS_PENDING: 6,
    State.CARRIED: 11,
    State.DONE: 8,
    State.CLOSED: 42,
    State.DECLINED: 5,
    State.WITHDRAWN: 5,
}
# The demo village's first cases: every state and deadline shows, however few cases are asked for.
DEMO_FIRST = (
    (State.ACCEPTED, "overdue"),
    (State.CARRIED, "due_soon"),
    (State.SUBMITTED, ""),
    (State.MATERIALS_PENDING, ""),
    (State.DONE, ""),
    (State.CLOSED, ""),
    (State.DECLINED, ""),
    (State.WITHDRAWN, ""),
    (State.CARRIED, "overdue"),
    (State.ACCEPTED, "due_soon"),
)
# And the demo resident's own: something to rate, something running, something just sent.
RESIDENT_FIRST = (
    (State.CLOSED, "", Channel.ONLINE),
    (State.DONE, "", Channel.WALK_IN),
    (State.CARRIED, "", Channel.HOME_VISIT),
    (State.SUBMITTED, "", Channel.ONLINE),
)

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Login:
    role: str
    phone: str
    where: str


@dataclass
class City:
    """The area tree as built, with what the later steps need to look up."""

    city: Area
    counties: list[Area]
    townships: list[Area]
    villages: list[Area]
    grids: dict[int, list[Area]]  # village id → its grids
    county_of: dict[int, Area]  # village id → county
    township_of: dict[int, Area]  # village id → township
    demo_village: Area
    centres: dict[int, Centre] = field(default_factory=dict)  # village id → centre


def _bulk(model: type[M], rows: Sequence[M]) -> list[M]:
    return model._default_manager.bulk_create(rows, batch_size=BATCH)


# -- checking and emptying -----------------------------------------------------------


def demo_exists() -> bool:
    return Area.objects.filter(code=CITY_CODE).exists()


def reset() -> None:
    """Delete what the demo writes: every app's rows but the working-day calendar and the audit trail."""
    from xiangli.cases.models import Attachment
    from xiangli.notifications.models import Notification, SmsMessage
    from xiangli.people.models import LoginCode, PersonalDataAccess

    ordered: list[type[models.Model]] = [
        Notification,
        SmsMessage,
        Attachment,
        CaseEvent,
        Case,
        PersonalDataAccess,
        LoginCode,
        RoleAssignment,
        User,
        Resident,
        Centre,
    ]
    known = {*ordered, Area, ServiceItem}
    # Models of apps added later (help tasks, points, activities…) go first, in
    # whatever order their PROTECTs allow.
    others = [
        m
        for m in apps.get_models()
        if m.__module__.startswith("xiangli.")
        and m._meta.app_label not in ("workdays", "audit")  # the audit trail is append-only
        and m not in known
        and not m._meta.auto_created
    ]
    with transaction.atomic():
        purge_extras()
        while others:
            progress = False
            for model in list(others):
                try:
                    with transaction.atomic():
                        model._default_manager.all().delete()
                except ProtectedError:
                    continue
                others.remove(model)
                progress = True
            if not progress:
                raise ProtectedError(f"cannot empty {', '.join(m.__name__ for m in others)}", set())
        for model in ordered:
            model._default_manager.all().delete()
        # Each level PROTECTs the one above it: grids first, the city last.
        for depth in range(4, -1, -1):
            Area.objects.filter(depth__gte=depth).delete()
        ServiceItem.objects.all().delete()


# -- areas, centres, service list -------------------------------------------------------


def build_areas(tree: dict[str, Any]) -> City:
    """City → counties → townships → villages (and communities) → three grids each."""
    city = Area(
        code=tree["code"], name=tree["name"], name_en=tree.get("name_en", ""), kind=AreaKind.CITY
    )
    city.save()

    counties = add_children([(city, tree)], AreaKind.COUNTY)
    townships = add_children(counties, AreaKind.TOWNSHIP)
    villages = add_children(townships, AreaKind.VILLAGE)
    grids = _bulk(
        Area,
        [
            Area(
                code=f"{v.code}-{i + 1:02d}",
                name=zh,
                name_en=en,
                kind=AreaKind.GRID,
                parent=v,
                path=f"{v.path}{v.code}-{i + 1:02d}/",
                depth=v.depth + 1,
            )
            for v, _ in villages
            for i, (zh, en) in enumerate(GRID_NAMES)
        ],
    )
    by_code = {a.code: a for a, _ in [*counties, *townships]}
    village_list = [v for v, _ in villages]
    county_of = {v.pk: by_code[v.ancestor_codes()[1]] for v in village_list}
    township_of = {v.pk: by_code[v.ancestor_codes()[2]] for v in village_list}
    grids_of: dict[int, list[Area]] = {}
    for g in grids:
        assert g.parent is not None  # noqa: S101 -- grids were made with a parent; for mypy
        grids_of.setdefault(g.parent.pk, []).append(g)
    demo = next(
        (v for v in village_list if county_of[v.pk].code == DEMO_COUNTY_CODE), village_list[0]
    )
    return City(
        city=city,
        counties=[c for c, _ in counties],
        townships=[t for t, _ in townships],
        villages=village_list,
        grids=grids_of,
        county_of=county_of,
        township_of=township_of,
        demo_village=demo,
    )


def build_centres(city: City, rng: random.Random) -> None:
    """A centre per village: most offer all seven basic functions, a quarter lack one or two."""
    basics = [str(f) for f in BASIC_FUNCTIONS]
    # The ones a small village most often cannot staff.
    scarce = [
        CentreFunction.CHILDCARE,
        CentreFunction.DAYCARE,
        CentreFunction.TRAINING,
        CentreFunction.HEALTH,
    ]
    rows = []
    for v in city.villages:
        county, township = city.county_of[v.pk], city.township_of[v.pk]
        functions = list(basics)
        if v != city.demo_village and rng.random() < 0.25:
            for missing in rng.sample(scarce, rng.choice((1, 1, 2))):
                functions.remove(str(missing))
        if rng.random() < 0.3:
            functions.append(str(CentreFunction.ECOMMERCE))
        if rng.random() < (0.45 if county.code in TOURIST_COUNTIES else 0.08):
            functions.append(str(CentreFunction.TOURISM))
        # Luoyang says every centre met the four haves by 2022; a few still lack funds or posted rules.
        standards = [str(s) for s in FOUR_HAVES]
        if v != city.demo_village and rng.random() < 0.06:
            standards.remove(rng.choice((str(CentreStandard.FUNDS), str(CentreStandard.RULES))))
        rows.append(
            Centre(
                area=v,
                name=f"{v.name}党群服务中心",
                address=county.name
                + township.name
                + v.name
                + ("居委会" if v.is_community else "村委会"),
                hotline=f"0379-6{rng.randrange(10**7):07d}",
                opening_hours=rng.choice(OPENING_HOURS),
                functions=functions,
                standards=standards,
            )
        )
    city.centres = {c.area.pk: c for c in _bulk(Centre, rows)}


def load_service_items(items: Iterable[dict[str, Any]]) -> list[ServiceItem]:
    """The service list, updated in place by code so that cases keep their items."""
    loaded = []
    for sort, data in enumerate(items):
        values = {k: v for k, v in data.items() if k != "code"}
        values.update(fee=Decimal(str(values.get("fee", "0"))), sort=sort, active=True)
        item, _ = ServiceItem.objects.update_or_create(code=data["code"], defaults=values)
        loaded.append(item)
    return loaded


# -- people ----------------------------------------------------------------------------


def _fixed_area(city: City, where: str) -> Area:
    v = city.demo_village
    return {
        "village": v,
        "grid": city.grids[v.pk][0],
        "township": city.township_of[v.pk],
        "county": city.county_of[v.pk],
        "city": city.city,
    }[where]


def _agent_phone(index: int) -> str:
    return f"1351000{index:04d}"


def _secretary_phone(index: int) -> str:
    return f"1352000{index:04d}"


@dataclass
class Staff:
    fixed: dict[str, User]
    agent_of: dict[int, int]  # village id → agent's user id


def build_staff(city: City, population: Population, password_hash: str) -> Staff:
    """The fixed demo logins, then an agent and a secretary for every other village."""
    fixed: dict[str, User] = {}
    roles: list[RoleAssignment] = []
    for key, phone, name, role, where in FIXED_STAFF:
        admin = key == "admin"
        # No password here: one Argon2 hash, made once, is set on every account below.
        user = User.objects.create_user(phone, None, name=name, is_staff=admin, is_superuser=admin)
        fixed[key] = user
        if role:
            roles.append(RoleAssignment(user=user, role=role, area=_fixed_area(city, where)))
    User.objects.filter(pk__in=[u.pk for u in fixed.values()]).update(password=password_hash)

    others = [v for v in city.villages if v != city.demo_village]
    users = []
    for i in range(1, len(others) + 1):
        for phone in (_agent_phone(i), _secretary_phone(i)):
            e164 = "+86" + phone
            birth_year = population.rng.randint(1965, 1995)
            gender = "M" if population.rng.random() < 0.6 else "F"
            users.append(
                User(
                    login_digest=digest(e164),
                    phone=e164,
                    name=population.name(gender, birth_year),
                    password=password_hash,
                )
            )
    users = _bulk(User, users)
    agent_of = {city.demo_village.pk: fixed["agent"].pk}
    for i, v in enumerate(others):
        agent, secretary = users[2 * i], users[2 * i + 1]
        agent_of[v.pk] = agent.pk
        roles += [
            RoleAssignment(user=agent, role=Role.AGENT, area=v),
            RoleAssignment(user=secretary, role=Role.SECRETARY, area=v),
        ]
    _bulk(RoleAssignment, roles)
    return Staff(fixed=fixed, agent_of=agent_of)


def _resident_row(p: Person, village: Area, grid: Area) -> Resident:
    # What Resident.save() would compute, done here because bulk_create skips save().
    return Resident(
        name=p.name,
        name_initials=name_initials(p.name),
        gender=p.gender,
        birth_date=p.birth_date,
        id_number=p.id_number,
        id_digest=digest(p.id_number),
        phone=p.phone,
        phone_digest=digest(p.phone) if p.phone else "",
        household=p.household,
        is_household_head=p.is_head,
        village=village,
        grid=grid,
        area_path=grid.path,
        tags=list(p.tags),
        disability_grade=p.disability_grade,
    )


def _share(
    total: int, villages: list[Area], demo: Area, demo_share: int, rng: random.Random
) -> dict[int, int]:
    """Residents per village: the demo village its share, the others by random weight."""
    counts = Counter({v.pk: 0 for v in villages})
    counts[demo.pk] = min(total, demo_share)
    others = [v for v in villages if v != demo]
    weights = [rng.uniform(0.5, 1.5) * (1.4 if v.is_community else 1.0) for v in others]
    for v in rng.choices(others, weights, k=total - counts[demo.pk]):
        counts[v.pk] += 1
    return counts


@dataclass
class Registry:
    residents: list[Resident]
    user_of: dict[int, int]  # resident id → account id
    demo_resident: Resident


def build_residents(
    city: City, population: Population, total: int, password_hash: str, rng: random.Random
) -> Registry:
    """The registry, household by household, and accounts for a third of the adults with phones."""
    today = population.today
    demo = city.demo_village
    demo_county = city.county_of[demo.pk].code
    # Two of the total are the demo resident and her husband, made below.
    counts = _share(max(total - 2, 0), city.villages, demo, max(30, round(total * 0.06)), rng)

    # The demo resident, who logs in with a fixed phone: a pensioner in the first grid.
    me = population.person(67, "F")
    me.name = RESIDENT_NAME
    me.id_number = population.id_number(demo_county, me.birth_date, "F")
    me.phone = "+86" + RESIDENT_PHONE
    me.household, me.is_head = f"{demo.code}0000", True
    husband = population.person(70, "M", "张")
    husband.id_number = population.id_number(demo_county, husband.birth_date, "M")
    husband.household = me.household
    demo_grid = city.grids[demo.pk][0]
    rows = [_resident_row(me, demo, demo_grid), _resident_row(husband, demo, demo_grid)]
    for v in city.villages:
        grids = city.grids[v.pk]
        for p in population.village_residents(
            counts[v.pk], city.county_of[v.pk].code, v.code, len(grids)
        ):
            rows.append(_resident_row(p, v, grids[p.grid_index]))
    residents = _bulk(Resident, rows)

    accounts, roles = [], []
    for r in residents:
        age = r.age_on(today)
        if r is residents[0] or (r.phone and 18 <= age <= 75 and rng.random() < 0.35):
            accounts.append(
                User(
                    login_digest=digest(r.phone),
                    phone=r.phone,
                    name=r.name,
                    resident=r,
                    password=password_hash,
                )
            )
    accounts = _bulk(User, accounts)
    for u in accounts:
        assert u.resident is not None  # noqa: S101 -- these accounts were made for residents; for mypy
        roles.append(RoleAssignment(user=u, role=Role.RESIDENT, area=u.resident.village))
    _bulk(RoleAssignment, roles)
    return Registry(
        residents=residents,
        user_of={u.resident.pk: u.pk for u in accounts if u.resident},
        demo_resident=residents[0],
    )


# -- cases -------------------------------------------------------------------------------


class CaseMaker:
    """Chooses who, what and how for each case, and has the planner lay out its timeline."""

    def __init__(
        self,
        *,
        city: City,
        staff: Staff,
        registry: Registry,
        items: list[ServiceItem],
        planner: CasePlanner,
        rng: random.Random,
    ) -> None:
        self.city, self.staff, self.registry, self.planner, self.rng = (
            city,
            staff,
            registry,
            planner,
            rng,
        )
        self.online_items = [i for i in items if i.online_allowed and i.active]
        self.counter_items = [
            i for i in items if i.active and (i.proxy_allowed or i.level == HandlingLevel.VILLAGE)
        ]
        self.open_pairs: set[tuple[int, int]] = set()
        demo = city.demo_village.pk
        self.pools: dict[bool, tuple[list[Resident], list[Resident]]] = {}
        for in_demo in (True, False):
            everyone = [r for r in registry.residents if (r.village_id == demo) == in_demo]
            self.pools[in_demo] = (everyone, [r for r in everyone if r.pk in registry.user_of])

    def _resident(self, in_demo: bool, state: str) -> Resident | None:
        everyone, with_account = self.pools[in_demo]
        wants_account = state == State.WITHDRAWN or (
            state == State.CLOSED and self.rng.random() < 0.65
        )
        pool = with_account if wants_account and with_account else everyone
        if state == State.WITHDRAWN and not with_account:
            return None
        return self.rng.choice(pool) if pool else None

    def _channel(self, has_account: bool, state: str) -> str:
        if has_account:
            return self.rng.choices(
                (Channel.ONLINE, Channel.WALK_IN, Channel.PHONE, Channel.HOME_VISIT),
                (45, 30, 15, 10),
            )[0]
        return self.rng.choices((Channel.WALK_IN, Channel.PHONE, Channel.HOME_VISIT), (50, 28, 22))[
            0
        ]

    def _item(
        self, resident: Resident, channel: str, state: str, urgency: str
    ) -> ServiceItem | None:
        items = self.online_items if channel == Channel.ONLINE else self.counter_items
        if urgency == "due_soon":
            items = [i for i in items if i.promised_days >= 3] or items
        for _ in range(12):
            item = self.rng.choice(items)
            if state not in OPEN_STATES or (resident.pk, item.pk) not in self.open_pairs:
                return item
        return None

    def make(
        self,
        state: str,
        urgency: str,
        in_demo: bool,
        *,
        resident: Resident | None = None,
        channel: str = "",
    ) -> tuple[Resident, PlannedCase] | None:
        if resident is None:
            resident = self._resident(in_demo, state)
        if resident is None:
            return None
        user_id = self.registry.user_of.get(resident.pk)
        channel = channel or self._channel(user_id is not None, state)
        if channel == Channel.ONLINE and user_id is None:
            channel = Channel.WALK_IN
        item = self._item(resident, channel, state, urgency)
        if item is None:
            return None
        if state in OPEN_STATES:
            self.open_pairs.add((resident.pk, item.pk))
        agent = self.staff.agent_of[resident.village_id]
        creator = agent
        if channel == Channel.ONLINE:
            assert user_id is not None  # noqa: S101 -- online cases are drawn for residents with accounts
            creator = user_id
        elif (
            channel == Channel.HOME_VISIT
            and in_demo
            and resident.grid_id == self.city.grids[resident.village_id][0].pk
        ):
            creator = self.staff.fixed["grid_worker"].pk
        plan = self.planner.plan(
            state=state,
            who=Who(creator_id=creator, agent_id=agent, resident_user_id=user_id),
            item=item,
            channel=channel,
            resident_name=resident.name,
            urgency=urgency,
            rate=state == State.CLOSED and self.rng.random() < 0.85,
        )
        plan.fields.update(
            resident_id=resident.pk,
            item_id=item.pk,
            village_id=resident.village_id,
            centre_id=self.city.centres[resident.village_id].pk,
            area_path=resident.area_path,
        )
        return resident, plan


def _urgency(rng: random.Random, state: str) -> str:
    if state not in (State.ACCEPTED, State.CARRIED):
        return ""
    return rng.choices(("overdue", "due_soon", ""), (18, 22, 60))[0]


def build_cases(maker: CaseMaker, total: int, rng: random.Random) -> tuple[int, int]:
    """`total` cases with their timelines: a good share in the demo village, every state in both."""
    demo_total = min(total, max(len(RESIDENT_FIRST) + len(DEMO_FIRST), round(total * 0.075)))
    wanted: list[tuple[str, str, bool, str]] = [(s, u, True, c) for s, u, c in RESIDENT_FIRST]
    wanted += [(s, u, True, "") for s, u in DEMO_FIRST]
    states, weights = list(DEMO_STATE_WEIGHTS), list(DEMO_STATE_WEIGHTS.values())
    while len(wanted) < demo_total:
        s = rng.choices(states, weights)[0]
        wanted.append((s, _urgency(rng, s), True, ""))
    wanted = wanted[:demo_total]
    others = list(State)
    states, weights = list(STATE_WEIGHTS), list(STATE_WEIGHTS.values())
    while len(wanted) < total:
        s = others.pop(0) if others else rng.choices(states, weights)[0]
        wanted.append((s, _urgency(rng, s), False, ""))

    made: list[PlannedCase] = []
    me = maker.registry.demo_resident
    for n, (state, urgency, in_demo, channel) in enumerate(wanted):
        mine = n < len(RESIDENT_FIRST)
        result = maker.make(state, urgency, in_demo, resident=me if mine else None, channel=channel)
        if result is None and state == State.WITHDRAWN:  # nobody there to withdraw online
            result = maker.make(State.DECLINED, "", in_demo)
        if result is not None:
            made.append(result[1])
    cases = _bulk(Case, [Case(**p.fields) for p in made])
    events = [
        CaseEvent(case=c, kind=kind, actor_id=actor, note=note, at=at)
        for c, p in zip(cases, made, strict=True)
        for kind, actor, note, at in p.events
    ]
    _bulk(CaseEvent, events)
    return len(cases), len(events)


# -- the whole city ---------------------------------------------------------------------------


@dataclass
class Summary:
    seconds: float
    counts: dict[str, Any]


def build(
    *, residents: int = 3000, cases: int = 2000, seed: int = 2026, now: dt.datetime | None = None
) -> Summary:
    """Build the demo city in one transaction; the same seed (and `now`) gives the same city."""
    from xiangli.areas.data.luoyang import CITY
    from xiangli.catalog.data.service_items import SERVICE_ITEMS

    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 -- seeded on purpose: the same seed gives the same demo city
    now = now or timezone.now()
    tz = ZoneInfo(settings.TIME_ZONE)
    today = now.astimezone(tz).date()
    password_hash = make_password(PASSWORD)
    reserved = {phone for _, phone, *_ in FIXED_STAFF} | {RESIDENT_PHONE}
    reserved |= {f(i) for i in range(1, 10_000) for f in (_agent_phone, _secretary_phone)}
    population = Population(rng, today, reserved)
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        city = build_areas(CITY)
        build_centres(city, rng)
        items = load_service_items(SERVICE_ITEMS)
        staff = build_staff(city, population, password_hash)
        registry = build_residents(city, population, residents, password_hash, rng)
        planner = CasePlanner(
            rng=rng,
            calendar=WorkCalendar.load(),
            now=now,
            tz=tz,
            escalate_after=settings.ESCALATE_TO_TOWNSHIP_AFTER_DAYS,
        )
        maker = CaseMaker(
            city=city, staff=staff, registry=registry, items=items, planner=planner, rng=rng
        )
        build_cases(maker, cases, rng)
        extras = build_extras(rng, now)
    counts = count(today)
    counts["extras"] = extras
    return Summary(seconds=time.monotonic() - started, counts=counts)


def _demo_modules() -> list[Any]:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("xiangli.") or config.label == "demo":
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.demo"))
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.demo":
                raise
    return modules


def purge_extras() -> None:
    """Apps whose rows refuse ordinary deletes (the points ledger) empty them for a reset."""
    for module in _demo_modules():
        if hasattr(module, "purge"):
            module.purge()


def build_extras(rng: random.Random, now: dt.datetime) -> dict[str, int]:
    """Let every app with a `demo` module add its part to the city, in INSTALLED_APPS order.

    Each `xiangli.<app>.demo.build(rng=..., now=...)` finds the areas, residents and
    staff built above in the database and returns counts to print ({"help tasks": 40}).
    """
    extras: dict[str, int] = {}
    for module in _demo_modules():
        extras.update(module.build(rng=rng, now=now))
    return extras


def count(today: dt.date) -> dict[str, Any]:
    """What is in the database, for the summary the command prints."""
    areas = Counter(dict(Area.objects.values_list("kind").annotate(n=models.Count("pk"))))
    states = Counter(dict(Case.objects.values_list("state").annotate(n=models.Count("pk"))))
    tags: Counter[str] = Counter()
    old = 0
    for tag_list, birth in Resident.objects.values_list("tags", "birth_date"):
        tags.update(tag_list)
        old += birth <= dt.date(today.year - 60, today.month, min(today.day, 28))
    centres = list(Centre.objects.values_list("functions", flat=True))
    return {
        "areas": {k: areas.get(k, 0) for k in AreaKind.values},
        "communities": Area.objects.filter(kind=AreaKind.VILLAGE, is_community=True).count(),
        "centres": len(centres),
        "centres_with_all_seven": sum(all(str(f) in fs for f in BASIC_FUNCTIONS) for fs in centres),
        "service_items": ServiceItem.objects.filter(active=True).count(),
        "residents": Resident.objects.count(),
        "residents_over_60": old,
        "residents_with_phone": Resident.objects.exclude(phone_digest="").count(),
        "households": Resident.objects.values("household").distinct().count(),
        "tags": dict(sorted(tags.items())),
        "accounts": User.objects.count(),
        "resident_accounts": User.objects.filter(resident__isnull=False).count(),
        "cases": sum(states.values()),
        "cases_by_state": {s: states.get(s, 0) for s in State.values},
        "overdue": Case.objects.overdue(today).count(),
        "due_within_2_days": Case.objects.due_soon(today, today + dt.timedelta(days=2)).count(),
        "rated": Case.objects.filter(rating__isnull=False).count(),
        "events": CaseEvent.objects.count(),
    }


def _place_name(area: Area) -> str:
    """A grid is named within its village: 庙子村第一网格."""
    if area.kind == AreaKind.GRID and area.parent is not None:
        return area.parent.name + area.name
    return area.name


def logins() -> list[Login]:
    """The fixed demo logins, read back from the database so the table never lies."""
    wanted = [(key, phone, role) for key, phone, _, role, _ in FIXED_STAFF]
    wanted.append(("resident", RESIDENT_PHONE, Role.RESIDENT))
    digests = {digest("+86" + phone): (key, phone) for key, phone, _ in wanted}
    users = {u.login_digest: u for u in User.objects.filter(login_digest__in=digests)}
    assignments = RoleAssignment.objects.filter(user__in=users.values()).select_related(
        "area__parent"
    )
    where = {ra.user_id: _place_name(ra.area) for ra in assignments}
    rows = []
    with translation.override("en"):
        labels = {r.value: str(r.label) for r in Role}
    for d, (key, phone) in digests.items():
        user = users.get(d)
        if user is None:
            continue
        label = "Administrator (superuser)" if key == "admin" else labels.get(key, key)
        rows.append(Login(role=label, phone=phone, where=where.get(user.pk, "everywhere")))
    return rows


def other_village_logins(limit: int = 2) -> list[Login]:
    """A sample of the generated agent and secretary logins, to show the numbering."""
    rows = []
    for ra in (
        RoleAssignment.objects.filter(role__in=[Role.AGENT, Role.SECRETARY])
        .exclude(user__login_digest__in=[digest("+86" + p) for _, p, *_ in FIXED_STAFF])
        .select_related("user", "area")
        .order_by("area__path", "role")[: 2 * limit]
    ):
        rows.append(
            Login(
                role=ra.get_role_display(),
                phone=ra.user.phone.removeprefix("+86"),
                where=ra.area.name,
            )
        )
    return rows


def format_logins(rows: Iterable[Login], write: Callable[[str], Any]) -> None:
    rows = list(rows)
    width = max((len(r.role) for r in rows), default=4)
    write(f"{'role'.ljust(width)}  {'phone':<11}  {'password':<11}  where")
    for r in rows:
        write(f"{r.role.ljust(width)}  {r.phone:<11}  {PASSWORD:<11}  {r.where}")
