"""Importing a village's Excel roster into the registry, and exporting lists back to Excel.

An import is two steps: `check_roster` reads the file and reports every row it
would reject (row, column, value, why) without touching the registry; `apply_import`
then adds the new residents and updates the known ones, found by ID number, in one
transaction. Importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangli.areas.models import Area, AreaKind
from xiangli.audit import services as audit
from xiangli.people import scope
from xiangli.people.crypto import digest
from xiangli.people.idnumbers import birth_date as id_birth_date
from xiangli.people.idnumbers import gender as id_gender
from xiangli.people.idnumbers import normalise_id_number
from xiangli.people.masking import mask_id_number, mask_phone
from xiangli.people.models import CASE_INTAKE_ROLES, Resident, Tag, User
from xiangli.people.phones import normalise_phone

from . import sheets
from .models import ImportStatus, RosterImport

IMPORT_ROLES = CASE_INTAKE_ROLES
UPDATABLE = ("name", "phone", "village_id", "grid_id", "household", "is_household_head", "tags", "disability_grade")
YES = {"是", "y", "yes", "true", "1", "户主", "√", "✓"}
NO = {"否", "n", "no", "false", "0", ""}


@dataclass
class Plan:
    """What an import would do."""

    rows: int = 0
    new: list[Resident] = field(default_factory=list)
    updated: list[tuple[Resident, dict[str, list[Any]]]] = field(default_factory=list)
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)


def may_import(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or scope.has_role(user, IMPORT_ROLES)


def check_roster(*, by: User, filename: str, data: bytes) -> RosterImport:
    """The dry run: read the roster, report what an import would do, change no resident."""
    if not may_import(by):
        raise PermissionDenied(_("You may not import residents."))
    sheet = sheets.read_roster(data)
    plan = _plan(by, sheet)
    with transaction.atomic():
        record = RosterImport.objects.create(
            created_by=by, filename=(filename or "roster.xlsx")[:150],
            content=sheets.dump_rows(sheet),
            rows=plan.rows, new=len(plan.new), updated=len(plan.updated), unchanged=plan.unchanged,
            rejected=plan.rejected,
        )
        audit.record("roster.checked", obj=record, actor=by, area_path=audit.user_area_path(by),
                     changes={"rows": plan.rows, "rejected": len(plan.rejected)})
    return record


def apply_import(record: RosterImport, *, by: User) -> RosterImport:
    """Import a checked roster: new residents added, known ones updated, rejected rows skipped.

    The rows read at the dry run are checked again against the registry (it may have
    changed meanwhile), so the figures saved are what was really done; all of it
    commits together or not at all.
    """
    if record.created_by_id != by.pk:
        raise PermissionDenied(_("Only the person who uploaded this roster may import it."))
    if record.status != ImportStatus.CHECKED or not record.content:
        raise ValidationError(_("This roster was already imported."))
    # The rows as read at the dry run: what the report showed is what is imported.
    sheet = sheets.load_rows(record.content)
    with transaction.atomic():
        claimed = RosterImport.objects.filter(pk=record.pk, status=ImportStatus.CHECKED).update(
            status=ImportStatus.APPLIED, applied_at=timezone.now())
        if claimed != 1:
            raise ValidationError(_("This roster was already imported."))
        plan = _plan(by, sheet)
        _write(plan, by)
        RosterImport.objects.filter(pk=record.pk).update(
            content="", rows=plan.rows, new=len(plan.new), updated=len(plan.updated), unchanged=plan.unchanged,
            rejected=plan.rejected,
        )
        audit.record("roster.imported", obj=record, actor=by, area_path=audit.user_area_path(by), changes={
            "rows": plan.rows, "new": len(plan.new), "updated": len(plan.updated),
            "unchanged": plan.unchanged, "rejected": len(plan.rejected),
        })
    record.refresh_from_db()
    return record


# -- writing --------------------------------------------------------------------------------

BATCH = 1000


def _write(plan: Plan, by: User) -> None:
    """The plan's residents in bulk, and one audit entry for each, in the caller's transaction.

    A bulk write skips `Resident.save()`, so each resident's derived columns are filled
    by `derive_fields()` first; one INSERT per resident would make a 10,000-row roster
    take minutes.
    """
    fields = [*(f.removesuffix("_id") for f in UPDATABLE), "name_initials", "phone_digest", "area_path"]
    Resident.objects.bulk_create([r.derive_fields() for r in plan.new], batch_size=BATCH)
    Resident.objects.bulk_update([r.derive_fields() for r, _ in plan.updated], fields, batch_size=BATCH)
    audit.record_many("resident.registered", (
        (r, {
            "name": [None, r.name], "id_number": [None, r.id_number], "phone": [None, r.phone],
            "village": [None, r.village_id], "grid": [None, r.grid_id], "household": [None, r.household],
            "tags": [None, r.tags], "source": "roster",
        }) for r in plan.new
    ), actor=by, batch_size=BATCH)
    audit.record_many("resident.changed", ((r, {**changes, "source": "roster"}) for r, changes in plan.updated),
                      actor=by, batch_size=BATCH)


# -- planning -------------------------------------------------------------------------------


class _Villages:
    """The villages (and their grids) the importing user serves, found by code or name."""

    def __init__(self, user: Any) -> None:
        villages = Area.objects.filter(kind=AreaKind.VILLAGE)
        grids = Area.objects.filter(kind=AreaKind.GRID)
        if not getattr(user, "is_superuser", False):
            paths = scope.paths_for(user, IMPORT_ROLES)
            villages = villages.filter(pk__in=[]) if not paths else villages.filter(_prefix("path", paths))
            # A grid worker serves a grid, not its village: let them name their own grid's village.
            grids = grids.filter(_prefix("path", paths)) if paths else grids.none()
        self.by_code: dict[str, Area] = {}
        self.by_name: dict[str, list[Area]] = {}
        for v in villages:
            self.by_code[v.code] = v
            self.by_name.setdefault(v.name, []).append(v)
        self.grids: dict[int, dict[str, Area]] = {}
        self.served_grids: set[int] = set()
        village_ids = set(v.pk for v in self.by_code.values())
        for g in Area.objects.filter(kind=AreaKind.GRID, parent_id__in=village_ids) | grids:
            self.grids.setdefault(g.parent_id or 0, {}).update({g.code: g, g.name: g})
            self.served_grids.add(g.pk)
        # A grid worker's village, which they may name but only fill with their grid's people.
        extra = Area.objects.filter(pk__in=[g.parent_id for g in grids]).exclude(pk__in=village_ids)
        self.grid_only: set[int] = set()
        for v in extra:
            self.by_code[v.code] = v
            self.by_name.setdefault(v.name, []).append(v)
            self.grid_only.add(v.pk)
        self.user = user

    def village(self, text: str) -> Area | str:
        if text in self.by_code:
            return self.by_code[text]
        found = self.by_name.get(text, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            return _("Two villages you serve have this name; write the village's code instead.")
        return _("Unknown village, or not one you serve.")

    def grid(self, village: Area, text: str) -> Area | str | None:
        if not text:
            return None
        grid = self.grids.get(village.pk, {}).get(text)
        if grid is None:
            return _("This grid is not in the row's village.")
        return grid

    def may_hold(self, resident_path: str) -> bool:
        return scope.serves(self.user, resident_path, IMPORT_ROLES)


def _prefix(name: str, paths: list[str]) -> Any:
    from django.db.models import Q

    query = Q(pk__in=[])
    for p in paths:
        query |= Q(**{f"{name}__startswith": p})
    return query


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _tag_lookup() -> dict[str, str]:
    from django.utils import translation

    names: dict[str, str] = {}
    for tag in Tag:
        names[tag.value] = tag.value
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                names[str(tag.label).lower()] = tag.value
    # The words villages write on their rosters.
    names.update({"低保": Tag.LOW_INCOME, "特困": Tag.EXTREMELY_POOR, "残疾": Tag.DISABLED, "残疾人": Tag.DISABLED,
                  "独居": Tag.LIVING_ALONE, "独居老人": Tag.LIVING_ALONE, "党员": Tag.PARTY_MEMBER,
                  "返乡": Tag.RETURNED_MIGRANT, "返乡人员": Tag.RETURNED_MIGRANT})
    return names


def _plan(by: User, sheet: sheets.Sheet) -> Plan:
    plan = Plan(rows=len(sheet.rows))
    villages = _Villages(by)
    tags = _tag_lookup()
    labels = {c.key: f"{c.zh} / {c.en}" for c in sheets.COLUMNS}
    parsed: list[tuple[int, dict[str, Any]]] = []
    first_row_of: dict[str, int] = {}

    def reject(row: int, key: str, value: Any, why: str) -> None:
        shown = _text(value)
        if key == "id_number":
            shown = mask_id_number(shown) if len(shown) >= 10 else shown
        elif key == "phone":
            shown = mask_phone(shown) if len(shown) >= 7 else shown
        plan.rejected.append({"row": row, "column": labels.get(key, key), "value": shown[:60], "why": why})

    for number, cells in sheet.rows:
        raw_id = cells.get("id_number")
        if isinstance(raw_id, int | float):
            # Excel keeps 15 significant digits: the ID number's last digits are already lost.
            reject(number, "id_number", raw_id, _("Stored as a number, so its last digits are lost. "
                                                  "Format the column as text and type it again."))
            continue
        try:
            id_number = normalise_id_number(_text(raw_id))
        except ValidationError as exc:
            reject(number, "id_number", raw_id, " ".join(exc.messages))
            continue
        if id_number in first_row_of:
            reject(number, "id_number", id_number,
                   _("Duplicate: the same ID number is on row %(row)d.") % {"row": first_row_of[id_number]})
            continue
        first_row_of[id_number] = number
        name = _text(cells.get("name"))[:50]
        if not name:
            reject(number, "name", "", _("The name is missing."))
            continue
        village = villages.village(_text(cells.get("village")))
        if isinstance(village, str):
            reject(number, "village", cells.get("village"), village)
            continue
        grid = villages.grid(village, _text(cells.get("grid")))
        if isinstance(grid, str):
            reject(number, "grid", cells.get("grid"), grid)
            continue
        row: dict[str, Any] = {"id_number": id_number, "name": name, "village": village, "grid": grid}
        if not villages.may_hold((grid or village).path):
            reject(number, "grid" if village.pk in villages.grid_only else "village", cells.get("village"),
                   _("You do not serve this village or grid."))
            continue
        problem = _optional_cells(cells, row, tags)
        if problem:
            reject(number, *problem)
            continue
        parsed.append((number, row))

    existing: dict[str, Resident] = {}
    digests = [digest(r["id_number"]) for _, r in parsed]
    for start in range(0, len(digests), 1000):
        for resident in Resident.objects.filter(id_digest__in=digests[start:start + 1000]).select_related("village"):
            existing[resident.id_digest or ""] = resident
    for number, row in parsed:
        current = existing.get(digest(row["id_number"]))
        if current is None:
            plan.new.append(_new_resident(row))
            continue
        if not villages.may_hold(current.area_path):
            reject(number, "id_number", row["id_number"],
                   _("This person is registered in a village you do not serve."))
            continue
        changes = _apply(current, row)
        if changes:
            plan.updated.append((current, changes))
        else:
            plan.unchanged += 1
    plan.rejected.sort(key=lambda r: r["row"])
    return plan


def _optional_cells(cells: dict[str, Any], row: dict[str, Any], tags: dict[str, str]) -> tuple[str, Any, str] | None:
    """Read the optional cells into row; (column, value, why) for the first bad one."""
    phone = _text(cells.get("phone"))
    if phone:
        try:
            row["phone"] = normalise_phone(phone)
        except ValidationError as exc:
            return "phone", phone, " ".join(exc.messages)
    household = _text(cells.get("household"))
    if household:
        row["household"] = household[:30]
    head = _text(cells.get("is_household_head")).lower()
    if head:
        if head in YES:
            row["is_household_head"] = True
        elif head in NO:
            row["is_household_head"] = False
        else:
            return "is_household_head", head, _("Write 是 or 否 (yes or no).")
    tag_text = _text(cells.get("tags"))
    if tag_text:
        found = []
        for part in (p.strip().lower() for p in tag_text.replace("，", ",").replace("、", ",").replace(";", ",")
                     .split(",")):
            if not part:
                continue
            if part not in tags:
                return "tags", part, _("Unknown tag. Known tags: %(tags)s.") % {
                    "tags": "、".join(str(t.label) for t in Tag)}
            if tags[part] not in found:
                found.append(tags[part])
        row["tags"] = found
    grade = _text(cells.get("disability_grade"))
    if grade:
        grade = grade.replace("级", "").replace("一", "1").replace("二", "2").replace("三", "3").replace("四", "4")
        if grade not in ("1", "2", "3", "4"):
            return "disability_grade", grade, _("A disability grade is 1, 2, 3 or 4.")
        row["disability_grade"] = int(grade)
    return None


def _new_resident(row: dict[str, Any]) -> Resident:
    # Gender and birth date come from the ID number, as at the counter.
    return Resident(
        name=row["name"], id_number=row["id_number"], gender=id_gender(row["id_number"]),
        birth_date=id_birth_date(row["id_number"]), phone=row.get("phone", ""), village=row["village"],
        grid=row["grid"], household=row.get("household", ""), is_household_head=row.get("is_household_head", False),
        tags=row.get("tags", []), disability_grade=row.get("disability_grade"),
    )


def _apply(resident: Resident, row: dict[str, Any]) -> dict[str, list[Any]]:
    """Copy the row's filled cells onto the resident; {field: [old, new]} of what changed.

    An empty cell leaves the registry's value as it is: a roster never erases a phone.
    """
    changes: dict[str, list[Any]] = {}
    wanted: dict[str, Any] = {"name": row["name"], "village_id": row["village"].pk}
    if row["grid"] is not None or resident.village_id != row["village"].pk:
        wanted["grid_id"] = row["grid"].pk if row["grid"] else None
    for key in ("phone", "household", "is_household_head", "tags", "disability_grade"):
        if key in row:
            wanted[key] = row[key]
    for key, value in wanted.items():
        old = getattr(resident, key)
        if old != value:
            changes[key.removesuffix("_id")] = [old, value]
            setattr(resident, key, value)
    if "village_id" in wanted:
        resident.village = row["village"]
    if "grid_id" in wanted:
        resident.grid = row["grid"]
    return changes

