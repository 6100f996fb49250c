"""Actions on policies: defining them, running them, and recording what the visits found.

Each action checks who acts and what was given, writes in one transaction with its
line in the audit trail, and raises ValidationError or PermissionDenied having
written nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangli.areas.models import Area, AreaKind
from xiangli.audit import services as audit
from xiangli.catalog.models import ServiceItem
from xiangli.people import scope
from xiangli.people.models import CASE_INTAKE_ROLES, Resident, ResidentQuerySet, Role, User

from . import rules
from .models import (
    OUTCOMES,
    WAITING,
    EnrolmentSource,
    EnrolmentStatus,
    Outreach,
    OutreachStatus,
    Policy,
    PolicyEnrolment,
    PolicyRun,
    PolicyStatus,
)

# Who defines and runs policies: township staff and above, for the areas they serve.
POLICY_ROLES = {Role.TOWNSHIP_STAFF, Role.COUNTY_ADMIN, Role.CITY_ADMIN}
# Who records the outcome of a visit: the grid worker, and the village and township staff.
OUTREACH_ROLES = CASE_INTAKE_ROLES
# A resident who declined is not asked again by a new run before this many days.
ASK_AGAIN_AFTER = dt.timedelta(days=180)
# A live policy is run again this long after its last run, for those who became eligible since.
RERUN_EVERY = dt.timedelta(days=1)
POLICY_AREA_KINDS = (AreaKind.CITY, AreaKind.COUNTY, AreaKind.TOWNSHIP)


def may_manage(user: Any, policy: Policy) -> bool:
    return scope.serves(user, policy.area.path, POLICY_ROLES)


def policy_areas_for(user: Any) -> list[Area]:
    """The areas a user may define policies for: the townships, counties or city they serve."""
    if getattr(user, "is_superuser", False):
        return list(Area.objects.filter(kind__in=POLICY_AREA_KINDS).order_by("path")[:500])
    paths = scope.paths_for(user, POLICY_ROLES)
    return list(Area.objects.filter(path__in=paths, kind__in=POLICY_AREA_KINDS).order_by("path"))


# -- reads the actions share ----------------------------------------------------------------


@contextmanager
def set_based(*, nested_loops: bool = True) -> Iterator[None]:
    """A transaction for statements over the whole registry: no JIT, room to hash in memory.

    Counting or copying the eligible among a million residents is estimated costly enough
    for PostgreSQL to compile the statement to machine code first, and the compiling took
    longer than the work: 0.8 to 2 s of a 2 to 5 s preview, measured. And the default
    4 MB of working memory is less than the hash of a policy's 140,000 enrolments or the
    counts per grid, which then spill to disk in batches. So, for this transaction only,
    JIT is off and each hash or sort may take 64 MB.

    `nested_loops=False` is for a join of rows written moments ago, which the planner's
    statistics have not seen yet: it takes them for a handful and looks each one up,
    where one hash of them is many times faster.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'"
                               + ("" if nested_loops else "; SET LOCAL enable_nestloop = off"))
        yield


def eligible(policy: Policy, *, today: dt.date | None = None) -> ResidentQuerySet:
    """Residents of the policy's area its rule matches, enrolled or not: one query, in the database."""
    today = today or timezone.localdate()
    return Resident.objects.filter(area_path__startswith=policy.area.path).filter(
        rules.compile_rule(policy.rule, today=today)
    )


def enrolled_exists(policy: Policy) -> Exists:
    """True for a resident who receives the policy's benefit."""
    return Exists(PolicyEnrolment.objects.filter(
        policy=policy, resident_id=OuterRef("pk"), status=EnrolmentStatus.ENROLLED,
    ))


def enrolled_q(policy: Policy) -> Q:
    return Q(enrolled_exists(policy))


def not_enrolled(policy: Policy, *, today: dt.date | None = None) -> ResidentQuerySet:
    """Eligible residents who do not receive the benefit yet: the people to find."""
    return eligible(policy, today=today).exclude(enrolled_q(policy))


def _waiting(now: dt.datetime) -> Q:
    """Visits that stop a run from asking again: still open, led to an application (a case
    is open), or declined less than ASK_AGAIN_AFTER ago. Not reachable, enrolled (the
    enrolment may have ended since), or declined long ago: a run asks again."""
    return Q(status__in=WAITING) | Q(status=OutreachStatus.DECLINED, outcome_at__gt=now - ASK_AGAIN_AFTER)


