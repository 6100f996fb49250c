"""Background work of policies: telling villages and grid workers about a run, and running live policies again."""

from __future__ import annotations

from django.db.models import Count
from django.utils import translation
from django.utils.translation import ngettext
from django_tasks import task

from xiangli.areas.models import Area, AreaKind
from xiangli.notifications.models import Notification
from xiangli.people.models import Role, RoleAssignment

from .models import Outreach, PolicyRun
from .services import set_based

# From this many new visits, a run's notices count them with a hash join (see below).
HASH_FROM = 20_000


@task()
def notify_policy_run(run_id: int) -> int:
    """One inbox message per agent, secretary and grid worker whose area got new visits.

    Counts come from one grouped query; the messages are written with one bulk insert,
    so a run over a whole city costs a handful of statements, not one per resident.
    """
    run = PolicyRun.objects.select_related("policy__area").get(pk=run_id)
    made = Outreach.objects.filter(policy=run.policy, created_at=run.at)
    # Counted by the residents' area path. The planner has not seen the rows the run just
    # wrote and takes them for a handful, so it looks each resident up, which suits a small
    # run; past HASH_FROM visits, one hash join over the birth-date index (which carries
    # the area path) does it in half the time: 1 s against 2 for 140,000 visits.
    with set_based(nested_loops=run.created < HASH_FROM):
        by_path = dict(made.values_list("resident__area_path").annotate(n=Count("pk")).order_by())
    by_village: dict[int, int] = {}
    by_grid: dict[int, int] = {}
    # A resident's area path is their grid's, or their village's when they have no grid.
    for area in Area.objects.filter(path__in=list(by_path)).only("pk", "kind", "parent_id", "path"):
        n = by_path[area.path]
        village_id = area.parent_id if area.kind == AreaKind.GRID else area.pk
        if area.kind == AreaKind.GRID:
            by_grid[area.pk] = by_grid.get(area.pk, 0) + n
        if village_id is not None:
            by_village[village_id] = by_village.get(village_id, 0) + n
    # The village staff and grid workers of the policy's area, active ones, in one query
    # (asking by the thousands of villages and grids as lists of ids cost more).
    staff = RoleAssignment.objects.filter(
        role__in=[Role.AGENT, Role.SECRETARY, Role.GRID_WORKER], area__path__startswith=run.policy.area.path,
        user__is_active=True,
    ).values_list("user_id", "role", "area_id")
    counts: dict[int, int] = {}
    for user_id, role, area_id in staff:
        n = by_grid.get(area_id, 0) if role == Role.GRID_WORKER else by_village.get(area_id, 0)
        if n:
            counts[user_id] = counts.get(user_id, 0) + n
    # Thousands of staff share a few hundred different counts: each text is made once.
    texts: dict[int, tuple[str, str]] = {}
    messages = []
    for user_id, n in counts.items():
        if n not in texts:
            texts[n] = (_run_message(run, n, "zh-hans"), _run_message(run, n, "en"))
        messages.append(Notification(user_id=user_id, message_zh=texts[n][0], message_en=texts[n][1]))
    Notification.objects.bulk_create(messages, batch_size=1000)
    return len(messages)


def _run_message(run: PolicyRun, n: int, language: str) -> str:
    with translation.override(language):
        return ngettext(
            "Policy “%(policy)s”: %(n)d resident to visit in your area. See the outreach list.",
            "Policy “%(policy)s”: %(n)d residents to visit in your area. See the outreach list.", n,
        ) % {"policy": run.policy.name, "n": n}


@task()
def rerun_live_policies() -> str:
    """The periodic work of policies, for `manage.py tick`: live policies run again once a day."""
    return run_periodic()


# Queued by `manage.py tick`.
PERIODIC = [rerun_live_policies]


def run_periodic() -> str:
    from .services import rerun_due_policies

    runs = rerun_due_policies()
    return f"policies run again: {len(runs)}, new visits: {sum(r.created for r in runs)}"
