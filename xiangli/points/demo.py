"""Demo data of the points supermarket: rewards on the demo village's shelf, a few redemptions.

The ledger itself is written by the volunteers demo (help tasks confirmed and paid).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import connection, transaction

from xiangli.people.models import Role

from . import services
from .models import MonthlyTally, PointsAccount, PointsEntry, Redemption, Reward

REWARDS = [
    ("香皂", "两块装", 10, 40), ("毛巾", "纯棉", 15, 30), ("理发券", "村理发店一次", 20, 25),
    ("洗衣液", "2 公斤", 30, 20), ("食用油", "5 升花生油", 60, 10), ("大米", "10 公斤", 80, 8),
    ("电热水壶", "1.5 升", 150, 0),
]


def build(*, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    from xiangli.volunteers.demo import demo_village_and_staff

    found = demo_village_and_staff()
    if found is None:
        return {}
    village, staff = found
    shopkeeper = staff.get(Role.AGENT) or staff[Role.SECRETARY]
    rewards = [
        services.save_reward(by=shopkeeper, village=village,
                             data=services.RewardInput(name=name, description=desc, price=price, stock=stock))
        for name, desc, price, stock in REWARDS
    ]
    redeemed = 0
    accounts = list(PointsAccount.objects.filter(village=village).select_related("resident__user")
                    .order_by("-balance")[:6])
    for n, account in enumerate(accounts):
        user = getattr(account.resident, "user", None)
        affordable = [r for r in rewards if r.stock and r.price <= account.balance]
        if user is None or not affordable:
            continue
        redemption = services.redeem(rng.choice(affordable), by=user)
        redeemed += 1
        if n % 2:
            services.hand_over(redemption, by=shopkeeper)
    return {"rewards": len(rewards), "redemptions": redeemed}


def purge() -> None:
    """Empty the ledger and the supermarket of the demo city (for `build_demo --reset` only).

    The ledger refuses deletes everywhere else; this is raw SQL, and on
    PostgreSQL it sets xiangli.points_purge for its own transaction, which the
    append-only trigger lets through.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL xiangli.points_purge = 'on'")
        for model in (Redemption, MonthlyTally, PointsEntry, PointsAccount, Reward):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
