"""Cases (办件): a resident's matter, taken in at the village and carried to where it is decided."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Area, Centre
from xiangli.catalog.models import ServiceItem
from xiangli.ops.orm import ChoiceLabels
from xiangli.people import scope
from xiangli.people.models import CASE_READER_ROLES, Resident, User


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in at the counter")
    PHONE = "phone", _("Phone or heart-card call")
    HOME_VISIT = "home_visit", _("Grid worker's home visit")
    ONLINE = "online", _("Online")


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    MATERIALS_PENDING = "materials_pending", _("Materials pending")
    CARRIED = "carried", _("Carried to a higher office")
    DONE = "done", _("Done")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# States in which the case is still being worked on.
OPEN_STATES = (State.SUBMITTED, State.ACCEPTED, State.MATERIALS_PENDING, State.CARRIED)
# States in which the promised deadline runs (the clock stops while materials are pending).
RUNNING_STATES = (State.ACCEPTED, State.CARRIED)


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: Any) -> CaseQuerySet:
        """The one scoping rule for cases, used by every page and API call.

        Staff see the cases in the areas they serve; a resident sees their own.
        Anything else is invisible, so fetching it by id gives a 404.
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        query = scope.under(scope.paths_for(user, CASE_READER_ROLES))
        if user.resident_id:
            query |= models.Q(resident_id=user.resident_id)
        return self.filter(query)

    def open(self) -> CaseQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today: dt.date) -> CaseQuerySet:
        return self.filter(state__in=RUNNING_STATES, due_on__lt=today)

    def due_soon(self, today: dt.date, until: dt.date) -> CaseQuerySet:
        return self.filter(state__in=RUNNING_STATES, due_on__gte=today, due_on__lte=until)

    def performance(self) -> dict[str, Any]:
        """How finished cases went: one aggregate query over the (scoped) cases.

        `one_trip_share` is the "at most one trip" (最多跑一次) measure: the share of
        finished cases for which the resident came in person at most once.
        """
        finished = models.Q(state__in=[State.DONE, State.CLOSED])
        row = self.aggregate(
            finished=models.Count("pk", filter=finished),
            one_trip=models.Count("pk", filter=finished & models.Q(visits__lte=1)),
            on_time=models.Count("pk", filter=finished & models.Q(on_time=True)),
            rated=models.Count("rating"),
            rating_avg=models.Avg("rating"),
        )
        done = row["finished"] or 0
        return {
            "finished": done,
            "one_trip_share": row["one_trip"] / done if done else None,
            "on_time_share": row["on_time"] / done if done else None,
            "rated": row["rated"],
            "rating_avg": row["rating_avg"],
        }

    def queue(self) -> CaseQuerySet:
        """The agent's work queue: open cases, the most urgent first, new ones after."""
        return (
            self.open()
            .select_related("resident", "item", "village")
            .order_by(models.F("due_on").asc(nulls_last=True), "submitted_at", "pk")
        )

    def new_queue(self) -> CaseQuerySet:
        """Cases waiting for acceptance, the longest waiting first.

        The same order as `queue()` gives them (they have no due date yet), said so
        that the database walks the index of submitted cases instead of the whole
        open queue to reach its undated end.
        """
        return (
            self.filter(state=State.SUBMITTED)
            .select_related("resident", "item", "village")
            .order_by("submitted_at", "pk")
        )