# -- defining policies ----------------------------------------------------------------------


def _clean_fields(
    *, by: User, code: str, name_zh: str, name_en: str, benefit: str, documents: list[str],
    rule: Any, area: Area, service_item: ServiceItem | None, policy: Policy | None,
) -> dict[str, Any]:
    if not scope.serves(by, area.path, POLICY_ROLES) or area.kind not in POLICY_AREA_KINDS:
        raise PermissionDenied(_("You may define policies only for the township, county or city you serve."))
    errors: dict[str, Any] = {}
    code = code.strip().lower()
    if not code:
        errors["code"] = _("Please give the policy a short code.")
    elif Policy.objects.filter(code=code).exclude(pk__in=[policy.pk] if policy else []).exists():
        errors["code"] = _("Another policy already has this code.")
    if not name_zh.strip():
        errors["name_zh"] = _("Please enter the name.")
    try:
        rule = rules.validate(rule)
        if code and code in rules.referenced_policies(rule):
            raise ValidationError({"rule": _("A policy's rule cannot refer to the policy itself.")})
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return {
        "code": code, "name_zh": name_zh.strip()[:150], "name_en": name_en.strip()[:200],
        "benefit": benefit.strip()[:4000], "documents": [d.strip()[:200] for d in documents if d.strip()][:30],
        "rule": rule, "area": area, "service_item": service_item,
    }


def create_policy(
    *, by: User, code: str, name_zh: str, rule: Any, area: Area, name_en: str = "", benefit: str = "",
    documents: list[str] | None = None, service_item: ServiceItem | None = None,
) -> Policy:
    """Define a policy, as a draft: it is previewed before it goes live."""
    fields = _clean_fields(by=by, code=code, name_zh=name_zh, name_en=name_en, benefit=benefit,
                           documents=documents or [], rule=rule, area=area, service_item=service_item, policy=None)
    with transaction.atomic():
        policy = Policy.objects.create(**fields, created_by=by)
        audit.record("policy.created", obj=policy, actor=by, area_path=area.path,
                     changes={k: [None, v] for k, v in fields.items()})
    return policy


def update_policy(
    policy: Policy, *, by: User, code: str, name_zh: str, rule: Any, area: Area, name_en: str = "",
    benefit: str = "", documents: list[str] | None = None, service_item: ServiceItem | None = None,
) -> Policy:
    """Change a policy's text or rule; the next run and the coverage use the new rule."""
    if not may_manage(by, policy):
        raise PermissionDenied(_("You may not change this policy."))
    fields = _clean_fields(by=by, code=code, name_zh=name_zh, name_en=name_en, benefit=benefit,
                           documents=documents or [], rule=rule, area=area, service_item=service_item,
                           policy=policy)
    if policy.code != fields["code"] and Policy.objects.filter(rule__icontains=f'"{policy.code}"').exists():
        raise ValidationError({"code": _("Other policies' rules refer to this code; it cannot change.")})
    with transaction.atomic():
        before = audit.snapshot(policy, fields)
        for name, value in fields.items():
            setattr(policy, name, value)
        policy.updated_at = timezone.now()
        policy.save()
        audit.record("policy.changed", obj=policy, actor=by, area_path=policy.area.path,
                     changes=audit.diff(before, audit.snapshot(policy, fields)))
    return policy


def set_status(policy: Policy, *, by: User, status: str) -> Policy:
    """Put a policy live (it may then be run) or close it (no more runs)."""
    if not may_manage(by, policy):
        raise PermissionDenied(_("You may not change this policy."))
    if status not in PolicyStatus.values:
        raise ValidationError(_("Unknown status."))
    with transaction.atomic():
        old = policy.status
        Policy.objects.filter(pk=policy.pk).update(status=status, updated_at=timezone.now())
        policy.status = status
        audit.record("policy.status", obj=policy, actor=by, area_path=policy.area.path,
                     changes={"status": [old, status]})
    return policy


# -- running --------------------------------------------------------------------------------


