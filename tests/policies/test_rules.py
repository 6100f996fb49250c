"""Eligibility rules: validated against a whitelist, compiled to one query, matching what a person would count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from xiangli.people.models import Resident
from xiangli.policies import rules

from .conftest import TODAY


def names(rule: dict, today: dt.date = TODAY) -> set[str]:
    q = rules.compile_rule(rules.validate(rule), today=today)
    return set(Resident.objects.filter(q).values_list("name", flat=True))


def message(rule) -> str:
    with pytest.raises(ValidationError) as exc:
        rules.validate(rule)
    return " ".join(exc.value.messages)


def test_age_counts_the_birthday_itself(folk):
    sixty = names({"field": "age", "op": ">=", "value": 60})
    assert "周六十" in sixty and "吴五九" not in sixty


def test_age_on_a_named_day(folk):
    assert "吴五九" in names({"field": "age", "op": ">=", "value": 60, "on": "2026-12-31"})


def test_under_three_finds_the_baby_only(folk):
    assert names({"field": "age", "op": "<", "value": 3}) == {"郑小宝"}


def test_tags_match_exactly(folk):
    assert names({"tag": "low_income"}) == {"郑低保"}
    assert names({"tag": "disabled"}) == {"孙重残", "钱轻残"}


def test_severe_disability_is_grade_two_or_lower(folk):
    rule = {"all": [{"tag": "disabled"}, {"field": "disability_grade", "op": "<=", "value": 2}]}
    assert names(rule) == {"孙重残"}


def test_any_and_not_combine(folk):
    rule = {"any": [{"tag": "low_income"}, {"tag": "living_alone"}]}
    assert names(rule) == {"郑低保", "老李"}
    everyone = set(Resident.objects.values_list("name", flat=True))
    assert names({"not": rule}) == everyone - {"郑低保", "老李"}
    assert names({"tag": "living_alone", "negate": True}) == everyone - {"老李"}


def test_household_has_tag_reaches_the_whole_household(folk):
    assert names({"household_has_tag": "low_income"}) == {"郑低保", "郑小宝"}


def test_area_limits_to_a_subtree(world, folk):
    assert names({"all": [{"area": world.grid_a2.code}, {"field": "age", "op": "<", "value": 150}]}) == {
        "张三", "吴五九", "孙重残"}


def test_gender_and_household_head(folk):
    assert names({"field": "gender", "op": "==", "value": "M"}) == set()
    assert len(names({"field": "is_household_head", "op": "==", "value": False})) == Resident.objects.count()


@pytest.mark.parametrize("rule, says", [
    ({"field": "income", "op": ">", "value": 3}, "Unknown field: income"),
    ({"tag": "rich"}, "Unknown tag: rich"),
    ({"enrolled_in": "nope"}, "Unknown policy code: nope"),
    ({"area": "999"}, "Unknown area code: 999"),
    ({}, "needs a rule"),
    (None, "needs a rule"),
    ({"all": []}, "group of conditions is empty"),
    ({"field": "age", "op": "~", "value": 3}, "Unknown comparison"),
    ({"field": "age", "op": ">=", "value": "sixty"}, "whole number"),
    ({"field": "age", "op": ">=", "value": 60, "on": "next year"}, "not a date"),
    ({"field": "age", "op": ">=", "value": 60, "sql": "drop"}, "Unknown key in a condition: sql"),
    ({"sql": "1=1"}, "Unknown condition: sql"),
    ([{"tag": "low_income"}], "condition or a group"),
])
def test_bad_rules_are_refused_with_a_clear_message(db, rule, says):
    assert says in message(rule)


def test_a_rule_too_deep_is_refused(db):
    rule: dict = {"tag": "low_income"}
    for _ in range(10):
        rule = {"not": rule}
    assert "too deeply" in message(rule)


def test_malformed_json_is_refused(db):
    with pytest.raises(ValidationError, match="not valid JSON"):
        rules.parse("{all: [")


def test_description_reads_as_words(db):
    text = rules.describe({"all": [{"field": "age", "op": ">=", "value": 60}, {"tag": "low_income", "negate": True}]})
    assert "age ≥ 60" in text and "not tagged" in text


@given(birth=st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)),
       on=st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)), age=st.integers(0, 110), op=st.sampled_from(rules.OPS))
def test_age_range_agrees_with_age_on(birth, on, age, op):
    """The birth-date range a rule compiles to matches counting the age person by person."""
    q = rules.age_q(op, age, on)
    actual = Resident(birth_date=birth).age_on(on)
    expected = {">=": actual >= age, ">": actual > age, "<=": actual <= age, "<": actual < age,
                "==": actual == age, "!=": actual != age}[op]
    assert _evaluate(q, birth) == expected


def _evaluate(q, birth: dt.date) -> bool:
    """Evaluate a Q of birth_date comparisons in Python, as the database would."""
    result = all(_evaluate(c, birth) if hasattr(c, "children") else _leaf(c, birth) for c in q.children)
    if q.connector == "OR":
        result = any(_evaluate(c, birth) if hasattr(c, "children") else _leaf(c, birth) for c in q.children)
    return not result if q.negated else result


def _leaf(child, birth: dt.date) -> bool:
    key, value = child
    return {"birth_date__lte": birth <= value, "birth_date__gt": birth > value}[key]
