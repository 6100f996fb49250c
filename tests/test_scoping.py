"""Who sees which case, and who may move it: one matrix over every named person.

Alice (grid A1) and Carl (grid A2) live in village A; Bob lives in village B.
Staff see the cases of the areas they serve, a resident sees their own, and
nobody else sees anything.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from xiangli.cases import services
from xiangli.cases.models import Case

ALL = {"alice", "carl", "bob"}

VISIBLE = [
    ("andy", {"alice", "carl"}),  # agent of village A
    ("sam", {"alice", "carl"}),  # secretary of village A
    ("gina", {"alice"}),  # grid worker of grid A1 only
    ("oscar", {"bob"}),  # agent of village B
    ("tom", ALL),  # township T, over A and B
    ("dora", set()),  # another township
    ("kate", ALL),  # county
    ("cheng", ALL),  # city
    ("audrey", ALL),  # auditor over the city
    ("alice", {"alice"}),  # a resident sees her own
    ("bob", {"bob"}),
    ("anonymous", set()),
]


def person(world, name):
    return AnonymousUser() if name == "anonymous" else getattr(world, name)


@pytest.fixture
def cases(world):
    return {
        "alice": services.create_case(
            by=world.alice, resident=world.alice_resident, item=world.pension, channel="online"
        ),
        "carl": services.create_case(
            by=world.andy, resident=world.carl_resident, item=world.pension, channel="walk_in"
        ),
        "bob": services.create_case(by=world.bob, resident=world.bob_resident, item=world.pension, channel="online"),
    }


@pytest.mark.parametrize(("name", "expected"), VISIBLE, ids=[name for name, _ in VISIBLE])
def test_each_person_sees_exactly_the_cases_of_the_areas_they_serve(world, cases, name, expected):
    visible = set(Case.objects.visible_to(person(world, name)).values_list("pk", flat=True))
    assert visible == {cases[whose].pk for whose in expected}


HANDLERS = ["andy", "sam", "tom", "kate", "cheng"]
NO_ACTIONS = ["gina", "audrey", "oscar", "dora", "bob", "anonymous"]


@pytest.mark.parametrize("name", HANDLERS)
def test_handlers_of_the_area_may_accept_or_decline_a_new_case(world, cases, name):
    assert services.allowed_actions(cases["alice"], person(world, name)) == ["accept", "decline", "withdraw"]


@pytest.mark.parametrize("name", NO_ACTIONS)
def test_readers_and_outsiders_get_no_buttons_on_alices_case(world, cases, name):
    assert services.allowed_actions(cases["alice"], person(world, name)) == []


def test_the_resident_may_only_withdraw_her_new_case(world, cases):
    assert services.allowed_actions(cases["alice"], world.alice) == ["withdraw"]


def test_an_accepted_case_offers_its_next_steps_to_the_agent_only(world, cases):
    case = services.accept_case(cases["alice"], by=world.andy)
    assert services.allowed_actions(case, world.andy) == [
        "request_materials",
        "carry",
        "complete",
        "decline",
    ]
    for name in ["gina", "audrey", "alice", "oscar"]:
        assert services.allowed_actions(case, person(world, name)) == []