def run_policy(policy: Policy, *, by: User, now: dt.datetime | None = None) -> PolicyRun:
    """Send grid workers to every eligible resident not yet enrolled.

    One INSERT … SELECT makes the visits, in the database, whatever the number of
    people; a second run adds none for residents who already have an open visit. The
    village staff and grid workers hear of it once, from a background task. Once run,
    a live policy is run again every day by `rerun_due_policies`.
    """
    if not may_manage(by, policy):
        raise PermissionDenied(_("You may not run this policy."))
    if policy.status != PolicyStatus.LIVE:
        raise ValidationError(_("Only a live policy can be run. Preview it, then put it live."))
    return _run(policy, by=by, now=now or timezone.now())


def rerun_due_policies(*, now: dt.datetime | None = None) -> list[PolicyRun]:
    """Run again every live policy whose last run is `RERUN_EVERY` old.

    Residents become eligible without anyone touching the policy: they turn 60, are
    granted low-income support, move into the area. The periodic tick runs the policy
    again for them, so nobody waits for staff to press "Run". Only policies a person
    has run once are re-run: the first run, which sends grid workers to everyone at
    once, stays a decision of the staff who previewed it.
    """
    now = now or timezone.now()
    due = now - RERUN_EVERY
    runs = []
    for policy in Policy.objects.filter(status=PolicyStatus.LIVE, last_run_at__lte=due).select_related("area"):
        with transaction.atomic():
            # Claimed under the lock a run takes: if two workers' ticks, or a person and a
            # tick, meet here, whoever comes second sees the fresh run and skips.
            still_due = Policy.objects.select_for_update().filter(
                pk=policy.pk, status=PolicyStatus.LIVE, last_run_at__lte=due).exists()
            if still_due:
                runs.append(_run(policy, by=None, now=now))
    return runs


def _run(policy: Policy, *, by: User | None, now: dt.datetime) -> PolicyRun:
    with set_based():
        # Two staff pressing "run" at once queue here; the second adds nothing.
        Policy.objects.select_for_update().filter(pk=policy.pk).values_list("pk").get()
        created = _open_visits(policy, now)
        run = PolicyRun.objects.create(policy=policy, by=by, at=now, created=created)
        Policy.objects.filter(pk=policy.pk).update(last_run_at=now)
        policy.last_run_at = now
        audit.record("policy.run", obj=policy, actor=by, area_path=policy.area.path,
                     changes={"outreach_created": created, "periodic": by is None})
        if created:
            from .tasks import notify_policy_run

            notify_policy_run.enqueue(run.pk)
    return run


def _open_visits(policy: Policy, now: dt.datetime) -> int:
    """Open a visit for every eligible resident not enrolled who may be asked; how many.

    Two statements, whatever the number of people. Residents asked before who may be
    asked again get their row opened again: an UPDATE of the few answered rows, found
    by a partial index. Residents never asked get a new row: one INSERT … SELECT of
    those with no row for the policy.

    That INSERT reads the table it writes. Planned as a nested loop, the "no row yet"
    test would rescan, for each resident, the rows the statement has just added
    (quadratic: it was seen taking minutes when the table looked empty to the
    planner). With nested loops off for it, the test is a hash of the policy's rows,
    built once before the first row is written. (ON CONFLICT DO NOTHING reads nothing,
    but a re-run, where every resident found already has an open visit, spent twice
    the time on its conflicts: 0.8 s against 0.3 s of CPU for 140,000 residents.)
    """
    to_find = not_enrolled(policy, today=timezone.localdate(now)).order_by()
    reopened = Outreach.objects.filter(policy=policy, resident__in=to_find.values("pk")).exclude(_waiting(now)).update(
        status=OutreachStatus.OPEN, reason="", created_at=now, outcome_at=None, outcome_by=None)
    never_asked = to_find.exclude(Exists(Outreach.objects.filter(policy=policy, resident_id=OuterRef("pk"))))
    select_sql, params = never_asked.values_list("pk").query.sql_with_params()
    table = connection.ops.quote_name(Outreach._meta.db_table)
    sql = (
        f"INSERT INTO {table} (policy_id, resident_id, status, reason, created_at) "  # noqa: S608 -- names are ours, values are parameters
        f"SELECT %s, r.*, %s, '', %s FROM ({select_sql}) r"
    )
    stamp = connection.ops.adapt_datetimefield_value(now)  # stored as the ORM stores it
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(sql, [policy.pk, str(OutreachStatus.OPEN), stamp, *params])
        inserted = max(int(cursor.rowcount), 0)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_nestloop = on")
    return reopened + inserted


