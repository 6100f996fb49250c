"""You nominate, we test: nominations, one support each, the regulator's ranking, public results."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from xiangli.audit.models import AuditEntry
from xiangli.people.models import User
from xiangli.sampling import services
from xiangli.sampling.models import Batch, Nomination, NominationState, SamplingEvent, Support

from ..conftest import resident
from ..test_case_rules import at_once, postgres_only
from .conftest import Browser


def nominate(world, by=None, item="散装白酒", stall="Zhang's liquor stall"):
    return services.nominate(by=by or world.alice, item=item, stall=stall, reason="Cheap and strong-smelling.")


def neighbour(world, n):
    """Another resident of township T, with an account."""
    r = resident(f"邻居{n}", world.village_b, world.grid_b1, 100 + n)
    return User.objects.create_user(f"1360000{n:04d}", "pass-word-123", name=r.name, resident=r)


# Nominating and supporting


def test_a_resident_nominates_in_her_township_and_supports_it_at_once(world, desks):
    n = nominate(world)
    assert n.area == world.township and n.supports == 1 and n.state == NominationState.OPEN
    assert Support.objects.filter(nomination=n, user=world.alice).exists()
    assert AuditEntry.objects.filter(action="sampling.nominated").count() == 1


def test_staff_without_a_resident_record_cannot_nominate(world, desks):
    with pytest.raises(PermissionDenied):
        nominate(world, by=world.andy)
    assert Nomination.objects.count() == 0


def test_the_same_food_at_the_same_stall_is_nominated_once(world, desks):
    nominate(world)
    with pytest.raises(ValidationError, match="please support it instead"):
        nominate(world, by=world.bob, item="散装白酒 ", stall="zhang's LIQUOR stall")
    assert Nomination.objects.count() == 1


def test_a_resident_may_nominate_only_a_few_a_day(world, desks):
    for n in range(services.NOMINATIONS_PER_DAY):
        nominate(world, item=f"食品{n}")
    with pytest.raises(ValidationError, match="the most in one day"):
        nominate(world, item="one more")
    assert Nomination.objects.count() == services.NOMINATIONS_PER_DAY


def test_a_neighbour_supports_once_and_the_count_equals_the_rows(world, desks):
    n = nominate(world)
    services.support(n, by=world.bob)
    with pytest.raises(ValidationError, match="already support"):
        services.support(n, by=world.bob)
    n.refresh_from_db()
    assert n.supports == 2 == Support.objects.filter(nomination=n).count()
    assert AuditEntry.objects.filter(action="sampling.supported").count() == 1


def test_a_resident_of_another_county_cannot_support_and_gets_404_on_the_page(world, desks):
    n = nominate(world)
    with pytest.raises(PermissionDenied):
        services.support(n, by=desks.lena)
    client = Browser()
    client.force_login(desks.lena)
    assert client.post(reverse("sampling:support", args=[n.pk])).status_code == 404
    assert "散装白酒" not in client.get(reverse("sampling:home")).content.decode()
    assert Nomination.objects.get(pk=n.pk).supports == 1


def test_support_closes_once_sampling_is_scheduled(world, desks):
    n = nominate(world)
    services.schedule(by=desks.rita, area=world.county, title="Market day", planned_on=timezone.localdate(),
                      nominations=[n])
    n.refresh_from_db()
    with pytest.raises(ValidationError, match="already scheduled"):
        services.support(n, by=world.bob)


def test_the_resident_page_ranks_nominations_and_supports_without_javascript(world, desks, django_assert_num_queries):
    low = nominate(world, item="豆腐")
    high = nominate(world, by=world.bob, item="散装白酒")
    services.support(high, by=world.alice)
    client = Browser()
    client.force_login(world.alice)
    # session, account, resident with her village and township, open nominations, her supports, taken up
    with django_assert_num_queries(6):
        body = client.get(reverse("sampling:home")).content.decode()
    assert "<script" not in body
    assert body.index("散装白酒") < body.index("豆腐")
    assert "You support this." in body
    client.force_login(world.bob)
    response = client.post(reverse("sampling:support", args=[low.pk]), follow=True)
    assert "Your support was counted." in response.content.decode()
    assert Nomination.objects.get(pk=low.pk).supports == 2


def test_nominating_by_the_page(world, desks):
    client = Browser()
    client.force_login(world.alice)
    response = client.post(reverse("sampling:nominate"), {"item": "凉皮", "stall": "", "reason": ""}, follow=True)
    assert "Your neighbours can now support" in response.content.decode()
    refused = client.post(reverse("sampling:nominate"), {"item": "凉皮", "stall": "", "reason": ""})
    assert "please support it instead" in refused.content.decode()
    assert Nomination.objects.count() == 1


# The regulator


def test_the_regulator_sees_the_ranking_of_her_county_only(world, desks):
    nominate(world, item="豆腐")
    services.nominate(by=desks.lena, item="粉条", stall="")
    rita, rolf = Browser(), Browser()
    rita.force_login(desks.rita)
    rolf.force_login(desks.rolf)
    body = rita.get(reverse("sampling:desk")).content.decode()
    assert "豆腐" in body and "粉条" not in body
    assert "粉条" in rolf.get(reverse("sampling:desk")).content.decode()
    for name in ("alice", "tom", "kate"):
        client = Browser()
        client.force_login(getattr(world, name))
        assert client.get(reverse("sampling:desk")).status_code == 404


@pytest.mark.parametrize("count", [1, 5])
def test_the_ranking_costs_the_same_queries_for_few_or_many_nominations(world, desks, django_assert_num_queries,
                                                                        count):
    for n in range(count):
        nominate(world, item=f"食品{n}")
        nominate(world, by=world.bob, item=f"bob{n}")
    client = Browser()
    client.force_login(desks.rita)
    # session, account, regulated areas (×2: paths, areas), ranking, events, menu's role check
    with django_assert_num_queries(7):
        assert client.get(reverse("sampling:desk")).status_code == 200


def test_the_regulator_plans_an_event_from_the_ranking_and_records_batches(world, desks):
    tofu = nominate(world, item="豆腐", stall="Li's")
    wine = nominate(world, by=world.bob, item="散装白酒", stall="Zhang's")
    client = Browser()
    client.force_login(desks.rita)
    response = client.post(reverse("sampling:desk"), {
        "title": "Township T market", "area": world.county.pk, "planned_on": "2026-11-20",
        "nominations": [tofu.pk, wine.pk],
    })
    event = SamplingEvent.objects.get()
    assert response.status_code == 302 and set(event.nominations.all()) == {tofu, wine}
    url = reverse("sampling:event", args=[event.pk])
    refused = client.post(url, {"nomination": wine.pk, "item": "散装白酒", "seller": "Zhang's",
                                "sampled_on": "2026-11-20", "lab": "County food lab", "result": "fail",
                                "failing_indicator": ""})
    assert "Please say which indicator failed." in refused.content.decode()
    assert Batch.objects.count() == 0
    client.post(url, {"nomination": wine.pk, "item": "散装白酒", "seller": "Zhang's", "sampled_on": "2026-11-20",
                      "lab": "County food lab", "result": "fail", "failing_indicator": "Methanol 0.9 g/L (limit 0.6)"})
    client.post(url, {"nomination": tofu.pk, "item": "豆腐", "seller": "Li's", "sampled_on": "2026-11-20",
                      "lab": "County food lab", "result": "pass"})
    assert Batch.objects.count() == 2
    assert Nomination.objects.get(pk=wine.pk).state == NominationState.SAMPLED
    assert AuditEntry.objects.filter(action="sampling.batch_recorded").count() == 2


def test_another_countys_regulator_cannot_plan_or_record_here(world, desks):
    n = nominate(world)
    with pytest.raises(PermissionDenied):
        services.schedule(by=desks.rolf, area=world.county, title="x", planned_on=timezone.localdate(),
                          nominations=[n])
    event = services.schedule(by=desks.rita, area=world.county, title="Market", planned_on=timezone.localdate(),
                              nominations=[])
    with pytest.raises(PermissionDenied):
        services.record_batch(event, by=desks.rolf, item="x", seller="y", sampled_on=timezone.localdate(),
                              lab="z", result="pass")
    client = Browser()
    client.force_login(desks.rolf)
    assert client.get(reverse("sampling:event", args=[event.pk])).status_code == 404
    assert Batch.objects.count() == 0


def test_a_nomination_of_another_county_cannot_be_taken_into_an_event(world, desks):
    theirs = services.nominate(by=desks.lena, item="粉条")
    with pytest.raises(ValidationError):
        services.schedule(by=desks.rita, area=world.county, title="Market", planned_on=timezone.localdate(),
                          nominations=[theirs])
    assert SamplingEvent.objects.count() == 0


# Public results


def batches(world, desks, year, results):
    event = services.schedule(by=desks.rita, area=world.township, title=f"Market {year}",
                              planned_on=dt.date(year, 6, 1), nominations=[])
    for n, result in enumerate(results):
        services.record_batch(event, by=desks.rita, item=f"食品{n}", seller="Stall", sampled_on=dt.date(year, 6, 1),
                              lab="County food lab", result=result,
                              failing_indicator="Sulphur dioxide" if result == "fail" else "")
    return event


def test_results_are_public_per_area_with_yearly_totals(world, desks, django_assert_num_queries):
    year = timezone.localdate().year
    batches(world, desks, year, ["pass", "pass", "pass", "fail"])
    batches(world, desks, year, ["pass"])
    batches(world, desks, year - 1, ["fail"])
    client = Browser()
    with django_assert_num_queries(3):  # the area, the totals, the batches
        body = client.get(reverse("sampling:area_results", args=[world.county.code])).content.decode()
    assert "<script" not in body
    totals = services.yearly_totals(Batch.objects.in_area(world.county))
    assert [(t.year, t.events, t.batches, t.passed) for t in totals] == [(year, 2, 5, 4), (year - 1, 1, 1, 0)]
    assert "80%" in body and "Sulphur dioxide" in body
    failed = client.get(reverse("sampling:area_results", args=[world.county.code]) + "?result=fail").content.decode()
    assert failed.count("Sulphur dioxide") == 2
    # No personal data: who nominated is never shown.
    assert "王秀英" not in body


def test_the_results_index_totals_each_county_in_one_query(world, desks, django_assert_num_queries):
    year = timezone.localdate().year
    batches(world, desks, year, ["pass", "fail"])
    client = Browser()
    with django_assert_num_queries(2):
        body = client.get(reverse("sampling:results")).content.decode()
    assert "1 events, 2 batches" in body and "Yanshi" in body


def test_an_unknown_area_has_no_results_page(world, desks):
    assert Browser().get(reverse("sampling:area_results", args=["999999"])).status_code == 404
    assert Browser().get(reverse("sampling:area_results", args=[world.village_a.code])).status_code == 404


# Concurrency




@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_resident_tapping_support_twice_at_once_counts_once(world, desks):
    n = nominate(world)
    outcomes = at_once(*[lambda: services.support(Nomination.objects.get(pk=n.pk), by=world.bob)] * 4)
    assert sum(isinstance(o, Nomination) for o in outcomes) == 1
    assert all(isinstance(o, ValidationError) for o in outcomes if not isinstance(o, Nomination))
    n.refresh_from_db()
    assert n.supports == 2 == Support.objects.filter(nomination=n).count()


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_many_neighbours_supporting_at_once_are_all_counted(world, desks):
    n = nominate(world)
    people = [neighbour(world, k) for k in range(6)]
    outcomes = at_once(*[lambda u=u: services.support(Nomination.objects.get(pk=n.pk), by=u) for u in people])
    assert all(isinstance(o, Nomination) for o in outcomes), outcomes
    n.refresh_from_db()
    assert n.supports == 7 == Support.objects.filter(nomination=n).count()
