"""Actions on points: earning, redeeming in the points supermarket, hand-over, reversals, adjustments.

Every change locks the person's `PointsAccount` row first (SELECT … FOR UPDATE),
writes one append-only `PointsEntry`, updates the cached balance and the monthly
tally in the same transaction, and writes the audit trail. Because every writer
takes the account lock first and a reward's stock is taken by a conditional
UPDATE (stock >= 1) after it, two redemptions at the same instant queue on the
lock: neither a balance nor a stock can be overspent.

For other apps (activities): `award_points(resident, points=…, hours=…, reason=…,
source="activity:12:resident:34", by=user)` pays once per source key; a second
call with the same key returns the first entry and pays nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangli.audit import services as audit
from xiangli.people import scope
from xiangli.people.models import Resident, Role, User

from .models import (
    EntryKind,
    MonthlyTally,
    PointsAccount,
    PointsEntry,
    Redemption,
    RedemptionState,
    Reward,
    month_of,
)

# Staff who run the points supermarket: stock the shelf, hand rewards over.
SHOP_ROLES = {Role.AGENT, Role.SECRETARY, Role.TOWNSHIP_STAFF}
# Staff who may correct the ledger (adjustments, reversals): a more senior duty.
CORRECTION_ROLES = {Role.SECRETARY, Role.TOWNSHIP_STAFF}
MAX_POINTS = 10_000
MAX_HOURS = Decimal("24")
# Collection codes: no 0/O or 1/I, so a code read out over the counter is not misheard.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def whole_points(value: Any, *, field: str = "points", allow_zero: bool = False) -> int:
    """A number of points as a whole, non-negative number, or a ValidationError a person can read."""
    if isinstance(value, bool):
        raise ValidationError({field: _("Points must be a whole number.")})
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Points must be a whole number.")}) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValidationError({field: _("Points must be a whole number.")})
    if number < 0 or (number == 0 and not allow_zero):
        raise ValidationError({field: _("Points must be more than zero.")})
    if number > MAX_POINTS:
        raise ValidationError({field: _("At most %(n)d points at a time.") % {"n": MAX_POINTS}})
    return int(number)


def clean_hours(value: Any) -> Decimal:
    """Hours of service, to a tenth: from 0 up to a day."""
    try:
        hours = Decimal(str(value if value not in (None, "") else 0).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": _("Enter the hours as a number, for example 1.5.")}) from None
    if not hours.is_finite() or hours < 0:
        raise ValidationError({"hours": _("Hours cannot be negative.")})
    if hours > MAX_HOURS:
        raise ValidationError({"hours": _("No more than 24 hours can be counted for one day's help.")})
    return hours.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def clean_reason(value: str) -> str:
    reason = (value or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Please give a reason.")})
    return reason[:200]


def account_for(resident: Resident) -> PointsAccount:
    """The resident's points account, opened on first use."""
    account = PointsAccount.objects.filter(resident=resident).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return PointsAccount.objects.create(
                resident=resident, village_id=resident.village_id, area_path=resident.area_path
            )
    except IntegrityError:  # opened at the same moment by another request
        return PointsAccount.objects.get(resident=resident)


def balance_of(resident: Resident) -> int:
    """The resident's balance: one read of the cached row (check_points proves it against the ledger)."""
    return PointsAccount.objects.filter(resident=resident).values_list("balance", flat=True).first() or 0


def _locked(account: PointsAccount) -> PointsAccount:
    return PointsAccount.objects.select_for_update().get(pk=account.pk)


def _write(
    account: PointsAccount,
    *,
    kind: str,
    points: int,
    reason: str,
    by: User | None,
    hours: Decimal = Decimal("0"),
    tasks: int = 0,
    source: str | None = None,
    reverses: PointsEntry | None = None,
    tally_month: dt.date | None = None,
    village_id: int | None = None,
) -> PointsEntry:
    """Append a ledger row and bring the cached balance and tally along. Caller holds the account lock."""
    if account.balance + points < 0:
        raise ValidationError(
            _("Only %(balance)d points are left; %(points)d cannot be taken.")
            % {"balance": account.balance, "points": -points}
        )
    now = timezone.now()
    entry = PointsEntry.objects.create(
        account=account, kind=kind, points=points, hours=hours, tasks=tasks, reason=reason,
        source=source, reverses=reverses, village_id=village_id or account.village_id,
        tally_month=tally_month, actor=by, created_at=now,
    )
    counted = tally_month is not None
    PointsAccount.objects.filter(pk=account.pk).update(
        balance=F("balance") + points,
        earned=F("earned") + (points if counted else 0),
        hours=F("hours") + hours,
        tasks=F("tasks") + tasks,
        updated_at=now,
    )
    account.refresh_from_db()
    if counted:
        # The account lock is held, so nobody else creates this account's tally row meanwhile.
        tally, _created = MonthlyTally.objects.get_or_create(
            village_id=entry.village_id, month=tally_month, account=account
        )
        MonthlyTally.objects.filter(pk=tally.pk).update(
            points=F("points") + points, hours=F("hours") + hours, tasks=F("tasks") + tasks
        )
    audit.record(
        f"points.{kind}", obj=entry, actor=by, area_path=account.area_path,
        object_repr=f"{account.resident.name} {points:+d}",
        changes={"points": points, "balance": [account.balance - points, account.balance], "reason": reason,
                 **({"hours": hours} if hours else {}), **({"source": source} if source else {})},
    )
    return entry


