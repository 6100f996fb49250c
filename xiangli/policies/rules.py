"""Eligibility rules: who a policy is for, stored as data and compiled to a database query.

A rule is a small JSON tree, written by township or county staff in a form:

    {"all": [{"field": "age", "op": ">=", "value": 60},
             {"not": {"tag": "low_income"}},
             {"enrolled_in": "pension", "negate": true}]}

Combinators: ``all`` (and), ``any`` (or), ``not``. Leaves:

- ``{"field": "age", "op": ">=", "value": 60, "on": "2026-12-31"}``: the age reached on a
  day (today when ``on`` is left out), from the birth date;
- ``{"field": "disability_grade" | "gender" | "is_household_head", "op": ..., "value": ...}``;
- ``{"tag": "low_income"}``: a tag of the registry (see ``Tag``);
- ``{"household_has_tag": "low_income"}``: someone of the same household carries the tag
  (low-income support is granted per household);
- ``{"area": "<area code>"}``: lives in that area or below it;
- ``{"enrolled_in": "<policy code>"}``: enrolled in another policy.

Every leaf may carry ``"negate": true``. ``validate`` checks a tree against this
whitelist (nothing else reaches the database); ``compile_rule`` turns it into a
``Q`` over ``Resident``, so matching runs in the database, never in a Python loop.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.lookups import Lookup
from django.utils.translation import gettext as _

from xiangli.people.models import Gender, Resident, Tag

MAX_DEPTH = 6
MAX_NODES = 60
OPS = (">=", ">", "<=", "<", "==", "!=")
# Field leaves: the registry columns a rule may compare, and the values each accepts.
FIELDS = ("age", "disability_grade", "gender", "is_household_head")
LEAF_KEYS = {"field", "tag", "household_has_tag", "area", "enrolled_in"}


class HasTag(Lookup):  # type: ignore[type-arg]
    """``tags`` (a JSON list) holds the value.

    PostgreSQL: ``tags @> '["x"]'``, which a GIN index on ``tags`` serves. SQLite has no
    containment operator for JSON; ``json_each`` looks at the list's elements one by one,
    exactly, so "disabled" never matches inside another tag's text.
    """

    lookup_name = "has_tag"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        sql = f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value = %s)"  # noqa: S608 -- lhs is a column
        return sql, [*lhs_params, self.rhs]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} @> %s::jsonb", [*lhs_params, json.dumps([self.rhs])]


def has_tag(tag: str, column: str = "tags") -> Q:
    return Q(HasTag(models.F(column), tag))


# -- validation -----------------------------------------------------------------------------


def _error(message: str) -> ValidationError:
    return ValidationError({"rule": message})


def parse(text: str) -> dict[str, Any]:
    """A rule from the JSON a power user typed, validated."""
    try:
        value = json.loads(text)
    except (ValueError, TypeError):
        raise _error(_("The rule is not valid JSON.")) from None
    return validate(value)


def validate(rule: Any) -> dict[str, Any]:
    """The rule, checked against the whitelist; raises ValidationError with a readable message.

    Policy and area codes are checked to exist, so a rule never silently matches nobody
    because of a typo.
    """
    if rule in (None, {}, []):
        raise _error(_("A policy needs a rule saying who is eligible."))
    counter = [0]
    cleaned = _validate(rule, 0, counter)
    return cleaned


def _validate(node: Any, depth: int, counter: list[int]) -> dict[str, Any]:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise _error(_("The rule is too long: at most %(n)d conditions.") % {"n": MAX_NODES})
    if depth > MAX_DEPTH:
        raise _error(_("The rule is nested too deeply."))
    if not isinstance(node, dict) or not node:
        raise _error(_("Each part of a rule must be a condition or a group."))
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        if set(node) != {key}:
            raise _error(_("A group holds only its list of conditions."))
        items = node[key]
        if not isinstance(items, list) or not items:
            raise _error(_("A group of conditions is empty."))
        return {key: [_validate(item, depth + 1, counter) for item in items]}
    if "not" in node:
        if set(node) != {"not"}:
            raise _error(_("A “not” holds only one condition."))
        return {"not": _validate(node["not"], depth + 1, counter)}
    return _leaf(node)


def _leaf(node: dict[str, Any]) -> dict[str, Any]:
    kinds = LEAF_KEYS & set(node)
    if len(kinds) != 1:
        unknown = ", ".join(sorted(set(node) - LEAF_KEYS - {"op", "value", "on", "negate"})) or "?"
        raise _error(_("Unknown condition: %(keys)s.") % {"keys": unknown})
    kind = kinds.pop()
    allowed = {kind, "negate"} | ({"op", "value", "on"} if kind == "field" else set())
    extra = set(node) - allowed
    if extra:
        raise _error(_("Unknown key in a condition: %(keys)s.") % {"keys": ", ".join(sorted(extra))})
    negate = node.get("negate", False)
    if not isinstance(negate, bool):
        raise _error(_("“negate” must be true or false."))
    out: dict[str, Any] = {}
    if kind == "field":
        out = _field_leaf(node)
    elif kind in ("tag", "household_has_tag"):
        if node[kind] not in Tag.values:
            raise _error(_("Unknown tag: %(tag)s.") % {"tag": str(node[kind])[:40]})
        out = {kind: node[kind]}
    elif kind == "area":
        from xiangli.areas.models import Area

        code = str(node["area"]).strip()
        if not Area.objects.filter(code=code).exists():
            raise _error(_("Unknown area code: %(code)s.") % {"code": code[:40]})
        out = {"area": code}
    elif kind == "enrolled_in":
        from .models import Policy

        code = str(node["enrolled_in"]).strip()
        if not Policy.objects.filter(code=code).exists():
            raise _error(_("Unknown policy code: %(code)s.") % {"code": code[:40]})
        out = {"enrolled_in": code}
    if negate:
        out["negate"] = True
    return out


def _field_leaf(node: dict[str, Any]) -> dict[str, Any]:
    field, op, value = node["field"], node.get("op", "=="), node.get("value")
    if field not in FIELDS:
        raise _error(_("Unknown field: %(field)s.") % {"field": str(field)[:40]})
    if op not in OPS:
        raise _error(_("Unknown comparison: %(op)s.") % {"op": str(op)[:10]})
    out: dict[str, Any] = {"field": field, "op": op}
    if field in ("age", "disability_grade"):
        if isinstance(value, bool) or not isinstance(value, int):
            try:
                value = int(str(value).strip())
            except ValueError:
                raise _error(_("“%(field)s” needs a whole number.") % {"field": field}) from None
        limit = 150 if field == "age" else 4
        if not 0 <= value <= limit:
            raise _error(_("“%(field)s” must be between 0 and %(max)d.") % {"field": field, "max": limit})
        out["value"] = value
        if field == "age" and node.get("on"):
            try:
                out["on"] = dt.date.fromisoformat(str(node["on"])).isoformat()
            except ValueError:
                raise _error(_("The day for the age is not a date (write it as 2026-12-31).")) from None
        elif "on" in node and node["on"]:
            raise _error(_("Only the age is counted on a day."))
    elif field == "gender":
        if op not in ("==", "!=") or value not in Gender.values:
            raise _error(_("Gender is compared with = or ≠ to M or F."))
        out["value"] = value
    else:  # is_household_head
        if op not in ("==", "!=") or not isinstance(value, bool):
            raise _error(_("Head of household is compared with = or ≠ to true or false."))
        out["value"] = value
    return out


# -- compilation ----------------------------------------------------------------------------


def compile_rule(rule: dict[str, Any], *, today: dt.date) -> Q:
    """A ``Q`` over ``Resident`` matching whoever the (validated) rule describes."""
    if "all" in rule:
        q = Q()
        for item in rule["all"]:
            q &= compile_rule(item, today=today)
        return q
    if "any" in rule:
        q = Q(pk__in=[])
        for item in rule["any"]:
            q |= compile_rule(item, today=today)
        return q
    if "not" in rule:
        return ~compile_rule(rule["not"], today=today)
    q = _compile_leaf(rule, today)
    return ~q if rule.get("negate") else q


def _compile_leaf(leaf: dict[str, Any], today: dt.date) -> Q:
    if "tag" in leaf:
        return has_tag(leaf["tag"])
    if "household_has_tag" in leaf:
        # Same household number in the same village; residents without one match nobody.
        mates = Resident.objects.filter(
            village_id=OuterRef("village_id"), household=OuterRef("household")
        ).filter(has_tag(leaf["household_has_tag"]))
        return ~Q(household="") & Q(Exists(mates))
    if "area" in leaf:
        from xiangli.areas.models import Area

        path = Area.objects.filter(code=leaf["area"]).values_list("path", flat=True).first()
        return Q(area_path__startswith=path) if path else Q(pk__in=[])
    if "enrolled_in" in leaf:
        from .models import EnrolmentStatus, PolicyEnrolment

        return Q(Exists(PolicyEnrolment.objects.filter(
            policy__code=leaf["enrolled_in"], resident_id=OuterRef("pk"), status=EnrolmentStatus.ENROLLED,
        )))
    field, op, value = leaf["field"], leaf["op"], leaf["value"]
    if field == "age":
        on = dt.date.fromisoformat(leaf["on"]) if leaf.get("on") else today
        return age_q(op, value, on)
    if field == "disability_grade":
        # Grade 1 is the most severe: "grade ≤ 2" means severely disabled. No grade, no match.
        lookups = {">=": "gte", ">": "gt", "<=": "lte", "<": "lt", "==": "exact"}
        if op == "!=":
            return Q(disability_grade__isnull=False) & ~Q(disability_grade=value)
        return Q(**{f"disability_grade__{lookups[op]}": value})
    q = Q(**{field: value})
    return ~q if op == "!=" else q


def latest_birth_for_age(age: int, on: dt.date) -> dt.date:
    """The latest birth date of someone who is at least `age` on `on`.

    Someone born on 29 February turns a year older on 1 March in common years, as
    ``Resident.age_on`` counts it.
    """
    year = on.year - age
    try:
        return on.replace(year=year)
    except ValueError:  # 29 February, counted back to a common year
        return dt.date(year, 2, 28)


def age_q(op: str, age: int, on: dt.date) -> Q:
    """Age compared on a day, as a range on the birth date (which an index can serve)."""
    if op == ">":
        op, age = ">=", age + 1
    elif op == "<=":
        op, age = "<", age + 1
    if op == ">=":
        return Q(birth_date__lte=latest_birth_for_age(age, on))
    if op == "<":
        return Q(birth_date__gt=latest_birth_for_age(age, on))
    exactly = Q(birth_date__lte=latest_birth_for_age(age, on), birth_date__gt=latest_birth_for_age(age + 1, on))
    return ~exactly if op == "!=" else exactly


def referenced_policies(rule: dict[str, Any]) -> set[str]:
    """Codes of the policies a rule names, so a policy cannot be made to depend on itself."""
    if "all" in rule or "any" in rule:
        return set().union(*(referenced_policies(r) for r in rule.get("all", rule.get("any", []))))
    if "not" in rule:
        return referenced_policies(rule["not"])
    return {rule["enrolled_in"]} if "enrolled_in" in rule else set()


# -- description ----------------------------------------------------------------------------


def describe(rule: dict[str, Any]) -> str:
    """The rule in words, for the policy's page."""
    if "all" in rule or "any" in rule:
        key = "all" if "all" in rule else "any"
        joiner = _(" and ") if key == "all" else _(" or ")
        parts = [describe(r) for r in rule[key]]
        return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"
    if "not" in rule:
        return _("not %(rule)s") % {"rule": describe(rule["not"])}
    text = _describe_leaf(rule)
    return _("not %(rule)s") % {"rule": text} if rule.get("negate") else text