# -- outcomes -------------------------------------------------------------------------------


def record_outcome(outreach: Outreach, *, by: User, outcome: str, reason: str = "") -> Outreach:
    """What the visit found: enrolled, applied (a case is opened for the policy's item),
    declined (with the resident's reason) or not reachable."""
    resident = outreach.resident
    if not scope.serves(by, resident.area_path, OUTREACH_ROLES):
        raise PermissionDenied(_("You do not serve this resident's grid."))
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": _("Please choose what the visit found.")})
    reason = reason.strip()[:300]
    if outcome == OutreachStatus.DECLINED and not reason:
        raise ValidationError({"reason": _("Please write down why the resident declined.")})
    policy = outreach.policy
    if outcome == OutreachStatus.APPLIED and policy.service_item is None:
        raise ValidationError({"outcome": _("This policy names no service item to apply for; "
                                            "record the enrolment when it is granted.")})
    now = timezone.now()
    with transaction.atomic():
        changed = Outreach.objects.filter(pk=outreach.pk, status=OutreachStatus.OPEN).update(
            status=outcome, reason=reason, outcome_at=now, outcome_by=by,
        )
        if changed != 1:
            raise ValidationError(_("This visit was already recorded by someone else. Please reload."),
                                  code="conflict")
        if outcome == OutreachStatus.ENROLLED:
            _enrol(policy, resident, by=by, source=EnrolmentSource.OUTREACH, day=timezone.localdate(now))
        elif outcome == OutreachStatus.APPLIED:
            from xiangli.cases.models import Channel
            from xiangli.cases.services import create_case

            assert policy.service_item is not None  # noqa: S101 -- checked above
            case = create_case(by=by, resident=resident, item=policy.service_item,
                               channel=Channel.HOME_VISIT,
                               description=_("Found by the policy “%(policy)s”.") % {"policy": policy.name_zh})
            Outreach.objects.filter(pk=outreach.pk).update(case=case)
            outreach.case = case
        audit.record("outreach.outcome", obj=outreach, actor=by, area_path=resident.area_path,
                     changes={"status": [OutreachStatus.OPEN, outcome], "reason": reason,
                              "policy": policy.pk, "resident": outreach.resident_id})
    outreach.status, outreach.reason, outreach.outcome_at, outreach.outcome_by = outcome, reason, now, by
    return outreach


def enrol(policy: Policy, resident: Resident, *, by: User, source: str = EnrolmentSource.COUNTER,
          day: dt.date | None = None) -> PolicyEnrolment:
    """Record that a resident receives the benefit; their open visit for it is done."""
    if not scope.serves(by, resident.area_path, OUTREACH_ROLES):
        raise PermissionDenied(_("You do not serve this resident's village."))
    if source not in EnrolmentSource.values:
        raise ValidationError(_("Unknown source."))
    with transaction.atomic():
        enrolment = _enrol(policy, resident, by=by, source=source, day=day or timezone.localdate())
        Outreach.objects.filter(policy=policy, resident=resident, status=OutreachStatus.OPEN).update(
            status=OutreachStatus.ENROLLED, outcome_at=timezone.now(), outcome_by=by,
        )
    return enrolment


def _enrol(policy: Policy, resident: Resident, *, by: User, source: str, day: dt.date) -> PolicyEnrolment:
    enrolment, made = PolicyEnrolment.objects.get_or_create(
        policy=policy, resident=resident,
        defaults={"status": EnrolmentStatus.ENROLLED, "enrolled_on": day, "source": source, "recorded_by": by},
    )
    if not made and enrolment.status != EnrolmentStatus.ENROLLED:
        PolicyEnrolment.objects.filter(pk=enrolment.pk).update(
            status=EnrolmentStatus.ENROLLED, enrolled_on=day, source=source, recorded_by=by)
        enrolment.refresh_from_db()
        made = True
    if made:
        audit.record("policy.enrolled", obj=enrolment, actor=by, area_path=resident.area_path,
                     changes={"policy": policy.pk, "resident": resident.pk, "source": source})
    return enrolment
