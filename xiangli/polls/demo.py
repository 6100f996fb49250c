"""Demo votes in the demo village: an open village matter with some votes already in
(the demo resident has not voted yet, so a visitor can), and a moral-model election
closed last month with its results published."""

from __future__ import annotations

import datetime as dt
import random

from xiangli.audit import services as audit
from xiangli.demo.builder import RESIDENT_PHONE
from xiangli.people.crypto import digest
from xiangli.people.models import Role, User

from . import services
from .models import Channel, Electorate, Option, Poll, PollKind, VoterRoll


def build(*, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    resident_user = User.objects.filter(login_digest=digest("+86" + RESIDENT_PHONE)).select_related("resident").first()
    if resident_user is None or resident_user.resident is None:
        return {}
    me = resident_user.resident
    village = me.village
    secretary = User.objects.filter(roles__role=Role.SECRETARY, roles__area=village).order_by("pk").first()
    agent = User.objects.filter(roles__role=Role.AGENT, roles__area=village).order_by("pk").first()
    if secretary is None or agent is None:
        return {}

    # Open: set up through the service, then its opening moved back two days, as if it had run since.
    open_poll = services.create_poll(
        by=secretary, village=village, kind=PollKind.DELIBERATION,
        title="是否将村东闲置小学改建为老年日间照料中心？",
        description="改建约需资金45万元，其中上级补助30万元，村集体出资15万元。改建后可提供午餐、休息和康复活动。"
                    "请年满18周岁的村民投票，投票期内也可到村党群服务中心现场投票。",
        options=["同意改建", "不同意", "弃权"], electorate=Electorate.RESIDENTS, min_age=18,
        opens_at=now, closes_at=now + dt.timedelta(days=5), quorum_percent=50,
    )
    Poll.objects.filter(pk=open_poll.pk).update(opens_at=now - dt.timedelta(days=2))
    open_poll.refresh_from_db()
    voters = list(services.electorate(open_poll).exclude(pk=me.pk).order_by("pk")[:400])
    options = list(open_poll.options.all())
    for person in rng.sample(voters, min(len(voters), max(3, len(voters) // 5))):
        choice = rng.choices(options, weights=[7, 2, 1])[0]
        services.cast_ballot(open_poll, by=agent, option=choice, resident=person, now=now)

    # Closed: the moral-model election, written as its ballots would have left it.
    nominees = rng.sample(voters, min(4, len(voters)))
    opened, closed = now - dt.timedelta(days=40), now - dt.timedelta(days=30)
    election = Poll.objects.create(
        village=village, area_path=village.path, kind=PollKind.MORAL_MODEL,
        title="2026年度道德模范（孝老爱亲、邻里互助）评选",
        description="由村民代表推荐、村道德评议会审核的候选人，全体户主投票产生。",
        electorate=Electorate.HOUSEHOLD_HEADS, min_age=18, opens_at=opened, closes_at=closed, quorum_percent=50,
        created_by=secretary, created_at=opened - dt.timedelta(days=3),
    )
    audit.record("poll.created", obj=election, actor=secretary, area_path=village.path,
                 changes={"title": [None, election.title], "kind": [None, election.kind]})
    heads = list(services.electorate(election).order_by("pk")[:400])
    turnout = rng.sample(heads, int(len(heads) * rng.uniform(0.6, 0.8))) if heads else []
    weights = [rng.randint(2, 9) for _ in nominees]
    tally = [0] * len(nominees)
    for _person in turnout:
        tally[rng.choices(range(len(nominees)), weights=weights)[0]] += 1
    Option.objects.bulk_create([
        Option(poll=election, label=n.name, nominee=n, sort=i, votes=tally[i]) for i, n in enumerate(nominees)
    ])
    VoterRoll.objects.bulk_create([
        VoterRoll(poll=election, resident=p, channel=rng.choice([Channel.ONLINE, Channel.COUNTER]),
                  recorded_by=None, voted_on=(opened + dt.timedelta(days=rng.randint(0, 9))).date())
        for p in turnout
    ])
    services.publish_results(election, now=closed + dt.timedelta(minutes=5))
    return {"polls": 2, "ballots": VoterRoll.objects.filter(poll__village=village).count()}
