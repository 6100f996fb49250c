"""The policy form: a rule builder that works without JavaScript (rows of field, comparison and
value under one combinator), with the rule's JSON editable as text for power users."""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import OUTCOMES, OutreachStatus

ROWS = 6
KINDS = [
    ("", _("— no condition —")),
    ("age", _("Age")),
    ("disability_grade", _("Disability grade (1 most severe)")),
    ("gender", _("Gender (M or F)")),
    ("is_household_head", _("Head of household (yes or no)")),
    ("tag", _("Has tag")),
    ("not_tag", _("Does not have tag")),
    ("household_has_tag", _("Household has someone with tag")),
    ("area", _("Lives in area (code)")),
    ("enrolled_in", _("Enrolled in policy (code)")),
    ("not_enrolled_in", _("Not yet enrolled in policy (code)")),
]
OP_CHOICES = [(">=", "≥"), (">", ">"), ("<=", "≤"), ("<", "<"), ("==", "="), ("!=", "≠")]
YES_WORDS = {"yes", "true", "1", "是", "y"}


class PolicyForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40,
                           help_text=_("Short name, letters and digits, e.g. pension-60."))
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=150)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    area = forms.ChoiceField(label=_("For the residents of"))
    benefit = forms.CharField(label=_("Benefit"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    documents = forms.CharField(label=_("Documents needed (one per line)"), widget=forms.Textarea(attrs={"rows": 3}),
                                required=False)
    service_item = forms.ChoiceField(label=_("Service item a resident applies with"), required=False)
    combinator = forms.ChoiceField(label=_("Eligible when"), choices=[
        ("all", _("all of the conditions hold")), ("any", _("any of the conditions holds"))])
    mode = forms.ChoiceField(label=_("Edit the rule as"), widget=forms.RadioSelect, choices=[
        ("rows", _("the conditions below")), ("json", _("JSON text (power users)"))], initial="rows")
    rule_json = forms.CharField(label=_("Rule as JSON"), required=False,
                                widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}))

    def __init__(self, *args: Any, areas: list[tuple[str, str]], items: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["area"]).choices = areas
        cast(forms.ChoiceField, self.fields["service_item"]).choices = [("", _("— none —")), *items]
        for i in range(ROWS):
            self.fields[f"kind_{i}"] = forms.ChoiceField(label=_("Condition"), choices=KINDS, required=False)
            self.fields[f"op_{i}"] = forms.ChoiceField(label=_("Comparison"), choices=OP_CHOICES, required=False,
                                                       initial=">=")
            self.fields[f"value_{i}"] = forms.CharField(label=_("Value"), max_length=60, required=False)
            self.fields[f"on_{i}"] = forms.DateField(label=_("Age on (empty: today)"), required=False,
                                                     widget=forms.DateInput(attrs={"type": "date"}))

    def rows(self) -> list[dict[str, Any]]:
        """The bound fields of each condition row, for the template."""
        return [{name: self[f"{name}_{i}"] for name in ("kind", "op", "value", "on")} for i in range(ROWS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            if data.get("mode") == "json":
                data["rule"] = rules.parse(data.get("rule_json") or "")
            else:
                data["rule"] = rules.validate(self._rule_from_rows(data))
        except ValidationError as exc:
            for message in exc.messages:
                self.add_error("rule_json" if data.get("mode") == "json" else None, message)
        data["documents_list"] = [line.strip() for line in (data.get("documents") or "").splitlines() if line.strip()]
        return data

    def _rule_from_rows(self, data: dict[str, Any]) -> dict[str, Any]:
        leaves = []
        for i in range(ROWS):
            kind, value = data.get(f"kind_{i}") or "", (data.get(f"value_{i}") or "").strip()
            if not kind:
                continue
            if kind in ("tag", "not_tag", "household_has_tag"):
                leaf: dict[str, Any] = {"household_has_tag" if kind == "household_has_tag" else "tag": value}
                if kind == "not_tag":
                    leaf["negate"] = True
            elif kind in ("enrolled_in", "not_enrolled_in"):
                leaf = {"enrolled_in": value}
                if kind == "not_enrolled_in":
                    leaf["negate"] = True
            elif kind == "area":
                leaf = {"area": value}
            else:
                op = data.get(f"op_{i}") or "=="
                parsed: Any = value
                if kind == "is_household_head":
                    parsed = value.lower() in YES_WORDS
                elif kind == "gender":
                    parsed = value.upper()
                leaf = {"field": kind, "op": op, "value": parsed}
                if kind == "age" and data.get(f"on_{i}"):
                    leaf["on"] = data[f"on_{i}"].isoformat()
            leaves.append(leaf)
        if not leaves:
            return {}
        return {data.get("combinator") or "all": leaves}


def initial_for_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """Form values for a stored rule: rows when it is a flat list of conditions, else JSON."""
    initial: dict[str, Any] = {"rule_json": json.dumps(rule, ensure_ascii=False, indent=1), "mode": "json"}
    key = "all" if "all" in rule else "any" if "any" in rule else None
    leaves = rule[key] if key else [rule]
    if len(leaves) > ROWS or any(set(leaf) & {"all", "any", "not"} for leaf in leaves):
        return initial
    rows: dict[str, Any] = {}
    for i, leaf in enumerate(leaves):
        negate = leaf.get("negate", False)
        if "tag" in leaf:
            rows.update({f"kind_{i}": "not_tag" if negate else "tag", f"value_{i}": leaf["tag"]})
        elif "enrolled_in" in leaf:
            rows.update({f"kind_{i}": "not_enrolled_in" if negate else "enrolled_in",
                         f"value_{i}": leaf["enrolled_in"]})
        elif negate:
            return initial
        elif "household_has_tag" in leaf:
            rows.update({f"kind_{i}": "household_has_tag", f"value_{i}": leaf["household_has_tag"]})
        elif "area" in leaf:
            rows.update({f"kind_{i}": "area", f"value_{i}": leaf["area"]})
        else:
            value = leaf["value"]
            if isinstance(value, bool):
                value = "yes" if value else "no"
            rows.update({f"kind_{i}": leaf["field"], f"op_{i}": leaf["op"], f"value_{i}": str(value),
                         f"on_{i}": leaf.get("on")})
    return {**initial, **rows, "mode": "rows", "combinator": key or "all"}


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("What the visit found"), widget=forms.RadioSelect,
                                choices=[(o.value, o.label) for o in OUTCOMES])
    reason = forms.CharField(label=_("Reason or note"), max_length=300, required=False,
                             help_text=_("Needed when the resident declines."))


class ExportForm(forms.Form):
    full = forms.BooleanField(label=_("Full ID numbers and phones (logged)"), required=False)
    reason = forms.CharField(label=_("Why you need the full values"), max_length=200, required=False)


STATUS_FILTERS = [(s.value, s.label) for s in OutreachStatus]