def award_points(
    resident: Resident,
    *,
    points: Any,
    reason: str,
    source: str,
    by: User | None,
    hours: Any = 0,
    tasks: int = 1,
    when: dt.datetime | None = None,
) -> PointsEntry:
    """Pay a volunteer for a help task or an activity served, once per `source`.

    `source` names what is paid ("helptask:12", "activity:3:resident:4"); the same
    source never pays twice: a repeated call returns the first entry. The caller
    decides who may pay (help-task confirmation, activity attendance); this checks
    the amounts: whole points from 0, hours from 0 to 24, not both zero.
    """
    source = (source or "").strip()
    if not source or len(source) > 80:
        raise ValueError("award_points needs a source key of at most 80 characters")
    amount = whole_points(points, allow_zero=True)
    spent = clean_hours(hours)
    if amount == 0 and spent == 0:
        raise ValidationError(_("Nothing to record: no points and no hours."))
    earlier = PointsEntry.objects.filter(source=source).first()
    if earlier is not None:
        return earlier
    account = account_for(resident)
    try:
        with transaction.atomic():
            locked = _locked(account)
            # Checked again under the lock: a second payment of the same source waits here, then sees the first.
            if (earlier := PointsEntry.objects.filter(source=source).first()) is not None:
                return earlier
            return _write(
                locked, kind=EntryKind.EARN, points=amount, hours=spent, tasks=tasks,
                reason=(reason or "").strip()[:200] or source, source=source, by=by,
                tally_month=month_of(when or timezone.now()),
            )
    except IntegrityError:
        earlier = PointsEntry.objects.filter(source=source).first()
        if earlier is None:
            raise
        return earlier


def _may_correct(account: PointsAccount, by: User) -> None:
    if not scope.serves(by, account.area_path, CORRECTION_ROLES):
        raise PermissionDenied(_("Only the village secretary or township staff may correct points."))


def adjust(account: PointsAccount, *, points: Any, reason: str, by: User) -> PointsEntry:
    """Add or take points by hand (a correction), with a reason; secretaries and township staff only."""
    _may_correct(account, by)
    text = str(points).strip()
    negative = text.startswith("-")
    amount = whole_points(text.lstrip("-+"))
    why = clean_reason(reason)
    with transaction.atomic():
        return _write(_locked(account), kind=EntryKind.ADJUSTMENT, points=-amount if negative else amount,
                      reason=why, by=by)


def reverse_entry(entry: PointsEntry, *, reason: str, by: User) -> PointsEntry:
    """Undo an earning or an adjustment with an opposite row; the original row stays as it was."""
    _may_correct(entry.account, by)
    why = clean_reason(reason)
    if entry.kind not in (EntryKind.EARN, EntryKind.ADJUSTMENT):
        raise ValidationError(_("Only earnings and adjustments can be reversed; cancel a redemption instead."))
    with transaction.atomic():
        account = _locked(entry.account)
        if PointsEntry.objects.filter(reverses=entry).exists():
            raise ValidationError(_("This entry has already been reversed."))
        return _write(
            account, kind=EntryKind.REVERSAL, points=-entry.points, hours=-entry.hours, tasks=-entry.tasks,
            reason=why, reverses=entry, by=by, tally_month=entry.tally_month, village_id=entry.village_id,
        )


# --- the points supermarket -------------------------------------------------------------------


@dataclass
class RewardInput:
    name: str
    price: Any
    stock: Any
    description: str = ""
    is_active: bool = True


