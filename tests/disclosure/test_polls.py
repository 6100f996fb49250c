"""Deliberation and votes: who may vote, when, once; results at closing; the council's desk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xiangli.audit.models import AuditEntry
from xiangli.polls import services
from xiangli.polls.models import Option, Poll, VoterRoll

from ..conftest import resident
from .conftest import make_poll


def client_for(user=None):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def option(poll, label):
    return poll.options.get(label=label)


def counts(poll):
    return dict(Option.objects.filter(poll=poll).values_list("label", "votes"))


def test_a_resident_votes_once_and_is_marked_as_having_voted(world, poll):
    services.cast_ballot(poll, by=world.alice, option=option(poll, "Yes"))
    assert counts(poll) == {"Yes": 1, "No": 0}
    assert list(VoterRoll.objects.values_list("resident_id", flat=True)) == [world.alice_resident.pk]
    with pytest.raises(ValidationError, match="already voted"):
        services.cast_ballot(poll, by=world.alice, option=option(poll, "No"))
    assert counts(poll) == {"Yes": 1, "No": 0} and VoterRoll.objects.count() == 1


def test_a_vote_before_opening_or_after_closing_is_refused_and_changes_nothing(world):
    later = make_poll(world, opens_in=dt.timedelta(hours=2))
    with pytest.raises(ValidationError, match="not opened yet"):
        services.cast_ballot(later, by=world.alice, option=option(later, "Yes"))
    with pytest.raises(ValidationError, match="closed"):
        services.cast_ballot(later, by=world.alice, option=option(later, "Yes"),
                             now=later.closes_at + dt.timedelta(seconds=1))
    assert counts(later) == {"Yes": 0, "No": 0} and not VoterRoll.objects.exists()
    assert not AuditEntry.objects.filter(action="poll.voted").exists()


def test_people_outside_the_electorate_cannot_vote(world, poll):
    bob_has_no_say = poll
    with pytest.raises(ValidationError, match="not among those who may vote"):
        services.cast_ballot(bob_has_no_say, by=world.bob, option=option(poll, "Yes"))
    with pytest.raises(PermissionDenied):
        services.cast_ballot(poll, by=world.andy, option=option(poll, "Yes"))  # staff have no ballot of their own
    assert counts(poll) == {"Yes": 0, "No": 0} and not VoterRoll.objects.exists()


def test_the_minimum_age_counts_on_the_closing_day(world):
    closes = timezone.now() + dt.timedelta(days=3)
    day = timezone.localtime(closes).date()
    teen = resident("赵小明", world.village_a, world.grid_a1, 40)
    teen.birth_date = day.replace(year=day.year - 18) + dt.timedelta(days=1)  # 18 the day after closing
    teen.save()
    just = resident("钱小红", world.village_a, world.grid_a1, 41)
    just.birth_date = day.replace(year=day.year - 18)  # 18 on the closing day
    just.save()
    poll = make_poll(world, closes_at=closes)
    assert services.is_eligible(poll, just) and not services.is_eligible(poll, teen)


def test_a_household_heads_poll_lets_only_heads_vote(world):
    poll = make_poll(world, electorate="household_heads")
    with pytest.raises(ValidationError, match="not among"):
        services.cast_ballot(poll, by=world.alice, option=option(poll, "Yes"))
    world.alice_resident.is_household_head = True
    world.alice_resident.save()
    services.cast_ballot(poll, by=world.alice, option=option(poll, "Yes"))
    assert counts(poll)["Yes"] == 1


def test_an_option_of_another_poll_is_refused(world, poll):
    other = make_poll(world, title="Another")
    with pytest.raises(ValidationError, match="one of this poll's options"):
        services.cast_ballot(poll, by=world.alice, option=option(other, "Yes"))
    assert not VoterRoll.objects.exists()


def test_a_cadre_records_the_vote_of_a_resident_at_the_counter_under_the_same_rule(world, poll):
    services.cast_ballot(poll, by=world.andy, option=option(poll, "No"), resident=world.carl_resident)
    roll = VoterRoll.objects.get()
    assert roll.channel == "counter" and roll.recorded_by == world.andy
    with pytest.raises(ValidationError, match="张三 has already voted"):
        services.cast_ballot(poll, by=world.sam, option=option(poll, "Yes"), resident=world.carl_resident)
    with pytest.raises(PermissionDenied):
        services.cast_ballot(poll, by=world.oscar, option=option(poll, "Yes"), resident=world.alice_resident)
    assert counts(poll) == {"Yes": 0, "No": 1}


def test_results_are_published_at_closing_with_turnout_and_quorum(world, poll):
    services.cast_ballot(poll, by=world.alice, option=option(poll, "Yes"))
    assert services.publish_results(poll).results_published_at is None  # not before closing
    after = poll.closes_at + dt.timedelta(minutes=1)
    published = services.publish_results(Poll.objects.get(pk=poll.pk), now=after)
    # Alice and Carl may vote; one voted: 50 % turnout meets a 50 % quorum.
    assert (published.electorate_size, published.turnout, published.quorum_met) == (2, 1, True)
    assert services.publish_results(published, now=after + dt.timedelta(hours=1)).results_published_at == after
    assert AuditEntry.objects.filter(action="poll.results_published").count() == 1


def test_a_quorum_not_reached_is_said_plainly(world):
    poll = make_poll(world, quorum_percent=60)
    services.cast_ballot(poll, by=world.alice, option=option(poll, "Yes"))
    assert services.publish_due_results(now=poll.closes_at) == 1
    poll.refresh_from_db()
    assert poll.quorum_votes == 2 and poll.quorum_met is False


def test_counts_stay_sealed_until_closing_then_the_first_view_publishes_them(world, poll, monkeypatch):
    services.cast_ballot(poll, by=world.alice, option=option(poll, "Yes"))
    url = reverse("polls:poll", args=[world.village_a.code, poll.pk])
    body = client_for().get(url).content.decode()
    assert "Results" not in body and "Turnout" not in body
    Poll.objects.filter(pk=poll.pk).update(opens_at=timezone.now() - dt.timedelta(days=2),
                                           closes_at=timezone.now() - dt.timedelta(seconds=1))
    body = client_for().get(url).content.decode()
    assert "Turnout" in body and "1 / 2" in body and "quorum" in body.lower()
    assert Poll.objects.get(pk=poll.pk).results_published_at is not None


def test_voting_on_the_phone_page(world, poll):
    client = client_for(world.alice)
    url = reverse("polls:poll", args=[world.village_a.code, poll.pk])
    assert 'type="radio"' in client.get(url).content.decode()
    response = client.post(reverse("polls:vote", args=[world.village_a.code, poll.pk]),
                           {"option": option(poll, "No").pk}, follow=True)
    body = response.content.decode()
    assert "Your vote was counted" in body and "You have voted on this poll" in body
    assert 'type="radio"' not in body
    again = client.post(reverse("polls:vote", args=[world.village_a.code, poll.pk]),
                        {"option": option(poll, "Yes").pk}, follow=True)
    assert "already voted" in again.content.decode()
    assert counts(poll) == {"Yes": 0, "No": 1}


def test_a_visitor_is_asked_to_log_in_to_vote(world, poll):
    response = client_for().post(reverse("polls:vote", args=[world.village_a.code, poll.pk]),
                                 {"option": option(poll, "Yes").pk})
    assert response.status_code == 302 and not VoterRoll.objects.exists()


def test_the_village_poll_list_costs_the_same_queries_with_many_polls(world, django_assert_num_queries):
    make_poll(world)
    client = client_for()
    url = reverse("polls:village", args=[world.village_a.code])
    with django_assert_num_queries(3):  # village, polls due for results, polls
        client.get(url)
    for n in range(8):
        make_poll(world, title=f"Topic {n}")
    with django_assert_num_queries(3):
        body = client.get(url).content.decode()
    assert "Topic 7" in body


# Setting up polls


def test_a_moral_model_election_has_nominated_residents_as_options(world):
    poll = make_poll(world, kind="moral_model", title="Good neighbour 2026", options=["王秀英", "张三"])
    assert [(o.label, o.nominee_id) for o in poll.options.all()] == [
        ("王秀英", world.alice_resident.pk), ("张三", world.carl_resident.pk)]
    with pytest.raises(ValidationError) as exc:
        make_poll(world, kind="moral_model", options=["王秀英", "李建国"])  # Bob lives in village B
    assert "No resident of the village is named 李建国." in exc.value.messages
    assert Poll.objects.count() == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"options": ["Only one"]}, "options"),
    ({"options": ["Yes", "Yes"]}, "options"),
    ({"quorum_percent": 0}, "quorum_percent"),
    ({"min_age": 3}, "min_age"),
    ({"title": " "}, "title"),
    ({"opens_in": dt.timedelta(days=-1)}, "opens_at"),
])
def test_a_poll_with_bad_settings_is_refused_and_nothing_is_written(world, changes, field):
    with pytest.raises(ValidationError) as exc:
        make_poll(world, **changes)
    assert field in exc.value.message_dict
    assert not Poll.objects.exists() and not Option.objects.exists() and not AuditEntry.objects.exists()


def test_a_poll_must_close_after_it_opens(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        make_poll(world, opens_in=dt.timedelta(hours=1), closes_at=now)
    assert "closes_at" in exc.value.message_dict


@pytest.mark.parametrize("name", ["oscar", "tom", "gina", "alice"])
def test_only_the_villages_council_cadres_open_a_poll(world, name):
    with pytest.raises(PermissionDenied):
        make_poll(world, by=getattr(world, name))
    assert not Poll.objects.exists()


def test_a_poll_changes_only_before_it_opens_and_each_change_is_audited(world):
    poll = make_poll(world, opens_in=dt.timedelta(days=1))
    services.update_poll(poll, by=world.sam, title="Pave the east lane in spring?")
    entry = AuditEntry.objects.get(action="poll.changed")
    assert entry.changes["title"] == ["Pave the east lane?", "Pave the east lane in spring?"]
    Poll.objects.filter(pk=poll.pk).update(opens_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="Voting has begun"):
        services.update_poll(Poll.objects.get(pk=poll.pk), by=world.sam, quorum_percent=10)
    assert Poll.objects.get(pk=poll.pk).quorum_percent == 50
    assert AuditEntry.objects.filter(action="poll.created").count() == 1


# The desk


def test_the_council_sets_up_a_poll_and_takes_a_vote_at_the_counter(world):
    client = client_for(world.sam)
    opens = timezone.localtime() + dt.timedelta(minutes=1)
    response = client.post(reverse("polls:desk_new"), {
        "village": world.village_a.pk, "kind": "deliberation", "title": "Build a stage?", "options": "Yes\nNo\n",
        "electorate": "residents", "min_age": 18, "opens_at": f"{opens:%Y-%m-%dT%H:%M}",
        "closes_at": f"{opens + dt.timedelta(days=2):%Y-%m-%dT%H:%M}", "quorum_percent": 50,
    })
    poll = Poll.objects.get()
    assert response.status_code == 302 and poll.options.count() == 2
    Poll.objects.filter(pk=poll.pk).update(opens_at=timezone.now() - dt.timedelta(minutes=1))
    url = reverse("polls:desk_poll", args=[poll.pk])
    found = client.post(url, {"q": "zs"}).content.decode()
    assert "张三" in found and "Count this vote" in found
    client.post(reverse("polls:desk_counter_vote", args=[poll.pk]),
                {"resident": world.carl_resident.pk, "option": option(poll, "Yes").pk})
    assert counts(poll)["Yes"] == 1
    assert "1 person has voted so far" in client.get(url).content.decode()


def test_the_desk_hides_another_villages_polls(world, poll):
    assert client_for(world.oscar).get(reverse("polls:desk_poll", args=[poll.pk])).status_code == 404
    response = client_for(world.oscar).post(reverse("polls:desk_counter_vote", args=[poll.pk]),
                                            {"resident": world.alice_resident.pk, "option": option(poll, "Yes").pk})
    assert response.status_code == 404 and not VoterRoll.objects.exists()
    assert client_for(world.tom).get(reverse("polls:desk_poll", args=[poll.pk])).status_code == 200
    assert client_for(world.alice).get(reverse("polls:desk")).status_code == 404


def test_the_tick_task_publishes_results_of_polls_nobody_opened(world):
    from xiangli.polls.tasks import publish_poll_results

    poll = make_poll(world)
    Poll.objects.filter(pk=poll.pk).update(opens_at=timezone.now() - dt.timedelta(days=2),
                                           closes_at=timezone.now() - dt.timedelta(minutes=1))
    publish_poll_results.enqueue()  # the tests' task backend runs it at once
    assert Poll.objects.get(pk=poll.pk).results_published_at is not None


def test_the_secretary_changes_a_poll_on_the_desk_before_it_opens(world):
    poll = make_poll(world, opens_in=dt.timedelta(days=1))
    opens = timezone.localtime(poll.opens_at)
    form = {"action": "change", "title": "Pave the east lane in spring?", "description": "", "electorate": "residents",
            "min_age": 18, "opens_at": f"{opens:%Y-%m-%dT%H:%M}",
            "closes_at": f"{opens + dt.timedelta(days=3):%Y-%m-%dT%H:%M}", "quorum_percent": 40}
    client_for(world.tom).post(reverse("polls:desk_poll", args=[poll.pk]), form)  # township staff: not the council
    assert Poll.objects.get(pk=poll.pk).quorum_percent == 50
    response = client_for(world.sam).post(reverse("polls:desk_poll", args=[poll.pk]), form)
    assert response.status_code == 302
    changed = Poll.objects.get(pk=poll.pk)
    assert changed.title == "Pave the east lane in spring?" and changed.quorum_percent == 40
    assert AuditEntry.objects.filter(action="poll.changed").count() == 1
