import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xiangli.cases import services
from xiangli.cases.models import Case, State
from xiangli.notifications.models import Notification, SmsMessage

from .conftest import png_upload


def test_agent_takes_walk_in_case_through_every_step(world):
    case = services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension,
                                channel="walk_in", uploads=[png_upload()])
    assert case.state == State.SUBMITTED and case.visits == 1 and case.attachments.count() == 1
    case = services.accept_case(case, by=world.andy)
    assert case.due_on is not None and case.due_on > dt.date.today()
    case = services.request_materials(case, by=world.andy, note="户口簿首页")
    assert case.state == State.MATERIALS_PENDING
    case = services.receive_materials(case, by=world.andy)
    assert case.state == State.ACCEPTED
    case = services.carry_case(case, by=world.andy, note="县社保中心")
    case = services.complete_case(case, by=world.tom)
    assert case.state == State.DONE and case.on_time is True
    case = services.rate_case(case, by=world.alice, stars=5, comment="好")
    assert case.state == State.CLOSED and case.rating == 5
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["created", "accepted", "materials_requested", "materials_received", "carried", "done", "rated"]
    assert Notification.objects.filter(resident=world.alice_resident).count() == 6
    assert SmsMessage.objects.filter(status="sent").count() == 6


def test_agent_of_other_village_cannot_see_or_touch_the_case(world):
    case = services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension, channel="online")
    assert not Case.objects.visible_to(world.oscar).filter(pk=case.pk).exists()
    with pytest.raises(PermissionDenied):
        services.accept_case(case, by=world.oscar)
    case.refresh_from_db()
    assert case.state == State.SUBMITTED and case.events.count() == 1


def test_declining_needs_a_reason_and_writes_nothing_without_one(world):
    case = services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension, channel="online")
    with pytest.raises(ValidationError):
        services.decline_case(case, by=world.andy, note=" ")
    case.refresh_from_db()
    assert case.state == State.SUBMITTED and case.events.count() == 1
