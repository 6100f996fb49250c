"""Open311 GeoReport v2: the clients that may file cases, and what they sent.

A client (a hotline, a city app, a dashboard) holds an API key issued in the
admin. What it files is kept as a Submission: when the contact phone names one
registered resident of the addressed village, the case is opened at once;
otherwise the submission waits for the village's staff to match it to a
resident, and the client follows it by its token.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Area
from xiangli.cases.models import Case
from xiangli.catalog.models import ServiceItem
from xiangli.people.crypto import EncryptedTextField
from xiangli.people.models import User


class ApiClient(models.Model):
    """One Open311 client. Only the SHA-256 of its key is kept: the key is shown once."""

    name = models.CharField(_("client"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200, blank=True,
                               help_text=_("Who to call about this client: a name and an e-mail or phone."))
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the key, so an administrator can tell keys apart.
    key_prefix = models.CharField(_("key begins"), max_length=12, editable=False)
    acting_user = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("files cases as"),
        help_text=_("A staff account (agent or township staff) that enters cases for this client in the areas it "
                    "serves. Without one, every submission waits for village staff."),
    )
    revoked = models.BooleanField(_("revoked"), default=False)
    per_minute = models.PositiveIntegerField(_("requests per minute"), default=30)
    per_hour = models.PositiveIntegerField(_("requests per hour"), default=600)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)" if self.key_prefix else self.name


class Usage(models.Model):
    """Requests one client made in one window (a minute or an hour): the rate limit's counter.

    A row per client and window start, counted up with a conditional update, so
    every web process counts against the same limit.
    """

    client = models.ForeignKey(ApiClient, models.CASCADE, related_name="+")
    window = models.CharField(max_length=1)  # "m" minute, "h" hour
    starts_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "window", "starts_at"], name="open311_usage_window"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.window} {self.starts_at:%Y-%m-%d %H:%M} {self.count}"


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for staff")
    CREATED = "created", _("Case opened")
    REJECTED = "rejected", _("Not taken up")


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def pending(self) -> SubmissionQuerySet:
        return self.filter(status=SubmissionStatus.PENDING)

    def in_areas(self, paths: list[str]) -> SubmissionQuerySet:
        query = models.Q(pk__in=[])
        for path in paths:
            query |= models.Q(area_path__startswith=path)
        return self.filter(query)


class Submission(models.Model):
    """What an Open311 client posted to `requests`, kept with the case it became."""

    token = models.CharField(max_length=40, unique=True)
    client = models.ForeignKey(ApiClient, models.PROTECT, related_name="submissions", verbose_name=_("client"))
    status = models.CharField(_("status"), max_length=10, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.PENDING)
    case = models.OneToOneField(Case, models.SET_NULL, null=True, blank=True, related_name="open311",
                                verbose_name=_("case"))
    item = models.ForeignKey(ServiceItem, models.PROTECT, related_name="+", verbose_name=_("service item"))
    village = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("village"))
    # The addressed grid (or village): staff of that grid see it first.
    area_path = models.CharField(max_length=255, editable=False)
    first_name = models.CharField(_("given name"), max_length=50, blank=True)
    last_name = models.CharField(_("family name"), max_length=50, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    email = models.CharField(_("e-mail"), max_length=200, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    attributes = models.JSONField(_("answers"), default=dict, blank=True)
    address_string = models.CharField(_("address"), max_length=255, blank=True)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    media_url = models.URLField(_("photo"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(_("reason"), blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")
        indexes = [
            models.Index(fields=["area_path", "status"], name="open311_sub_area_status",
                         opclasses=["varchar_pattern_ops", "varchar_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.token[:8]} {self.status}"

    @property
    def contact_name(self) -> str:
        # Chinese names are family name first, with no space.
        return f"{self.last_name}{self.first_name}".strip()