def _describe_leaf(leaf: dict[str, Any]) -> str:
    labels = dict(Tag.choices)
    if "tag" in leaf:
        return _("tagged “%(tag)s”") % {"tag": labels.get(leaf["tag"], leaf["tag"])}
    if "household_has_tag" in leaf:
        return _("household has someone tagged “%(tag)s”") % {
            "tag": labels.get(leaf["household_has_tag"], leaf["household_has_tag"])}
    if "area" in leaf:
        return _("lives in area %(code)s") % {"code": leaf["area"]}
    if "enrolled_in" in leaf:
        return _("enrolled in policy %(code)s") % {"code": leaf["enrolled_in"]}
    names = {
        "age": _("age"), "disability_grade": _("disability grade"), "gender": _("gender"),
        "is_household_head": _("head of household"),
    }
    op = {"==": "=", "!=": "≠", ">=": "≥", "<=": "≤"}.get(leaf["op"], leaf["op"])
    value = leaf["value"]
    if leaf["field"] == "gender":
        value = dict(Gender.choices).get(value, value)
    elif leaf["field"] == "is_household_head":
        value = _("yes") if value else _("no")
    text = f"{names[leaf['field']]} {op} {value}"
    if leaf.get("on"):
        text += " " + _("on %(day)s") % {"day": leaf["on"]}
    return text
