"""Bad input changes nothing: every refused action leaves no case, no event, no text."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import translation

from xiangli.cases import services
from xiangli.cases.models import Case, CaseEvent, State
from xiangli.notifications.models import Notification, SmsMessage


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted as written in the code, whatever the catalogues say.
    with translation.override("en"):
        yield


def nothing_written() -> bool:
    return not (
        Case.objects.exists()
        or CaseEvent.objects.exists()
        or Notification.objects.exists()
        or SmsMessage.objects.exists()
    )


def online(world, item=None):
    return services.create_case(
        by=world.alice, resident=world.alice_resident, item=item or world.pension, channel="online"
    )


def walk_in(world, resident=None, by=None, item=None):
    return services.create_case(
        by=by or world.andy,
        resident=resident or world.alice_resident,
        item=item or world.pension,
        channel="walk_in",
    )


def assert_unchanged(case, state, events):
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == state
    assert fresh.events.count() == events


# Opening a case


def test_an_unknown_channel_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension, channel="fax")
    assert exc.value.message_dict == {"channel": ["Unknown channel."]}
    assert nothing_written()


def test_an_item_that_needs_a_visit_cannot_be_applied_for_online(world):
    with pytest.raises(ValidationError) as exc:
        online(world, item=world.idcard)
    assert exc.value.message_dict == {"item": ["This service cannot be applied for online; please visit the centre."]}
    assert nothing_written()


def test_an_item_the_resident_must_handle_in_person_cannot_be_entered_by_staff(world):
    with pytest.raises(ValidationError) as exc:
        walk_in(world, item=world.idcard)
    assert exc.value.message_dict == {"item": ["This service must be handled by the resident in person."]}
    assert nothing_written()


def test_the_agent_cannot_enter_a_case_for_a_resident_of_another_village(world):
    with pytest.raises(PermissionDenied):
        walk_in(world, resident=world.bob_resident)
    assert nothing_written()


def test_a_grid_worker_enters_cases_for_her_own_grid_only(world):
    with pytest.raises(PermissionDenied):
        walk_in(world, resident=world.carl_resident, by=world.gina)
    assert nothing_written()
    case = services.create_case(by=world.gina, resident=world.alice_resident, item=world.pension, channel="home_visit")
    assert case.state == State.SUBMITTED and case.visits == 0


@pytest.mark.parametrize("name", ["audrey", "kate", "alice"])
def test_readers_and_residents_cannot_enter_cases_for_others(world, name):
    with pytest.raises(PermissionDenied):
        walk_in(world, resident=world.carl_resident, by=getattr(world, name))
    assert nothing_written()


def test_a_resident_cannot_apply_online_for_someone_else(world):
    with pytest.raises(PermissionDenied):
        services.create_case(by=world.alice, resident=world.carl_resident, item=world.pension, channel="online")
    assert nothing_written()


def test_an_item_switched_off_at_the_centre_is_refused(world):
    world.centre_a.disabled_items.add(world.pension)
    with pytest.raises(ValidationError) as exc:
        online(world)
    assert exc.value.message_dict == {"item": ["This service is not offered by the resident's centre."]}
    assert nothing_written()


def test_a_second_open_application_for_the_same_item_names_the_first(world):
    first = online(world)
    with pytest.raises(ValidationError) as exc:
        walk_in(world)
    assert exc.value.messages == [f"王秀英 already has an open case for this service (number {first.number})."]
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1


def test_the_database_itself_refuses_a_second_open_case_for_the_same_matter(world):
    from django.db import IntegrityError, transaction

    first = walk_in(world)
    copy = {f.attname: getattr(first, f.attname) for f in Case._meta.concrete_fields if not f.primary_key}
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(**{**copy, "idempotency_key": None, "created_by_id": world.sam.pk})
    Case.objects.create(**{**copy, "idempotency_key": None, "state": State.CLOSED})  # a finished one may repeat
    assert Case.objects.count() == 2


def test_a_new_application_is_allowed_once_the_first_is_finished(world):
    first = online(world)
    services.withdraw_case(first, by=world.alice)
    second = online(world)
    assert second.pk != first.pk and Case.objects.count() == 2


def test_the_same_idempotency_key_returns_the_same_case(world):
    first = services.create_case(
        by=world.alice,
        resident=world.alice_resident,
        item=world.pension,
        channel="online",
        idempotency_key="tap-1",
    )
    again = services.create_case(
        by=world.alice,
        resident=world.alice_resident,
        item=world.pension,
        channel="online",
        idempotency_key="tap-1",
    )
    assert again.pk == first.pk
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1
    assert SmsMessage.objects.count() == 1


def test_a_walk_in_counts_one_trip_and_an_online_application_none(world):
    assert online(world).visits == 0
    assert walk_in(world, resident=world.carl_resident).visits == 1


def at_once(*jobs):
    """Run the jobs in threads released together; what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(n, job):
        try:
            with translation.override("en"):
                barrier.wait()
                outcomes[n] = job()
        except Exception as exc:  # noqa: BLE001
            outcomes[n] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections")


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clerks_filing_the_same_matter_at_once_open_one_case(world):
    outcomes = at_once(
        lambda: walk_in(world, by=world.andy),
        lambda: walk_in(world, by=world.sam),
    )
    [case] = Case.objects.all()
    opened = [o for o in outcomes if isinstance(o, Case)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert [c.pk for c in opened] == [case.pk] and len(refused) == 1
    assert case.number in refused[0].messages[0]
    assert CaseEvent.objects.count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_tap_sent_twice_at_once_files_one_case(world):
    def tap():
        return services.create_case(
            by=world.alice,
            resident=world.alice_resident,
            item=world.pension,
            channel="online",
            idempotency_key="tap-2",
        )

    first, second = at_once(tap, tap)
    [case] = Case.objects.all()
    assert first.pk == second.pk == case.pk
    assert CaseEvent.objects.count() == 1


# Moving a case


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ([], "complete"),
        ([], "carry"),
        ([], "receive_materials"),
        ([], "close"),
        ([], "request_materials"),
        (["accept"], "accept"),
        (["accept"], "receive_materials"),
        (["accept"], "close"),
        (["accept"], "withdraw"),
        (["accept", "complete"], "decline"),
        (["accept", "complete"], "complete"),
        (["accept", "complete"], "carry"),
        (["accept", "carry"], "carry"),
    ],
)
def test_a_step_out_of_order_is_refused_and_changes_nothing(world, setup, action):
    case = online(world)
    for step in setup:
        case = services.transition(case, step, by=world.andy, note="步骤")
    state, events = case.state, case.events.count()
    by = world.alice if action == "withdraw" else world.andy
    with pytest.raises((ValidationError, PermissionDenied)):
        services.transition(case, action, by=by, note="步骤")
    assert_unchanged(case, state, events)


