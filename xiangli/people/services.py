"""Actions on people: registering residents, login codes, revealing personal data."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangli.areas.models import Area, AreaKind
from xiangli.audit import services as audit

from . import scope
from .crypto import digest
from .idnumbers import birth_date as id_birth_date
from .idnumbers import gender as id_gender
from .idnumbers import normalise_id_number
from .models import (
    CASE_INTAKE_ROLES,
    REVEAL_ROLES,
    LoginCode,
    PersonalDataAccess,
    Resident,
    User,
    phone_digest,
)
from .phones import normalise_phone

LOGIN_CODE_TTL = dt.timedelta(minutes=5)
LOGIN_CODE_MAX_ATTEMPTS = 5
LOGIN_CODE_MIN_INTERVAL = dt.timedelta(seconds=60)
LOGIN_CODES_PER_HOUR = 5


def register_resident(
    *,
    by: User,
    name: str,
    id_number: str,
    village: Area,
    phone: str = "",
    grid: Area | None = None,
    household: str = "",
    tags: list[str] | None = None,
) -> Resident:
    """Add a resident to the registry, as a clerk does for a walk-in not yet on file.

    Gender and birth date are read from the ID number, so they cannot disagree with it.
    """
    if not scope.serves(by, village.path, CASE_INTAKE_ROLES):
        raise PermissionDenied(_("You do not serve this village."))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Please enter the name.")})
    if village.kind != AreaKind.VILLAGE:
        raise ValidationError({"village": _("Please choose a village or community.")})
    if grid is not None and grid.parent_id != village.pk:
        raise ValidationError({"grid": _("This grid is not in the chosen village.")})
    errors: dict[str, Any] = {}
    try:
        id_value = normalise_id_number(id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    phone_value = ""
    if phone.strip():
        try:
            phone_value = normalise_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    if Resident.objects.filter(id_digest=digest(id_value)).exists():
        raise ValidationError({"id_number": _("A resident with this ID number is already registered.")})
    resident = Resident(
        name=name,
        id_number=id_value,
        gender=id_gender(id_value),
        birth_date=id_birth_date(id_value),
        phone=phone_value,
        village=village,
        grid=grid,
        household=household,
        tags=list(tags or []),
    )
    with transaction.atomic():
        resident.save()
        audit.record("resident.registered", obj=resident, actor=by, changes={
            "name": [None, resident.name], "id_number": [None, id_value], "phone": [None, phone_value],
            "village": [None, village.pk], "grid": [None, grid.pk if grid else None],
            "household": [None, household], "tags": [None, resident.tags],
        })
    return resident


def reveal(resident: Resident, *, field: str, by: User, reason: str, ip: str | None = None) -> str:
    """The full ID number or phone of a resident, logged. Only for roles that fill in forms."""
    if field not in ("id_number", "phone"):
        raise ValidationError(_("Unknown field."))
    if not scope.serves(by, resident.area_path, REVEAL_ROLES) and not by.is_superuser:
        raise PermissionDenied(_("You may not see this resident's full details."))
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Please say why you need the full value.")})
    value = str(getattr(resident, field))
    with transaction.atomic():
        PersonalDataAccess.objects.create(actor=by, resident=resident, field=field, reason=reason[:200], ip=ip)
        # The trail names the field and the reason, and shows the value masked only.
        audit.record("personal_data.revealed", obj=resident, actor=by,
                     changes={"field": field, field: getattr(resident, f"masked_{field}"), "reason": reason[:200]})
    return value


def _code_hash(phone_key: str, code: str) -> str:
    return digest(f"login:{phone_key}:{code}")


@transaction.atomic
def request_login_code(*, phone: str) -> None:
    """Send a one-time code to the phone if it has an account.

    The answer is the same whether or not the account exists, so the form cannot
    be used to find out who is registered; limits apply per phone either way.
    """
    from xiangli.notifications.services import send_sms

    e164 = normalise_phone(phone, mobile_only=True)
    key = digest(e164)
    now = timezone.now()
    recent = LoginCode.objects.filter(phone_digest=key, created_at__gte=now - dt.timedelta(hours=1))
    if recent.filter(created_at__gte=now - LOGIN_CODE_MIN_INTERVAL).exists():
        raise ValidationError(_("A code was sent less than a minute ago. Please wait before asking again."))
    if recent.count() >= LOGIN_CODES_PER_HOUR:
        raise ValidationError(_("Too many codes were asked for this phone. Please try again in an hour."))
    code = f"{secrets.randbelow(10**6):06d}"
    LoginCode.objects.create(phone_digest=key, code_digest=_code_hash(key, code), expires_at=now + LOGIN_CODE_TTL)
    if User.objects.filter(login_digest=key, is_active=True).exists():
        send_sms(phone=e164, body=_("Your Xiangli login code is %(code)s. It is valid for 5 minutes.") % {"code": code})


def check_login_code(*, phone: str, code: str) -> User | None:
    """The account for phone if code is its latest unexpired, unused code; counts tries."""
    try:
        key = phone_digest(phone)
    except ValidationError:
        return None
    now = timezone.now()
    with transaction.atomic():
        login_code = (
            LoginCode.objects.select_for_update()
            .filter(phone_digest=key, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if login_code is None or login_code.attempts >= LOGIN_CODE_MAX_ATTEMPTS:
            return None
        if not hmac.compare_digest(login_code.code_digest, _code_hash(key, code.strip())):
            login_code.attempts += 1
            login_code.save(update_fields=["attempts"])
            return None
        # Spend every outstanding code for this phone, not just this one: an
        # older code would otherwise become "the latest" and open the account again.
        LoginCode.objects.filter(phone_digest=key, used_at__isnull=True).update(used_at=now)
    return User.objects.filter(login_digest=key).first()


def rotate_personal_data(batch: int = 2000) -> dict[str, int]:
    """Re-encrypt every encrypted column under the newest key, in batches.

    Works on the raw stored tokens (no decrypt-and-save round trip through the
    models), so it touches nothing else on the rows and runs at database speed.
    """
    from django.apps import apps
    from django.db import connection

    from .crypto import EncryptedTextField, rotate

    counts: dict[str, int] = {}
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if not fields:
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        columns = [connection.ops.quote_name(f.column) for f in fields]
        done, last = 0, None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                where = f"WHERE {pk} > %s " if last is not None else ""
                cursor.execute(
                    f"SELECT {pk}, {', '.join(columns)} FROM {table} {where}ORDER BY {pk} LIMIT %s",  # noqa: S608
                    [last, batch] if last is not None else [batch],
                )
                rows = cursor.fetchall()
                for row in rows:
                    values = [rotate(v) if v else v for v in row[1:]]
                    sets = ", ".join(f"{c} = %s" for c in columns)
                    cursor.execute(f"UPDATE {table} SET {sets} WHERE {pk} = %s", [*values, row[0]])  # noqa: S608
            if not rows:
                break
            done += len(rows)
            last = rows[-1][0]
        counts[model._meta.label] = done
    return counts
