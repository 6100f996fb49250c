"""A case's state, channel and step read in the reader's language, from labels made once per field."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.conftest import World
from tests.factories import make_cases
from xiangli.cases.models import CaseEvent

pytestmark = pytest.mark.django_db


def test_labels_follow_the_language_of_each_request(world: World) -> None:
    [case] = make_cases(world, world.alice_resident, 1)
    case.channel = "walk_in"
    with translation.override("zh-hans"):
        assert (case.get_state_display(), case.get_channel_display()) == ("已提交", "窗口现场办理")
    with translation.override("en"):
        assert (case.get_state_display(), case.get_channel_display()) == ("Submitted", "Walk-in at the counter")
    # and back: the labels kept per field are the lazy ones, not the first language's text
    with translation.override("zh-hans"):
        assert case.get_state_display() == "已提交"


def test_a_value_without_a_label_shows_as_it_is_stored(world: World) -> None:
    [case] = make_cases(world, world.alice_resident, 1)
    case.state = "archived"  # a state of an older release, say
    assert case.get_state_display() == "archived"
    event = CaseEvent(case=case, kind="created")
    with translation.override("en"):
        assert event.get_kind_display() == "Submitted"
    assert case.item.get_level_display() != ""
