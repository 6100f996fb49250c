"""Properties that hold for every input hypothesis can think of, not just the ones we wrote down.

A case pushed around by random people with random steps never ends up
inconsistent; a well-formed ID number is always accepted as itself and a
one-character slip never is; a phone number, once normalised, stays put.
"""

from __future__ import annotations

import datetime as dt
import itertools
import string
import unicodedata
from typing import Any

import phonenumbers
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import World
from xiangli.cases import services
from xiangli.cases.models import Case, CaseEvent, State
from xiangli.catalog.models import ServiceItem
from xiangli.people.idnumbers import birth_date, check_digit, gender, normalise_id_number
from xiangli.people.phones import national, normalise_phone

PEOPLE = ("alice", "bob", "andy", "sam", "gina", "oscar", "tom", "dora", "kate", "cheng", "audrey")
STEPS = (*services.TRANSITIONS, "rate")
TERMINAL = (State.CLOSED, State.DECLINED, State.WITHDRAWN)
NOTES = st.sampled_from(["", "  ", "身份证复印件不清楚", "<b>bold</b>", "x" * 3000])

# The world is built once per test, and every example opens its own case on its
# own service item, so examples do not see each other's cases.
world_once = settings(
    max_examples=60, derandomize=True, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_items = itertools.count()


def _fresh_case(world: World, by_resident: bool) -> Case:
    n = next(_items)
    item = ServiceItem.objects.create(
        code=f"PROP-{n}", name_zh=f"事项{n}", name_en=f"Item {n}", category="convenience",
        department_zh="民政", department_en="Civil affairs", level="county", handled_at_zh="县",
        handled_at_en="County", promised_days=1 + n % 7,
    )
    if by_resident:
        return services.create_case(by=world.alice, resident=world.alice_resident, item=item, channel="online")
    return services.create_case(by=world.andy, resident=world.carl_resident, item=item, channel="walk_in")


def _row(case: Case) -> dict[str, Any]:
    return Case.objects.filter(pk=case.pk).values().get()


@pytest.mark.django_db
@world_once
@given(
    by_resident=st.booleans(),
    steps=st.lists(st.tuples(st.sampled_from(STEPS), st.sampled_from(PEOPLE), NOTES), max_size=12),
)
def test_random_steps_by_random_people_never_leave_a_case_inconsistent(
    world: World, by_resident: bool, steps: list[tuple[str, str, str]]
) -> None:
    case = _fresh_case(world, by_resident)
    succeeded, ever_accepted, was_terminal = 0, False, False
    for action, who, note in steps:
        user = getattr(world, who)
        case = Case.objects.get(pk=case.pk)  # as a fresh request would load it
        before = _row(case)
        offered = action in services.allowed_actions(case, user)
        try:
            if action == "rate":
                services.rate_case(case, by=user, stars=1 + len(note) % 5, comment=note)
            else:
                services.transition(case, action, by=user, note=note)
        except (ValidationError, PermissionDenied):
            # A refused step changes nothing: not the case, not its timeline.
            assert _row(case) == before
            assert CaseEvent.objects.filter(case=case).count() == succeeded + 1
            # A step offered as a button is refused only for want of a reason.
            if offered:
                assert services.TRANSITIONS[action].needs_reason and not note.strip()
        else:
            succeeded += 1
            ever_accepted |= action == "accept"
            if action != "rate":
                assert offered, f"{who} did {action} to a {before['state']} case without being offered it"
        after = _row(case)
        assert after["state"] in State.values
        assert CaseEvent.objects.filter(case=case).count() == succeeded + 1  # + the "submitted" event
        assert (after["due_on"] is not None) == ever_accepted == (after["accepted_on"] is not None)
        if was_terminal:
            assert after["state"] == before["state"], "a closed, declined or withdrawn case moved"
        was_terminal = after["state"] in TERMINAL
        assert (after["closed_at"] is not None) == was_terminal
        assert (after["paused_since"] is not None) == (after["state"] == State.MATERIALS_PENDING)


# ID numbers ---------------------------------------------------------------------------

regions = st.text(alphabet=string.digits, min_size=6, max_size=6)
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today())
sequences = st.integers(min_value=0, max_value=999)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    first17 = f"{draw(regions)}{draw(births):%Y%m%d}{draw(sequences):03d}"
    return first17 + check_digit(first17)


