"""Policy finds people (政策找人): policies with eligibility rules, enrolments, outreach by grid workers."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Area
from xiangli.catalog.models import ServiceItem
from xiangli.people import scope
from xiangli.people.models import CASE_READER_ROLES, Resident, User


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LIVE = "live", _("Live")
    CLOSED = "closed", _("Closed")


class PolicyQuerySet(models.QuerySet["Policy"]):
    def visible_to(self, user: Any) -> PolicyQuerySet:
        """Policies over or under the areas the user serves: a village sees its county's
        policies; a county sees those its townships made."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        query = models.Q(pk__in=[])
        for path in scope.paths_for(user, CASE_READER_ROLES):
            query |= models.Q(area__path__startswith=path)
            # Every ancestor of the user's area, the area itself included.
            parts = [p for p in path.split("/") if p]
            ancestors = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
            query |= models.Q(area__path__in=ancestors)
        return self.filter(query)


class Policy(models.Model):
    """A benefit and who is eligible for it, written as a rule over the resident registry.

    The rule is data (see ``rules.py``), edited in a form; running a live policy sends
    grid workers to every eligible resident of its area who is not yet enrolled.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True,
                            help_text=_("Short name other rules use to refer to this policy."))
    name_zh = models.CharField(_("name (Chinese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    benefit = models.TextField(_("benefit"), blank=True)
    documents = models.JSONField(_("documents needed"), default=list, blank=True)
    rule = models.JSONField(_("eligibility rule"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("area"))
    service_item = models.ForeignKey(
        ServiceItem, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("service item"),
        help_text=_("The item a case is opened for when a resident applies."),
    )
    status = models.CharField(_("status"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT)
    created_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    last_run_at = models.DateTimeField(null=True, blank=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name_zh

    @property
    def area_path(self) -> str:
        return self.area.path


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    ENDED = "ended", _("Ended")


class EnrolmentSource(models.TextChoices):
    OUTREACH = "outreach", _("Grid worker's visit")
    COUNTER = "counter", _("At the counter")
    IMPORT = "import", _("Imported")


class PolicyEnrolment(models.Model):
    """A resident receives a policy's benefit. "Not yet enrolled" is a NOT EXISTS on this."""

    policy = models.ForeignKey(Policy, models.CASCADE, related_name="enrolments", verbose_name=_("policy"))
    resident = models.ForeignKey(Resident, models.CASCADE, related_name="+", verbose_name=_("resident"))
    status = models.CharField(_("status"), max_length=10, choices=EnrolmentStatus.choices,
                              default=EnrolmentStatus.ENROLLED)
    enrolled_on = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=10, choices=EnrolmentSource.choices)
    recorded_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["policy", "resident"], name="one_enrolment_per_policy")]
        indexes = [models.Index(fields=["resident", "policy", "status"], name="enrolment_resident")]

    def __str__(self) -> str:
        return f"{self.policy_id}/{self.resident_id} {self.status}"


class OutreachStatus(models.TextChoices):
    OPEN = "open", _("To visit")
    ENROLLED = "enrolled", _("Enrolled")
    APPLIED = "applied", _("Applied")
    DECLINED = "declined", _("Declined")
    UNREACHABLE = "unreachable", _("Not reachable")


# Outcomes a grid worker records on a visit.
OUTCOMES = (OutreachStatus.ENROLLED, OutreachStatus.APPLIED, OutreachStatus.DECLINED, OutreachStatus.UNREACHABLE)
# Visits a new run does not open again: the resident is to be visited, or has applied.
WAITING = (OutreachStatus.OPEN, OutreachStatus.APPLIED)


class OutreachQuerySet(models.QuerySet["Outreach"]):
    def visible_to(self, user: Any) -> OutreachQuerySet:
        """Visits to residents of the areas the user serves: a grid worker's own grid, a village's,
        a township's. A resident who moves takes their visit to their new grid."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(scope.under(scope.paths_for(user, CASE_READER_ROLES), "resident__area_path"))


class Outreach(models.Model):
    """The visit a grid worker owes (or made) an eligible resident who is not yet enrolled.

    One row per resident and policy: a run opens it, the grid worker records what the
    visit found, and a later run opens the same row again when the resident is still
    not enrolled and may be asked again (not reachable; declined long ago). Each
    outcome is on the audit trail, so the row keeps only the latest.
    """

    # A run writes a row for every resident it finds (140,000 for the pension from 60 over
    # a million residents) in one statement, so the row is lean and carries one index
    # besides the key: (resident, policy), which keeps one row per pair and serves every
    # lookup by resident. Where the resident lives is read from the resident (scoping is
    # a join on the registry's indexed area path), not copied here. No database
    # foreign-key checks on the policy and the resident: each is a trigger per inserted
    # row, and the rows come from the registry itself; Django still cascades deletes.
    policy = models.ForeignKey(Policy, models.CASCADE, related_name="outreach", verbose_name=_("policy"),
                               db_index=False, db_constraint=False)
    resident = models.ForeignKey(Resident, models.CASCADE, related_name="+", verbose_name=_("resident"),
                                 db_index=False, db_constraint=False)
    status = models.CharField(_("status"), max_length=12, choices=OutreachStatus.choices, default=OutreachStatus.OPEN)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    case = models.ForeignKey("cases.Case", models.SET_NULL, null=True, blank=True, related_name="+", db_index=False,
                             db_constraint=False)
    # When the visit was asked for, by the latest run that opened it.
    created_at = models.DateTimeField(default=timezone.now)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+", db_index=False,
                                   db_constraint=False)

    objects = OutreachQuerySet.as_manager()

    class Meta:
        verbose_name = _("outreach")
        verbose_name_plural = _("outreach")
        constraints = [
            # Running a policy twice never gives a resident two visits for it.
            models.UniqueConstraint(fields=["resident", "policy"], name="one_outreach_per_resident"),
        ]
        indexes = [
            # Deleting a case clears its link here; only the few linked rows are indexed.
            models.Index(fields=["case"], name="outreach_case", condition=models.Q(case__isnull=False)),
            # The answered visits a run may open again. The rows a run adds are open, so
            # they never enter this index: it costs the run's insert nothing.
            models.Index(fields=["policy"], name="outreach_answered", condition=~models.Q(status__in=WAITING)),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id}/{self.resident_id} {self.status}"


class PolicyRun(models.Model):
    """One run of a policy: when, by whom, how many visits it asked for."""

    policy = models.ForeignKey(Policy, models.CASCADE, related_name="runs")
    by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    eligible = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("policy run")
        verbose_name_plural = _("policy runs")

    def __str__(self) -> str:
        return f"{self.policy_id} {self.at:%Y-%m-%d %H:%M}"
