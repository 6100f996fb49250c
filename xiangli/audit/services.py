"""Writing to the audit trail, and its retention purge.

Every change to cases, people, roles and settings calls `record()`; points,
votes and disclosures call it too when they come, for example::

    record("points.awarded", obj=entry, actor=by, changes={"points": [None, 5]})

Call it inside the transaction of the change, so the entry and the change
commit (or roll back) together.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.functional import Promise

from xiangli.people.masking import mask_id_number, mask_phone

from .context import current_origin
from .models import MINIMUM_RETENTION_DAYS, AuditEntry

_UNSET: Any = object()

# Full ID numbers and mobile numbers are masked wherever they appear in text.
_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86)?1[3-9][0-9]{9}(?![0-9])")
# Values of these fields are never kept, only that they changed.
_SECRET_NAMES = ("password", "token", "secret", "digest", "code_hash", "key")
MAX_TEXT = 500


def _mask_text(text: str) -> str:
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    return _MOBILE.sub(lambda m: mask_phone("+86" + m.group()[-11:]), text)


def clean_value(name: str, value: Any) -> Any:
    """A value fit for the trail: JSON, short, with no full ID number, phone or secret."""
    lowered = name.lower()
    if value is None or value == "":
        return value
    if isinstance(value, Mapping):
        return {str(k): clean_value(str(k), v) for k, v in value.items()}
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        # [old, new] pairs, lists of tags, a queryset of related objects
        return [clean_value(name, v) for v in value]
    if any(s in lowered for s in _SECRET_NAMES):
        return "***"
    if "id_number" in lowered:
        return mask_id_number(str(value))
    if "phone" in lowered:
        return mask_phone(str(value))
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | Promise):
        return str(value)
    return _mask_text(str(value)[:MAX_TEXT])


def clean_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    return {str(name): clean_value(str(name), value) for name, value in changes.items()}


def snapshot(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    """The current values of some fields, foreign keys as ids, for a later `diff`."""
    values = {}
    for name in names:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = getattr(obj, attname, None)
    return values


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {name: [before.get(name), after.get(name)] for name in after if before.get(name) != after.get(name)}


def area_path_of(obj: models.Model | None) -> str:
    """The path of the area an object belongs to ("" for settings of the whole deployment)."""
    if obj is None:
        return ""
    for attr in ("area_path", "path"):
        value = getattr(obj, attr, None)
        if isinstance(value, str):
            return value
    from xiangli.people.models import User

    if isinstance(obj, User):
        return user_area_path(obj)
    area = getattr(obj, "area", None)
    if area is not None and isinstance(getattr(area, "path", None), str):
        return str(area.path)
    user = getattr(obj, "user", None)
    if isinstance(user, User):
        return user_area_path(user)
    return ""


def user_area_path(user: Any) -> str:
    """The smallest area holding all of a person's roles and their home: their auditors' area."""
    from xiangli.people.models import Resident, RoleAssignment

    if user is None or user.pk is None:
        return ""
    paths = list(RoleAssignment.objects.filter(user=user).values_list("area__path", flat=True))
    if user.resident_id:
        paths += list(Resident.objects.filter(pk=user.resident_id).values_list("area_path", flat=True))
    if not paths:
        return ""
    common = paths[0].strip("/").split("/")
    for path in paths[1:]:
        parts = path.strip("/").split("/")
        n = 0
        while n < min(len(common), len(parts)) and common[n] == parts[n]:
            n += 1
        common = common[:n]
    return f"/{'/'.join(common)}/" if common else ""


def record(
    action: str,
    *,
    obj: models.Model | None = None,
    actor: Any = _UNSET,
    changes: Mapping[str, Any] | None = None,
    area_path: str | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one entry to the audit trail and return it.

    `action` names what happened ("case.accepted", "role.added"); `obj` is the
    thing it happened to (its type, id, label and area are taken from it);
    `actor` defaults to the user of the current request, None for the system;
    `changes` maps a field to [old, new], or a name to a fact of the event.
    ID numbers, phones and secrets in `changes` are masked here, so callers
    cannot get that wrong. The address and browser come from the current request.
    """
    origin = current_origin()
    if actor is _UNSET:
        actor = origin.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or (obj.pk if obj.pk is not None else "")
        object_repr = object_repr or str(obj)
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor,
        actor_label=_mask_text(str(actor))[:120] if actor is not None else "",
        action=action[:60],
        object_type=object_type[:60],
        object_id=str(object_id)[:40],
        object_repr=_mask_text(object_repr)[:200],
        area_path=area_path_of(obj) if area_path is None else area_path,
        changes=clean_changes(changes or {}),
        ip=origin.ip,
        user_agent=origin.user_agent,
    )


def record_many(
    action: str,
    items: Iterable[tuple[models.Model, Mapping[str, Any]]],
    *,
    actor: Any = _UNSET,
    batch_size: int = 1000,
) -> list[AuditEntry]:
    """Append one entry per (object, changes) pair, in a few INSERTs, and return them.

    The entries are those `record(action, obj=obj, actor=actor, changes=changes)` would
    write one by one (same masking, same area from each object), for actions that touch
    thousands of objects at once, such as a roster import. Call it inside the
    transaction of the change, as `record()`.
    """
    origin = current_origin()
    if actor is _UNSET:
        actor = origin.user
    actor_label = _mask_text(str(actor))[:120] if actor is not None else ""
    at = timezone.now()
    entries = [
        AuditEntry(
            at=at,
            actor=actor,
            actor_label=actor_label,
            action=action[:60],
            object_type=obj._meta.label_lower[:60],
            object_id=str(obj.pk if obj.pk is not None else "")[:40],
            object_repr=_mask_text(str(obj))[:200],
            area_path=area_path_of(obj),
            changes=clean_changes(changes or {}),
            ip=origin.ip,
            user_agent=origin.user_agent,
        )
        for obj, changes in items
    ]
    return AuditEntry.objects.bulk_create(entries, batch_size=batch_size)


def retention_days() -> int:
    return int(getattr(settings, "AUDIT_RETENTION_DAYS", 400))


def purge(*, older_than_days: int, now: dt.datetime | None = None) -> int:
    """Delete entries older than `older_than_days`; never fewer than six months' worth kept.

    On PostgreSQL the append-only trigger lets these deletes through only inside
    this transaction (`xiangli.audit_purge`), and only for rows past the minimum.
    """
    if older_than_days < MINIMUM_RETENTION_DAYS:
        raise ValueError(
            f"The audit trail must be kept at least {MINIMUM_RETENTION_DAYS} days (Cybersecurity Law, art. 21)."
        )
    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL xiangli.audit_purge = 'on'")
        # Raw SQL: the model and its queryset refuse every delete, on purpose.
        cursor.execute(f"DELETE FROM {table} WHERE at < %s", [cutoff])  # noqa: S608
        return int(cursor.rowcount)