@given(number=id_numbers())
def test_a_well_formed_id_number_is_accepted_as_itself(number: str) -> None:
    assert normalise_id_number(number) == number
    assert birth_date(number) == dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert gender(number) == ("M" if int(number[16]) % 2 else "F")


@given(number=id_numbers(), cuts=st.lists(st.integers(min_value=1, max_value=17), max_size=3, unique=True))
def test_an_id_number_typed_with_spaces_or_a_small_x_is_the_same_number(number: str, cuts: list[int]) -> None:
    typed = number.lower()
    for cut in sorted(cuts, reverse=True):
        typed = typed[:cut] + " " + typed[cut:]
    assert normalise_id_number(f" {typed} ") == number


def _same_character(a: str, b: str) -> bool:
    """Whether b is only another way of typing a (full-width digits, a small x)."""
    return unicodedata.normalize("NFKC", b).upper() == a


@given(
    number=id_numbers(),
    position=st.integers(min_value=0, max_value=17),
    replacement=st.one_of(st.sampled_from(string.digits + "Xx"), st.characters(exclude_characters="\x00")),
)
def test_any_one_character_slip_in_an_id_number_is_refused(number: str, position: int, replacement: str) -> None:
    if replacement == number[position] or _same_character(number[position], replacement):
        return
    slipped = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValidationError):
        normalise_id_number(slipped)


# Zero in scripts whose digits str.isdigit() accepts; NFKC turns only the first two into ASCII.
SAME_DIGITS = {"full-width": 0xFF10, "mathematical bold": 0x1D7CE}
OTHER_DIGITS = {"Arabic-Indic": 0x0660, "Persian": 0x06F0, "Devanagari": 0x0966, "Thai": 0x0E50}


@given(
    number=id_numbers(),
    positions=st.lists(st.integers(min_value=0, max_value=16), min_size=1, max_size=17, unique=True),
    script=st.sampled_from(sorted({**SAME_DIGITS, **OTHER_DIGITS})),
)
def test_digits_of_another_script_are_read_as_the_same_number_or_refused(
    number: str, positions: list[int], script: str
) -> None:
    zero = {**SAME_DIGITS, **OTHER_DIGITS}[script]
    typed = "".join(chr(zero + int(c)) if i in positions else c for i, c in enumerate(number))
    if script in SAME_DIGITS:
        assert normalise_id_number(typed) == number
    else:
        with pytest.raises(ValidationError):
            normalise_id_number(typed)


# Phones -------------------------------------------------------------------------------

mobiles = st.builds(
    lambda prefix, rest: prefix + rest,
    st.sampled_from(["130", "135", "138", "139", "150", "158", "166", "177", "186", "189", "199"]),
    st.text(alphabet=string.digits, min_size=8, max_size=8),
)


STYLES = ["{}", "+86{}", "+86 {}", "0086{}", "{0:.3} {1:.4} {2}", "{0:.3}-{1:.4}-{2}"]


@given(mobile=mobiles, style=st.sampled_from(STYLES))
def test_a_mobile_typed_any_usual_way_normalises_to_one_form_that_stays_put(mobile: str, style: str) -> None:
    typed = style.format(mobile, mobile[3:], mobile[7:]) if style.count("{") == 3 else style.format(mobile)
    e164 = normalise_phone(typed, mobile_only=True)
    assert e164 == "+86" + mobile
    assert normalise_phone(e164) == e164
    assert normalise_phone(national(e164)) == e164


@given(mobile=mobiles)
def test_a_mobiles_national_form_is_what_libphonenumber_gives(mobile: str) -> None:
    # national() slices mobile numbers instead of parsing them: it must agree with the library.
    e164 = normalise_phone(mobile, mobile_only=True)
    formatted = phonenumbers.format_number(phonenumbers.parse(e164, "CN"), phonenumbers.PhoneNumberFormat.NATIONAL)
    assert national(e164) == formatted.replace(" ", "").replace("-", "") == mobile


@given(text=st.text(max_size=40) | st.text(alphabet="+0123456789 -()", max_size=25))
def test_any_text_is_either_refused_or_normalised_to_a_chinese_number_that_stays_put(text: str) -> None:
    try:
        e164 = normalise_phone(text)
    except ValidationError:
        return
    assert e164.startswith("+86") and e164[1:].isascii() and e164[1:].isdigit()
    assert normalise_phone(e164) == e164