def test_the_refusal_says_which_state_the_case_is_in(world):
    case = online(world)
    with pytest.raises(ValidationError) as exc:
        services.complete_case(case, by=world.andy)
    assert exc.value.messages == ["A case that is “Submitted” cannot be moved this way."]


def test_an_unknown_step_is_refused(world):
    case = online(world)
    with pytest.raises(ValidationError) as exc:
        services.transition(case, "teleport", by=world.andy)
    assert exc.value.messages == ["Unknown step."]
    assert_unchanged(case, State.SUBMITTED, 1)


def test_asking_for_materials_needs_a_note(world):
    case = services.accept_case(online(world), by=world.andy)
    with pytest.raises(ValidationError):
        services.request_materials(case, by=world.andy, note="   ")
    assert_unchanged(case, State.ACCEPTED, 2)


def test_two_clerks_accepting_the_same_case_at_once_accept_it_once(world):
    online(world)
    seen_by_andy = Case.objects.get()
    seen_by_sam = Case.objects.get()
    services.accept_case(seen_by_andy, by=world.andy)
    with pytest.raises(ValidationError) as exc:
        services.accept_case(seen_by_sam, by=world.sam)
    assert exc.value.messages == ["Someone else has just changed this case. Please reload it."]
    case = Case.objects.get()
    assert case.state == State.ACCEPTED and case.agent == world.andy
    assert case.events.filter(kind="accepted").count() == 1


def test_a_decline_after_someone_else_accepted_is_refused(world):
    online(world)
    first, second = Case.objects.get(), Case.objects.get()
    services.accept_case(first, by=world.andy)
    with pytest.raises(ValidationError):
        services.decline_case(second, by=world.sam, note="材料不全")
    case = Case.objects.get()
    assert case.state == State.ACCEPTED and case.decline_reason == ""


def test_a_resident_cannot_withdraw_someone_elses_case(world):
    case = online(world)
    with pytest.raises(PermissionDenied):
        services.withdraw_case(case, by=world.bob)
    assert_unchanged(case, State.SUBMITTED, 1)


def test_the_agent_withdraws_a_case_when_the_resident_asks_by_phone(world):
    case = services.withdraw_case(online(world), by=world.andy, note="本人电话撤回")
    assert case.state == State.WITHDRAWN


def test_staff_of_another_village_cannot_withdraw_the_case(world):
    case = online(world)
    with pytest.raises(PermissionDenied):
        services.withdraw_case(case, by=world.oscar)
    assert_unchanged(case, State.SUBMITTED, 1)


def test_the_resident_withdraws_her_own_new_case(world):
    case = services.withdraw_case(online(world), by=world.alice, note="不办了")
    assert case.state == State.WITHDRAWN and case.closed_at is not None


