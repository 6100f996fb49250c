"""The ballot is secret: nothing stored links a voter to a choice, administrators included.

The proof: two polls set up alike, where the same people vote in the same order
but with the choices swapped between them, leave the same traces in every table
that mentions polls. Whatever an administrator reads (rows, ids, order, times,
the audit trail), it is the same whichever way each person voted.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models

from xiangli.audit.models import AuditEntry
from xiangli.people.models import Resident, User
from xiangli.polls import services
from xiangli.polls.models import Option, Poll, VoterRoll

from ..conftest import resident
from ..test_case_rules import at_once, postgres_only
from .conftest import make_poll


def voters(world, n):
    people = [world.alice_resident, world.carl_resident]
    people += [resident(f"村民{i}", world.village_a, world.grid_a2, 100 + i) for i in range(n - 2)]
    return people


def vote_all(world, poll, plan):
    for person, label in plan:
        services.cast_ballot(poll, by=world.andy, option=poll.options.get(label=label), resident=person)


def traces(poll):
    """Everything stored about a poll, with its own ids replaced by stable names."""
    names = {o.pk: o.label for o in poll.options.all()}
    options = sorted(
        (names[o["id"]], o["votes"], o["nominee_id"], o["sort"]) for o in Option.objects.filter(poll=poll).values()
    )
    roll = [
        (r["resident_id"], r["channel"], r["recorded_by_id"], r["voted_on"])
        for r in VoterRoll.objects.filter(poll=poll).order_by("pk").values()
    ]
    trail = [
        (e.action, e.actor_id, e.changes if e.action == "poll.voted" else None)
        for e in AuditEntry.objects.filter(object_type="polls.poll", object_id=str(poll.pk)).order_by("pk")
    ]
    return options, roll, trail


def test_swapping_every_voters_choice_leaves_identical_traces(world):
    people = voters(world, 5)
    first = make_poll(world, title="First", options=["Yes", "No", "Abstain"])
    second = make_poll(world, title="Second", options=["Yes", "No", "Abstain"])
    choices = ["Yes", "No", "Yes", "Abstain", "No"]
    swapped = ["No", "Yes", "Abstain", "Yes", "No"]  # each person differently, same totals
    assert sorted(choices) == sorted(swapped) and any(a != b for a, b in zip(choices, swapped, strict=True))
    for person, a, b in zip(people, choices, swapped, strict=True):
        vote_all(world, first, [(person, a)])
        vote_all(world, second, [(person, b)])
    assert traces(first) == traces(second)
    assert dict(first.options.values_list("label", "votes")) == {"Yes": 2, "No": 2, "Abstain": 1}


def test_no_table_pairs_a_voter_with_an_option(world):
    # Only the option's own poll and its nominee point out of the Option table; no
    # table points at an option; the roll has no option and no time finer than the day.
    option_links = {f.name for f in Option._meta.get_fields() if f.is_relation and f.concrete}
    assert option_links == {"poll", "nominee"}
    pointing_at_options = [
        (m._meta.label, f.name) for m in apps.get_models() for f in m._meta.get_fields()
        if f.is_relation and f.concrete and f.related_model is Option
    ]
    assert pointing_at_options == []
    roll_fields = {f.name: f for f in VoterRoll._meta.concrete_fields}
    assert not any(f.is_relation and f.related_model is Option for f in roll_fields.values())
    assert not any(isinstance(f, models.DateTimeField) for f in roll_fields.values())
    assert not any(isinstance(f, models.DateTimeField) for f in Option._meta.concrete_fields)
    assert {Resident, User}.isdisjoint({f.related_model for f in Option._meta.concrete_fields
                                        if f.is_relation and f.name != "nominee"})


def test_the_trail_says_who_took_part_never_the_choice(world, poll):
    yes = poll.options.get(label="Yes")
    services.cast_ballot(poll, by=world.alice, option=yes)
    entry = AuditEntry.objects.get(action="poll.voted")
    text = str(entry.changes) + entry.object_repr
    assert set(entry.changes) == {"voter", "channel"} and "Yes" not in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row versions (xmin) exist on PostgreSQL only")
def test_every_option_row_carries_the_same_row_version_whichever_was_chosen(world, poll):
    services.cast_ballot(poll, by=world.alice, option=poll.options.get(label="No"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT xmin::text FROM polls_option WHERE poll_id = %s", [poll.pk])
        assert len(cursor.fetchall()) == 1


# Concurrency




@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_votes_by_the_same_person_at_once_count_once(world):
    poll = make_poll(world)
    yes, no = poll.options.get(label="Yes"), poll.options.get(label="No")
    outcomes = at_once(
        lambda: services.cast_ballot(poll, by=world.alice, option=yes),
        lambda: services.cast_ballot(poll, by=world.alice, option=no),
        lambda: services.cast_ballot(poll, by=world.andy, option=no, resident=world.alice_resident),
    )
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 2 and outcomes.count(None) == 1, outcomes
    assert VoterRoll.objects.count() == 1
    assert sum(Option.objects.filter(poll=poll).values_list("votes", flat=True)) == 1


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_many_people_voting_at_once_are_all_counted(world):
    people = voters(world, 6)
    poll = make_poll(world)
    yes = poll.options.get(label="Yes")
    outcomes = at_once(*[
        (lambda p=p: services.cast_ballot(poll, by=world.andy, option=yes, resident=p)) for p in people
    ])
    assert outcomes == [None] * 6
    assert Option.objects.get(pk=yes.pk).votes == 6 and VoterRoll.objects.count() == 6
    assert Poll.objects.get(pk=poll.pk).roll.count() == 6
