"""Running a policy: outreach for the eligible not yet enrolled, once, and outcomes that shrink the list."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xiangli.audit.models import AuditEntry
from xiangli.cases.models import Case
from xiangli.notifications.models import Notification
from xiangli.policies import services
from xiangli.policies.models import Outreach, OutreachStatus, PolicyEnrolment, PolicyStatus

ELDERLY = {"all": [{"field": "age", "op": ">=", "value": 80}]}
PENSION = {"field": "age", "op": ">=", "value": 60}


@pytest.fixture
def pension(world, folk):
    policy = services.create_policy(by=world.kate, code="pension", name_zh="城乡居民基本养老保险待遇领取",
                                    rule=PENSION, area=world.county, service_item=world.pension)
    return services.set_status(policy, by=world.kate, status=PolicyStatus.LIVE)


def open_names(policy) -> set[str]:
    return set(Outreach.objects.filter(policy=policy, status=OutreachStatus.OPEN)
               .values_list("resident__name", flat=True))


def test_running_lists_every_eligible_resident_not_enrolled(world, folk, pension):
    run = services.run_policy(pension, by=world.kate)
    assert open_names(pension) == {"王秀英", "李建国", "张三", "老李", "周六十", "吴五九", "冯七十"}
    assert run.created == 7
    # Each visit is on the list of the grid worker of the resident's grid, and on no other village's.
    gina_sees = set(Outreach.objects.visible_to(world.gina).values_list("resident__name", flat=True))
    assert gina_sees == {"老李", "周六十", "王秀英"}
    oscar_sees = set(Outreach.objects.visible_to(world.oscar).values_list("resident__name", flat=True))
    assert oscar_sees == {"冯七十", "李建国"}


def test_running_twice_does_not_duplicate_open_outreach(world, folk, pension):
    services.run_policy(pension, by=world.kate)
    again = services.run_policy(pension, by=world.kate)
    assert again.created == 0
    assert Outreach.objects.filter(policy=pension).count() == 7


def test_enrolled_residents_are_not_visited(world, folk, pension):
    services.enrol(pension, folk.elder, by=world.andy)
    services.run_policy(pension, by=world.kate)
    assert "老李" not in open_names(pension)


def test_a_draft_policy_cannot_be_run(world, folk):
    draft = services.create_policy(by=world.kate, code="d", name_zh="草稿", rule=PENSION, area=world.county)
    with pytest.raises(ValidationError, match="live"):
        services.run_policy(draft, by=world.kate)
    assert not Outreach.objects.exists()


def test_only_staff_over_the_policys_area_may_run_it(world, folk, pension):
    for who in (world.andy, world.gina, world.tom, world.dora):
        with pytest.raises(PermissionDenied):
            services.run_policy(pension, by=who)
    assert not Outreach.objects.exists()


def test_village_staff_and_grid_worker_are_told_once(world, folk, pension):
    services.run_policy(pension, by=world.kate)  # tests run tasks at once
    for user, n in [(world.andy, 5), (world.sam, 5), (world.gina, 3), (world.oscar, 2)]:
        notes = Notification.objects.filter(user=user)
        assert notes.count() == 1, user
        assert f"{n} residents" in notes.get().message_en
    assert not Notification.objects.filter(user=world.tom).exists()


def test_grid_worker_records_enrolment_and_the_list_shrinks(world, folk, pension):
    services.run_policy(pension, by=world.kate)
    visit = Outreach.objects.get(policy=pension, resident=folk.elder)
    services.record_outcome(visit, by=world.gina, outcome=OutreachStatus.ENROLLED)
    assert "老李" not in open_names(pension)
    assert PolicyEnrolment.objects.filter(policy=pension, resident=folk.elder).exists()
    assert services.run_policy(pension, by=world.kate).created == 0


def test_applied_opens_a_case_for_the_policys_service_item(world, folk, pension):
    services.run_policy(pension, by=world.kate)
    visit = Outreach.objects.get(policy=pension, resident=folk.sixty)
    services.record_outcome(visit, by=world.gina, outcome=OutreachStatus.APPLIED)
    case = Case.objects.get(resident=folk.sixty)
    assert case.item == world.pension and case.channel == "home_visit"
    assert Outreach.objects.get(pk=visit.pk).case == case


def test_declining_needs_a_reason_and_writes_nothing_without_one(world, folk, pension):
    services.run_policy(pension, by=world.kate)
    visit = Outreach.objects.get(policy=pension, resident=folk.elder)
    with pytest.raises(ValidationError, match="why the resident declined"):
        services.record_outcome(visit, by=world.gina, outcome=OutreachStatus.DECLINED)
    assert Outreach.objects.get(pk=visit.pk).status == OutreachStatus.OPEN
    services.record_outcome(visit, by=world.gina, outcome=OutreachStatus.DECLINED, reason="已参加职工养老保险")
    assert services.run_policy(pension, by=world.kate).created == 0  # not asked again so soon


def test_unreachable_residents_are_visited_again_on_the_next_run(world, folk, pension):
    services.run_policy(pension, by=world.kate)
    visit = Outreach.objects.get(policy=pension, resident=folk.elder)
    services.record_outcome(visit, by=world.gina, outcome=OutreachStatus.UNREACHABLE)
    assert services.run_policy(pension, by=world.kate).created == 1


def test_grid_worker_of_another_grid_cannot_record(world, folk, pension):
    services.run_policy(pension, by=world.kate)
    visit = Outreach.objects.get(policy=pension, resident=folk.bob_elder)
    for who in (world.gina, world.andy):
        with pytest.raises(PermissionDenied):
            services.record_outcome(visit, by=who, outcome=OutreachStatus.ENROLLED)
    assert not PolicyEnrolment.objects.exists()


def test_an_outcome_is_recorded_once(world, folk, pension):
    services.run_policy(pension, by=world.kate)
    visit = Outreach.objects.get(policy=pension, resident=folk.elder)
    services.record_outcome(visit, by=world.gina, outcome=OutreachStatus.UNREACHABLE)
    with pytest.raises(ValidationError, match="already recorded"):
        services.record_outcome(visit, by=world.andy, outcome=OutreachStatus.ENROLLED)


def test_not_yet_enrolled_in_another_policy(world, folk, pension):
    services.enrol(pension, folk.elder, by=world.andy)
    other = services.create_policy(by=world.kate, code="top-up", name_zh="补贴", area=world.county,
                                   rule={"all": [PENSION, {"enrolled_in": "pension", "negate": True}]})
    assert set(services.eligible(other).values_list("name", flat=True)) == {
        "王秀英", "李建国", "张三", "周六十", "吴五九", "冯七十"}


def test_a_rule_may_not_name_its_own_policy(world, folk):
    with pytest.raises(ValidationError):
        services.create_policy(by=world.kate, code="self", name_zh="x", area=world.county,
                               rule={"enrolled_in": "self"})


def test_bad_policies_are_refused_and_nothing_is_written(world, folk):
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.create_policy(by=world.kate, code="", name_zh="", rule={}, area=world.county)
    assert set(exc.value.message_dict) == {"code", "name_zh", "rule"}
    with pytest.raises(PermissionDenied):
        services.create_policy(by=world.andy, code="v", name_zh="村", rule=PENSION, area=world.village_a)
    with pytest.raises(PermissionDenied):
        services.create_policy(by=world.dora, code="t", name_zh="乡", rule=PENSION, area=world.township)
    assert AuditEntry.objects.count() == entries


def test_changes_and_runs_are_on_the_audit_trail(world, folk, pension):
    services.run_policy(pension, by=world.kate)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"policy.created", "policy.status", "policy.run"} <= actions


def test_a_resident_declined_long_ago_is_asked_again_on_the_same_visit(world, folk, pension):
    import datetime as dt

    from django.utils import timezone

    long_ago = timezone.now() - dt.timedelta(days=200)
    services.run_policy(pension, by=world.kate)
    visit = Outreach.objects.get(policy=pension, resident=folk.elder)
    services.record_outcome(visit, by=world.gina, outcome=OutreachStatus.DECLINED, reason="暂不需要")
    Outreach.objects.filter(pk=visit.pk).update(outcome_at=long_ago)

    assert services.run_policy(pension, by=world.kate).created == 1
    again = Outreach.objects.get(policy=pension, resident=folk.elder)
    assert (again.pk, again.status, again.reason, again.outcome_at) == (visit.pk, OutreachStatus.OPEN, "", None)
    # The earlier answer is kept on the audit trail.
    assert AuditEntry.objects.filter(action="outreach.outcome", object_id=str(visit.pk),
                                     changes__reason="暂不需要").exists()


def test_a_resident_whose_enrolment_ended_is_visited_again(world, folk, pension):
    services.run_policy(pension, by=world.kate)
    visit = Outreach.objects.get(policy=pension, resident=folk.elder)
    services.record_outcome(visit, by=world.gina, outcome=OutreachStatus.ENROLLED)
    assert services.run_policy(pension, by=world.kate).created == 0
    PolicyEnrolment.objects.filter(policy=pension, resident=folk.elder).update(status="ended")
    assert services.run_policy(pension, by=world.kate).created == 1
    assert "老李" in open_names(pension)


def test_a_resident_who_moves_takes_the_visit_to_the_new_grid_worker(world, folk, pension):
    services.run_policy(pension, by=world.kate)
    folk.elder.village, folk.elder.grid = world.village_b, world.grid_b1
    folk.elder.save()
    assert not Outreach.objects.visible_to(world.gina).filter(resident=folk.elder).exists()
    assert Outreach.objects.visible_to(world.oscar).filter(resident=folk.elder).exists()