def test_an_auditor_or_grid_worker_cannot_move_a_case(world):
    case = online(world)
    for user in (world.audrey, world.gina, world.oscar, world.dora):
        with pytest.raises(PermissionDenied):
            services.accept_case(case, by=user)
    assert_unchanged(case, State.SUBMITTED, 1)


# Rating


def done_case(world):
    case = services.accept_case(online(world), by=world.andy)
    return services.complete_case(case, by=world.andy)


def test_a_case_is_rated_once(world):
    case = services.rate_case(done_case(world), by=world.alice, stars=4, comment="好")
    events = case.events.count()
    with pytest.raises(ValidationError):
        services.rate_case(case, by=world.alice, stars=1, comment="改评")
    case = Case.objects.get()
    assert case.rating == 4 and case.rating_comment == "好" and case.events.count() == events


def test_two_ratings_sent_at_once_are_kept_once(world):
    done_case(world)
    first, second = Case.objects.get(), Case.objects.get()
    services.rate_case(first, by=world.alice, stars=5)
    with pytest.raises(ValidationError) as exc:
        services.rate_case(second, by=world.alice, stars=1)
    assert exc.value.messages == ["This case has already been rated."]
    case = Case.objects.get()
    assert case.rating == 5 and case.events.filter(kind="rated").count() == 1


def test_a_case_that_is_not_done_cannot_be_rated(world):
    case = services.accept_case(online(world), by=world.andy)
    with pytest.raises(ValidationError) as exc:
        services.rate_case(case, by=world.alice, stars=5)
    assert exc.value.messages == ["A case can be rated once it is done."]
    case = Case.objects.get()
    assert case.rating is None and case.state == State.ACCEPTED


@pytest.mark.parametrize("stars", [0, 6, -1, True, "5", 4.5])
def test_stars_must_be_one_to_five(world, stars):
    case = done_case(world)
    with pytest.raises(ValidationError):
        services.rate_case(case, by=world.alice, stars=stars)
    assert Case.objects.get().rating is None


def test_only_the_resident_or_her_villages_staff_rate_her_case(world):
    case = done_case(world)
    for user in (world.bob, world.oscar, world.audrey, world.kate):
        with pytest.raises(PermissionDenied):
            services.rate_case(case, by=user, stars=5)
    assert Case.objects.get().rating is None


def test_the_agent_records_a_rating_the_resident_gave_by_phone(world):
    case = services.rate_case(done_case(world), by=world.andy, stars=4, comment="电话回访")
    assert case.rating == 4 and case.state == State.CLOSED
    event = case.events.get(kind="rated")
    assert event.actor == world.andy and "电话回访" in event.note


# Trips


def test_recording_a_visit_counts_another_trip(world):
    case = walk_in(world)
    assert case.visits == 1
    case = services.record_visit(case, by=world.andy, note="补交户口簿")
    case = services.record_visit(case, by=world.sam)
    assert case.visits == 3 and Case.objects.get().visits == 3
    assert case.events.filter(kind="visit").count() == 2


def test_an_outsider_cannot_record_a_visit(world):
    case = walk_in(world)
    with pytest.raises(PermissionDenied):
        services.record_visit(case, by=world.oscar)
    assert Case.objects.get().visits == 1 and case.events.count() == 1


def test_a_form_key_reused_for_another_service_is_refused(world):
    services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension, channel="walk_in",
                         idempotency_key="same-form")

    other = world.pension.__class__.objects.create(
        code="MZ-099", name_zh="临时救助申请", name_en="Temporary assistance", category="convenience",
        department_zh="民政", department_en="Civil affairs", materials_zh=["身份证"], materials_en=["ID card"],
        level="county", handled_at_zh="县民政局", handled_at_en="County civil affairs bureau", promised_days=10,
    )
    with pytest.raises(ValidationError) as refused:
        services.create_case(by=world.andy, resident=world.alice_resident, item=other, channel="walk_in",
                             idempotency_key="same-form")
    assert refused.value.code == "conflict"
    assert Case.objects.count() == 1


def test_attachments_come_back_in_the_order_they_were_sent(world):
    from tests.conftest import pdf_upload, png_upload

    case = walk_in(world)
    saved = services.add_attachments(case, by=world.andy, uploads=[png_upload("a.png"), pdf_upload("b.pdf")])
    assert [a.original_name for a in saved] == ["a.png", "b.pdf"]


def test_a_flood_of_online_applications_is_stopped_for_the_day(world, settings):
    from tests.factories import make_cases

    settings.ONLINE_APPLICATIONS_PER_DAY = 3
    make_cases(world, world.alice_resident, 3)  # online, each for its own item
    with pytest.raises(ValidationError) as refused:
        services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension, channel="online")
    assert "3" in refused.value.messages[0]
    assert Case.objects.filter(resident=world.alice_resident).count() == 3
    # Staff at the counter are not limited by it.
    services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension, channel="walk_in")
