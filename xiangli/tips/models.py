"""Tip reports (举报) of fake or shoddy farm inputs, and the desk that answers them.

A tip is received, accepted (or rejected with a reason), investigated and
answered, then closed. The reporter follows every step: by tracking code and
secret (anonymous or not), or under "My tips" when logged in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Area
from xiangli.people import scope
from xiangli.people.crypto import EncryptedTextField, digest
from xiangli.people.masking import mask_phone
from xiangli.people.models import Role, User

# Township staff and above read the statistics of the areas they serve; no identities.
SUPERVISOR_ROLES = {Role.TOWNSHIP_STAFF, Role.COUNTY_ADMIN, Role.CITY_ADMIN, Role.AUDITOR}


class Category(models.TextChoices):
    SEED = "seed", _("Seeds and seedlings")
    PESTICIDE = "pesticide", _("Pesticides")
    FERTILISER = "fertiliser", _("Fertiliser")
    MACHINERY = "machinery", _("Farm machinery")
    OTHER = "other", _("Other farm inputs")


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not accepted")
    INVESTIGATING = "investigating", _("Being investigated")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_STATES = (State.RECEIVED, State.ACCEPTED, State.INVESTIGATING)


class Outcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed: the seller was dealt with")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")
    REFERRED = "referred", _("Passed to another authority")


class TipDesk(models.Model):
    """A handler of the agricultural authority's tip desk for an area (a county, usually).

    There is no such role in the people app: this membership says who takes tips
    in which area, and any member may accept a tip of that area.
    """

    user = models.ForeignKey(User, models.CASCADE, related_name="tip_desks", verbose_name=_("account"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="tip_desks", verbose_name=_("area"))

    class Meta:
        verbose_name = _("tip desk member")
        verbose_name_plural = _("tip desk members")
        constraints = [models.UniqueConstraint(fields=["user", "area"], name="one_tip_desk_per_area")]

    def __str__(self) -> str:
        return f"{self.user.name} @ {self.area.name}"


def desk_paths(user: Any) -> list[str]:
    """Area paths whose tips this user handles, loaded once per request object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_xiangli_tip_desks", None)
    if cached is None:
        cached = list(TipDesk.objects.filter(user=user).values_list("area__path", flat=True))
        user._xiangli_tip_desks = cached
    return cached


class TipQuerySet(models.QuerySet["Tip"]):
    def on_desk_of(self, user: Any) -> TipQuerySet:
        """Tips in the areas of the user's tip desks: their queue. Others' are a 404."""
        if getattr(user, "is_superuser", False):
            return self
        return self.filter(scope.under(desk_paths(user)))

    def supervised_by(self, user: Any) -> TipQuerySet:
        """Tips counted in the statistics a supervisor may read."""
        if getattr(user, "is_superuser", False):
            return self
        return self.filter(scope.under(scope.paths_for(user, SUPERVISOR_ROLES)))

    def overdue(self, today: dt.date) -> TipQuerySet:
        return self.filter(
            models.Q(state=State.RECEIVED, accept_due__lt=today)
            | models.Q(state__in=[State.ACCEPTED, State.INVESTIGATING], feedback_due__lt=today)
        )