def save_reward(*, by: User, village: Any, data: RewardInput, reward: Reward | None = None) -> Reward:
    """Put a reward on a centre's shelf, or change its price, stock or description."""
    if not scope.serves(by, village.path, SHOP_ROLES):
        raise PermissionDenied(_("You do not run this village's points supermarket."))
    name = (data.name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the reward a name.")})
    price = whole_points(data.price, field="price")
    stock = whole_points(data.stock, field="stock", allow_zero=True)
    with transaction.atomic():
        if reward is None:
            reward = Reward(village=village)
            before: dict[str, Any] = {}
        else:
            reward = Reward.objects.select_for_update().get(pk=reward.pk)
            before = audit.snapshot(reward, ["name", "price", "stock", "description", "is_active"])
        reward.name, reward.price, reward.stock = name[:100], price, stock
        reward.description, reward.is_active = (data.description or "").strip()[:300], bool(data.is_active)
        reward.save()
        after = audit.snapshot(reward, ["name", "price", "stock", "description", "is_active"])
        audit.record("reward.added" if not before else "reward.changed", obj=reward, actor=by,
                     changes=audit.diff(before, after))
    return reward


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def redeem(reward: Reward, *, by: User, request_key: str = "") -> Redemption:
    """Exchange points for a reward: the points and one item of stock go in one step.

    The person's account row is locked first, then the stock is taken only if
    some is left (a conditional UPDATE); a refusal writes nothing.
    """
    from .tasks import tell_resident

    resident = by.resident
    if resident is None:
        raise PermissionDenied(_("Only residents can redeem points."))
    if reward.village_id != resident.village_id:
        raise ValidationError(_("This reward is offered by another village's centre."))
    key = (request_key or "").strip()[:40]
    if key and (earlier := Redemption.objects.filter(account__resident=resident, request_key=key).first()):
        return earlier  # a double tap: the first press already redeemed
    account = PointsAccount.objects.filter(resident=resident).first()
    if account is None:
        raise ValidationError(_("You have no points yet. Volunteer with a help task to earn some."))
    with transaction.atomic():
        account = _locked(account)
        if key and (earlier := Redemption.objects.filter(account=account, request_key=key).first()):
            return earlier
        current = Reward.objects.get(pk=reward.pk)
        if not current.is_active:
            raise ValidationError(_("This reward is no longer offered."))
        if account.balance < current.price:
            raise ValidationError(
                _("You have %(balance)d points; %(name)s needs %(price)d.")
                % {"balance": account.balance, "name": current.name, "price": current.price}
            )
        if not Reward.objects.filter(pk=current.pk, stock__gte=1, is_active=True).update(stock=F("stock") - 1):
            raise ValidationError(_("%(name)s is out of stock.") % {"name": current.name})
        redemption = Redemption.objects.create(
            reward=current, account=account, area_path=account.area_path, points=current.price,
            code=_new_code(), request_key=key,
        )
        _write(account, kind=EntryKind.SPEND, points=-current.price, by=by,
               reason=_("Redeemed: %(name)s") % {"name": current.name}, source=f"redemption:{redemption.pk}")
        tell_resident.enqueue(resident.pk, "redeemed", {"name": current.name, "code": redemption.code})
    return redemption


def find_redemption(code: str, *, by: User) -> Redemption | None:
    """A redemption by its collection code, among the villages the staff member serves."""
    code = "".join(code.split()).upper()
    if not code:
        return None
    found = Redemption.objects.select_related("reward", "account__resident").filter(code=code).first()
    if found is None or not scope.serves(by, found.area_path, SHOP_ROLES):
        return None
    return found


def hand_over(redemption: Redemption, *, by: User) -> Redemption:
    """The reward is given to the person at the counter: the code is used up."""
    if not scope.serves(by, redemption.area_path, SHOP_ROLES):
        raise PermissionDenied(_("You do not run this village's points supermarket."))
    with transaction.atomic():
        now = timezone.now()
        done = Redemption.objects.filter(pk=redemption.pk, state=RedemptionState.PENDING).update(
            state=RedemptionState.HANDED_OVER, handed_over_at=now, handed_over_by=by
        )
        if not done:
            raise ValidationError(_("This code has already been used or cancelled."))
        redemption.refresh_from_db()
        audit.record("redemption.handed_over", obj=redemption, actor=by, changes={"code": redemption.code})
    return redemption


def cancel_redemption(redemption: Redemption, *, by: User, reason: str = "") -> Redemption:
    """Undo a redemption not yet collected: the points and the item go back. The person or shop staff."""
    own = by.resident_id is not None and by.resident_id == redemption.account.resident_id
    if not own and not scope.serves(by, redemption.area_path, SHOP_ROLES):
        raise PermissionDenied(_("You may not cancel this redemption."))
    why = (reason or "").strip()[:200] or _("Cancelled before collection")
    with transaction.atomic():
        account = _locked(redemption.account)
        if not Redemption.objects.filter(pk=redemption.pk, state=RedemptionState.PENDING).update(
            state=RedemptionState.CANCELLED
        ):
            raise ValidationError(_("Only a redemption not yet collected can be cancelled."))
        Reward.objects.filter(pk=redemption.reward_id).update(stock=F("stock") + 1)
        spend = PointsEntry.objects.get(source=f"redemption:{redemption.pk}")
        _write(account, kind=EntryKind.REVERSAL, points=redemption.points, reason=why, reverses=spend, by=by)
        redemption.refresh_from_db()
    return redemption


# --- the ledger checked against its caches --------------------------------------------------


@dataclass
class Mismatch:
    what: str
    key: str
    cached: Any
    ledger: Any


def check_points(*, limit: int = 1000) -> list[Mismatch]:
    """Recompute every balance and tally from the ledger and list where the caches differ.

    The comparison runs in the database (one grouped pass over the ledger per
    cache), so only mismatches come back, whatever the ledger's size.
    """
    entry, account, tally = (connection.ops.quote_name(m._meta.db_table)
                             for m in (PointsEntry, PointsAccount, MonthlyTally))
    per_account = f"""
        SELECT account_id, SUM(points) AS balance,
               SUM(CASE WHEN tally_month IS NULL THEN 0 ELSE points END) AS earned,
               ROUND(SUM(hours), 1) AS hours, SUM(tasks) AS tasks
        FROM {entry} GROUP BY account_id"""  # noqa: S608 -- table names from the models
    per_tally = f"""
        SELECT village_id, tally_month, account_id, SUM(points) AS points, ROUND(SUM(hours), 1) AS hours,
               SUM(tasks) AS tasks
        FROM {entry} WHERE tally_month IS NOT NULL GROUP BY village_id, tally_month, account_id"""  # noqa: S608
    found: list[Mismatch] = []
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT a.id, a.balance, COALESCE(s.balance, 0), a.earned, COALESCE(s.earned, 0),
                   ROUND(a.hours, 1), COALESCE(s.hours, 0), a.tasks, COALESCE(s.tasks, 0)
            FROM {account} a LEFT JOIN ({per_account}) s ON s.account_id = a.id
            WHERE a.balance <> COALESCE(s.balance, 0) OR a.earned <> COALESCE(s.earned, 0)
               OR ROUND(a.hours, 1) <> COALESCE(s.hours, 0) OR a.tasks <> COALESCE(s.tasks, 0)
            ORDER BY a.id LIMIT %s""", [limit])  # noqa: S608
        for pk, *values in cursor.fetchall():
            for n, name in enumerate(("balance", "earned", "hours", "tasks")):
                cached, ledger = values[2 * n], values[2 * n + 1]
                if Decimal(str(cached)) != Decimal(str(ledger)):
                    found.append(Mismatch(f"account {name}", str(pk), cached, ledger))
        cursor.execute(f"""
            SELECT t.village_id, t.month, t.account_id, t.points, COALESCE(s.points, 0),
                   ROUND(t.hours, 1), COALESCE(s.hours, 0), t.tasks, COALESCE(s.tasks, 0)
            FROM {tally} t LEFT JOIN ({per_tally}) s
              ON s.village_id = t.village_id AND s.tally_month = t.month AND s.account_id = t.account_id
            WHERE t.points <> COALESCE(s.points, 0) OR ROUND(t.hours, 1) <> COALESCE(s.hours, 0)
               OR t.tasks <> COALESCE(s.tasks, 0)
            LIMIT %s""", [limit])  # noqa: S608
        for village_id, month, account_id, *values in cursor.fetchall():
            for n, name in enumerate(("points", "hours", "tasks")):
                cached, ledger = values[2 * n], values[2 * n + 1]
                if Decimal(str(cached)) != Decimal(str(ledger)):
                    found.append(Mismatch(f"tally {name}", f"{village_id}/{month}/{account_id}", cached, ledger))
        cursor.execute(f"""
            SELECT s.village_id, s.tally_month, s.account_id, s.points
            FROM ({per_tally}) s LEFT JOIN {tally} t
              ON s.village_id = t.village_id AND s.tally_month = t.month AND s.account_id = t.account_id
            WHERE t.id IS NULL AND (s.points <> 0 OR s.hours <> 0 OR s.tasks <> 0)
            LIMIT %s""", [limit])  # noqa: S608
        for village_id, month, account_id, points in cursor.fetchall():
            found.append(Mismatch("tally missing", f"{village_id}/{month}/{account_id}", None, points))
    return found
