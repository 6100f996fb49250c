"""People: accounts, the resident registry, and who serves which area in which role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

from xiangli.areas.models import Area

from .crypto import EncryptedTextField, digest
from .masking import mask_id_number, mask_phone
from .phones import normalise_phone


def phone_digest(raw: str) -> str:
    """Lookup hash of a phone given in any form a person might type it."""
    return digest(normalise_phone(raw))


def name_initials(name: str) -> str:
    """Pinyin initials of a Chinese name, "张三丰" → "zsf", as clerks type them to search."""
    return "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER) if p).lower()[:20]


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        # The login name is a phone number; only its keyed hash is stored.
        return self.get(login_digest=phone_digest(username or ""))

    def create_user(self, phone: str, password: str | None = None, **extra: Any) -> User:
        e164 = normalise_phone(phone, mobile_only=True)
        user = self.model(login_digest=digest(e164), phone=e164, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, login_digest: str, password: str | None = None, **extra: Any) -> User:
        # `createsuperuser` asks for the USERNAME_FIELD: the person types a phone there.
        extra.setdefault("name", "admin")
        return self.create_user(login_digest, password, is_staff=True, is_superuser=True, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An account: a resident who logs in, or a member of staff. Logs in with a phone."""

    login_digest = models.CharField(_("phone"), max_length=64, unique=True)
    phone = EncryptedTextField(_("phone"))
    name = models.CharField(_("name"), max_length=50)
    resident = models.OneToOneField(
        "Resident", models.SET_NULL, null=True, blank=True, related_name="user", verbose_name=_("resident record")
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("admin site access"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # For PASSWORD_MAX_AGE_DAYS (off by default; see docs/security.md): null until
    # the first change, when the account's joining date stands in for it.
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "login_digest"
    REQUIRED_FIELDS = []  # the phone is all createsuperuser needs

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return f"{self.name} ({self.masked_phone})"

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class Tag(models.TextChoices):
    LIVING_ALONE = "living_alone", _("Elderly living alone")
    LOW_INCOME = "low_income", _("Low-income (dibao)")
    EXTREMELY_POOR = "extremely_poor", _("Extremely poor (tekun)")
    DISABLED = "disabled", _("Disabled")
    PARTY_MEMBER = "party_member", _("Party member")
    RETURNED_MIGRANT = "returned_migrant", _("Returned migrant worker")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class RuleIndex(models.Index):
    """An index for policy rules over the registry (see xiangli/policies/rules.py), shaped
    for PostgreSQL and plain elsewhere.

    `gin`: GIN, for "carries this tag" (``tags @> '["low_income"]'``); SQLite has neither
    GIN nor that operator. `covering`: columns stored in the index (INCLUDE), so that
    counting or listing the eligible among a million residents reads the index, a fifth
    of the table's size, and never the table; SQLite ignores them.
    """

    def __init__(self, *args: Any, gin: bool = False, covering: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gin, self.covering = gin, tuple(covering)

    def deconstruct(self) -> Any:
        path, args, kwargs = super().deconstruct()
        if self.gin:
            kwargs["gin"] = True
        if self.covering:
            kwargs["covering"] = self.covering
        return path, args, kwargs

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        statement: Any = super().create_sql(model, schema_editor, using=" USING gin" if self.gin else using, **kwargs)
        if self.covering:
            columns = ", ".join(schema_editor.quote_name(model._meta.get_field(f).column) for f in self.covering)
            statement.parts["include"] = f" INCLUDE ({columns})"
        return statement


class ResidentQuerySet(models.QuerySet["Resident"]):
    def search(self, text: str) -> ResidentQuerySet:
        """Find by name, pinyin initials, phone or ID number, as a clerk types them."""
        from django.core.exceptions import ValidationError

        from .idnumbers import normalise_id_number

        text = text.strip()
        if not text:
            return self.none()
        # People type phones as "138 0000 0001" or "138-0000-0001".
        compact = "".join(text.split()).replace("-", "")
        if len(compact) == 18 and compact[:17].isdigit():
            try:
                return self.filter(id_digest=digest(normalise_id_number(compact)))
            except ValidationError:
                return self.none()
        if compact.lstrip("+").isdigit():
            try:
                return self.filter(phone_digest=phone_digest(compact))
            except ValidationError:
                return self.none()
        if compact.isascii():
            return self.filter(name_initials__startswith=compact.lower())
        return self.filter(name__startswith=compact)

    def served_by(self, user: Any, roles: Iterable[str]) -> ResidentQuerySet:
        """Residents of the areas the user serves in any of the roles (all, for a superuser)."""
        from . import scope

        if getattr(user, "is_superuser", False):
            return self
        return self.in_areas(scope.paths_for(user, roles))

    def in_areas(self, paths: list[str]) -> ResidentQuerySet:
        query = models.Q(pk__in=[])
        for path in paths:
            query |= models.Q(area_path__startswith=path)
        return self.filter(query)


class Resident(models.Model):
    """A person in the village registry. Many have no account: staff act for them."""

    name = models.CharField(_("name"), max_length=50)
    name_initials = models.CharField(max_length=20, editable=False, default="")
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_digest = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_digest = models.CharField(max_length=64, blank=True, default="", editable=False)
    household = models.CharField(_("household number"), max_length=30, blank=True)
    is_household_head = models.BooleanField(_("head of household"), default=False)
    village = models.ForeignKey(
        Area, models.PROTECT, related_name="residents", verbose_name=_("village"),
        limit_choices_to={"kind": "village"},
    )
    grid = models.ForeignKey(
        Area, models.SET_NULL, null=True, blank=True, related_name="grid_residents", verbose_name=_("grid"),
        limit_choices_to={"kind": "grid"},
    )
    # The grid's (or village's) path, copied here so that scoping is one
    # indexed prefix match with no join.
    area_path = models.CharField(max_length=255, editable=False, default="")
    tags = models.JSONField(_("tags"), default=list, blank=True)
    disability_grade = models.PositiveSmallIntegerField(_("disability grade"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        indexes = [
            models.Index(fields=["area_path", "name"], name="resident_area_name",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
            models.Index(fields=["name"], name="resident_name", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["name_initials"], name="resident_initials", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["phone_digest"], name="resident_phone"),
            models.Index(fields=["village", "name"], name="resident_village_name"),
            # Policy rules: age reached on a day is a range of birth dates; tags are containment.
            RuleIndex(fields=["birth_date"], covering=("id", "area_path"), name="resident_birth_date_cover"),
            RuleIndex(fields=["tags"], gin=True, name="resident_tags"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive_fields()
        super().save(*args, **kwargs)

    def derive_fields(self) -> Resident:
        """Fill the columns computed from the others (initials, digests, area path).

        `save()` calls it; code that writes residents in bulk (`bulk_create`,
        `bulk_update`), which skips `save()`, calls it on each resident first.
        """
        self.name_initials = name_initials(self.name)
        if self.phone and not self.phone.startswith("+"):
            self.phone = normalise_phone(self.phone)  # one stored form, or the digest would not match
        self.id_digest = digest(self.id_number) if self.id_number else None
        self.phone_digest = digest(self.phone) if self.phone else ""
        self.area_path = (self.grid or self.village).path
        return self

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def age_on(self, day: dt.date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    def tag_labels(self) -> list[str]:
        labels = dict(Tag.choices)
        return [str(labels.get(t, t)) for t in self.tags]


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    VOLUNTEER = "volunteer", _("Volunteer")
    GRID_WORKER = "grid_worker", _("Grid worker")
    AGENT = "agent", _("Proxy agent")
    SECRETARY = "secretary", _("Village secretary")
    TOWNSHIP_STAFF = "township_staff", _("Township staff")
    COUNTY_ADMIN = "county_admin", _("County administrator")
    CITY_ADMIN = "city_admin", _("City administrator")
    AUDITOR = "auditor", _("Auditor (read-only)")


# Roles that see every case in the areas they serve.
CASE_READER_ROLES = {
    Role.GRID_WORKER, Role.AGENT, Role.SECRETARY, Role.TOWNSHIP_STAFF,
    Role.COUNTY_ADMIN, Role.CITY_ADMIN, Role.AUDITOR,
}
# Roles that enter cases for residents (at the counter, by phone, on a home visit).
CASE_INTAKE_ROLES = {Role.GRID_WORKER, Role.AGENT, Role.SECRETARY, Role.TOWNSHIP_STAFF}
# Roles that move cases through their life.
CASE_HANDLER_ROLES = {Role.AGENT, Role.SECRETARY, Role.TOWNSHIP_STAFF, Role.COUNTY_ADMIN, Role.CITY_ADMIN}
# Roles that may see a resident's full ID number and phone (to fill in forms), each look logged.
REVEAL_ROLES = {Role.AGENT, Role.SECRETARY, Role.GRID_WORKER, Role.TOWNSHIP_STAFF}


class RoleAssignment(models.Model):
    """A person serves an area in a role: the agent of a village, the staff of a township."""

    user = models.ForeignKey(User, models.CASCADE, related_name="roles", verbose_name=_("account"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(Area, models.PROTECT, related_name="role_assignments", verbose_name=_("area"))

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role", "area"], name="one_role_per_area")]
        indexes = [models.Index(fields=["area", "role"], name="role_area_role")]

    def __str__(self) -> str:
        return f"{self.user.name}: {self.get_role_display()} @ {self.area.name}"


class PersonalDataAccess(models.Model):
    """A logged look at a full ID number or phone: who looked at whose, when and why."""

    actor = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("who"))
    resident = models.ForeignKey(Resident, models.PROTECT, related_name="+", verbose_name=_("whose"))
    field = models.CharField(_("field"), max_length=20)
    reason = models.CharField(_("reason"), max_length=200)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        indexes = [models.Index(fields=["resident", "at"], name="pda_resident_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.field}"


class LoginCode(models.Model):
    """A one-time login code sent by SMS; only its hash is kept."""

    phone_digest = models.CharField(max_length=64)
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone_digest", "created_at"], name="logincode_phone_created")]

    def __str__(self) -> str:
        return f"login code {self.created_at:%Y-%m-%d %H:%M}"


class TotpDevice(models.Model):
    """An authenticator app's shared secret, for staff who must log in with two factors."""

    user = models.OneToOneField(User, models.CASCADE, related_name="totp", verbose_name=_("account"))
    secret = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last 30-second step a code was accepted for: a code is good once.
    last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    def __str__(self) -> str:
        return f"{self.user_id} {'confirmed' if self.confirmed_at else 'pending'}"


from .sessions import UserSession  # noqa: E402,F401  (models of this app, kept beside their logic)
from .throttle import LoginFailure  # noqa: E402,F401