class Case(ChoiceLabels):
    # No single-column indexes on these: case_resident_recent, case_item_resident,
    # case_centre_state, case_village_recent (metrics' migration) and case_idempotency
    # start with them, and every index is paid on each new case and each step.
    resident = models.ForeignKey(
        Resident, models.PROTECT, related_name="cases", verbose_name=_("resident"), db_index=False
    )
    item = models.ForeignKey(ServiceItem, models.PROTECT, related_name="cases", verbose_name=_("service item"),
                             db_index=False)
    centre = models.ForeignKey(Centre, models.PROTECT, related_name="cases", verbose_name=_("centre"), db_index=False)
    village = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("village"), db_index=False)
    # The resident's grid (or village) path at intake, for one-index scoping.
    area_path = models.CharField(max_length=255, editable=False)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        User, models.PROTECT, related_name="+", verbose_name=_("entered by"), db_index=False
    )
    agent = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("agent")
    )
    # NULL, not "", when absent: the unique constraint must ignore cases without a key.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001

    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    paused_since = models.DateField(null=True, blank=True)
    paused_state = models.CharField(max_length=20, blank=True)
    carried_to = models.CharField(_("carried to"), max_length=100, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    on_time = models.BooleanField(_("on time"), null=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    visits = models.PositiveSmallIntegerField(_("trips the resident made"), default=0)
    escalation_level = models.PositiveSmallIntegerField(_("escalation"), default=0)

    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    # Set on a case just filed (`services.file_case`): its timeline and materials,
    # already in hand, so that the answer does not read back what the request wrote.
    timeline: list[CaseEvent]
    materials: list[Attachment]

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["created_by", "idempotency_key"], name="case_idempotency"),
            # One open case per resident and service: the database refuses the second
            # even when two clerks file the same matter at the same moment.
            models.UniqueConstraint(
                fields=["resident", "item"], name="case_one_open_per_item",
                condition=models.Q(state__in=["submitted", "accepted", "materials_pending", "carried"]),
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="case_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["area_path", "state", "due_on"], name="case_scope_state_due",
                         opclasses=["varchar_pattern_ops", "varchar_ops", "date_ops"]),
            # Running cases in the queue's order: the overdue and due-soon lists of wide
            # scopes walk it and stop at the page's last row, instead of sorting every
            # case due in the window (16,692 for a county: 0.6 s).
            models.Index(fields=["due_on", "submitted_at", "id"], name="case_running_due",
                         condition=models.Q(state__in=["accepted", "carried"])),
            # The queue's order over open cases, for staff whose scope is wide
            # (township and up): the scope filter then rarely rejects a row.
            models.Index(fields=["due_on", "submitted_at", "id"], name="case_open_queue",
                         condition=models.Q(state__in=["submitted", "accepted", "materials_pending", "carried"])),
            # The "finished" view, newest first, for staff whose scope is wide: walked
            # from the newest, a county's 31 rows are found within a few hundred.
            models.Index(fields=["-submitted_at", "-id"], name="case_finished_recent",
                         condition=models.Q(state__in=["done", "closed", "declined", "withdrawn"])),
            models.Index(fields=["submitted_at", "id"], name="case_new_queue",
                         condition=models.Q(state="submitted")),
            models.Index(fields=["resident", "-submitted_at"], name="case_resident_recent"),
            models.Index(fields=["centre", "state"], name="case_centre_state"),
            models.Index(fields=["item", "resident", "state"], name="case_item_resident"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The number printed on receipts: submission date and id."""
        local = timezone.localtime(self.submitted_at)
        return f"{local:%Y%m%d}-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.state in RUNNING_STATES and self.due_on is not None and self.due_on < today


class EventKind(models.TextChoices):
    CREATED = "created", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    MATERIALS_REQUESTED = "materials_requested", _("Materials requested")
    MATERIALS_RECEIVED = "materials_received", _("Materials received")
    CARRIED = "carried", _("Carried to a higher office")
    DONE = "done", _("Done")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    VISIT = "visit", _("Resident came in person")
    ESCALATED = "escalated", _("Overdue: sent to the village secretary")
    ESCALATED_TOWNSHIP = "escalated_township", _("Overdue: sent to the township")
    RATED = "rated", _("Rated")
    ATTACHMENT = "attachment", _("Material attached")


class CaseEvent(ChoiceLabels):
    """One step on a case's timeline: who did what, when, with a note."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="events")
    kind = models.CharField(_("step"), max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by"))
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="event_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Files are named by case and a random token, never by the uploaded name,
    # and are served only through the access-checked view.
    import secrets

    ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}
    return f"cases/{instance.case_id}/{secrets.token_hex(12)}.{ext.get(instance.content_type, 'bin')}"


class Attachment(models.Model):
    """A photo or scan of a material, checked by its content when uploaded."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=150)
    uploaded_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["case"], name="attachment_case")]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.pk} {self.content_type}"