class Tip(models.Model):
    """One report of fake or shoddy seeds, pesticide, fertiliser or machinery."""

    code = models.CharField(_("tracking code"), max_length=16, unique=True)
    # Keyed hash of code and secret: a leaked table does not let anyone follow a tip.
    secret_digest = models.CharField(max_length=64)
    category = models.CharField(_("what kind"), max_length=12, choices=Category.choices)
    product = models.CharField(_("product"), max_length=100)
    description = models.TextField(_("what is wrong"))
    seller = models.CharField(_("seller"), max_length=100)
    place = models.CharField(_("where it was bought"), max_length=200)
    bought_on = models.DateField(_("when it was bought"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("township"))
    county = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("county"))
    # The township's path, so scoping is one prefix match with no join.
    area_path = models.CharField(max_length=255, editable=False)

    anonymous = models.BooleanField(_("anonymous"), default=True)
    reporter = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="tips", verbose_name=_("reporter's account")
    )
    reporter_name = EncryptedTextField(_("reporter's name"), blank=True)
    reporter_phone = EncryptedTextField(_("reporter's phone"), blank=True)
    reporter_phone_digest = models.CharField(max_length=64, blank=True, default="", editable=False)

    state = models.CharField(_("state"), max_length=14, choices=State.choices, default=State.RECEIVED)
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, blank=True)
    handler = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("handler")
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    accept_due = models.DateField(_("accept by"))
    feedback_due = models.DateField(_("answer by"), null=True, blank=True)
    # The day the desk was last reminded of this overdue tip: once a day at most.
    reminded_on = models.DateField(null=True, blank=True)
    # The sender's address, hashed, for the flood guard only; blanked after a day.
    address_digest = models.CharField(max_length=64, blank=True, default="")
    failed_lookups = models.PositiveIntegerField(default=0)

    objects = TipQuerySet.as_manager()

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        indexes = [
            models.Index(fields=["area_path", "state"], name="tip_area_state",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
            models.Index(fields=["state", "accept_due"], name="tip_state_accept_due"),
            models.Index(fields=["state", "feedback_due"], name="tip_state_feedback_due"),
            models.Index(fields=["address_digest", "received_at"], name="tip_address_received"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.product}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_path = self.area.path
        self.reporter_phone_digest = ""
        if self.reporter_phone:
            self.reporter_phone_digest = digest(self.reporter_phone)
        super().save(*args, **kwargs)

    @property
    def display_code(self) -> str:
        """The code in groups of four, easier to read aloud and to copy down."""
        return "-".join(self.code[i:i + 4] for i in range(0, len(self.code), 4))

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.reporter_phone)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue(self, today: dt.date) -> bool:
        if self.state == State.RECEIVED:
            return self.accept_due < today
        if self.state in (State.ACCEPTED, State.INVESTIGATING):
            return self.feedback_due is not None and self.feedback_due < today
        return False


class StepKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not accepted")
    INVESTIGATING = "investigating", _("Investigation started")
    ANSWERED = "answered", _("Answer")
    CLOSED = "closed", _("Closed")
    ASSIGNED = "assigned", _("Handed to another handler")
    REMINDED = "reminded", _("Overdue reminder")


# Steps the reporter sees; the others are the desk's own.
PUBLIC_STEPS = (
    StepKind.RECEIVED, StepKind.ACCEPTED, StepKind.REJECTED, StepKind.INVESTIGATING, StepKind.ANSWERED,
    StepKind.CLOSED,
)


class TipStep(models.Model):
    """One step on a tip's timeline: what happened, when, and the note (a reason, the answer)."""

    tip = models.ForeignKey(Tip, models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=14, choices=StepKind.choices)
    actor = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tip step")
        verbose_name_plural = _("tip steps")
        indexes = [models.Index(fields=["tip", "at"], name="tipstep_tip_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class TipPhoto(models.Model):
    """A photo sent with a tip, re-encoded so that no location data is kept."""

    tip = models.ForeignKey(Tip, models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="tips/%Y/%m/")
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tip photo")
        verbose_name_plural = _("tip photos")

    def __str__(self) -> str:
        return f"photo {self.pk} of tip {self.tip_id}"


class IdentityLook(models.Model):
    """A logged look at a named reporter's name and phone, by the tip's handler."""

    tip = models.ForeignKey(Tip, models.PROTECT, related_name="identity_looks")
    actor = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("who"))
    reason = models.CharField(_("reason"), max_length=200)
    at = models.DateTimeField(_("when"), default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("look at a reporter's identity")
        verbose_name_plural = _("looks at reporters' identities")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} tip {self.tip_id}"
