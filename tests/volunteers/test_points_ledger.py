"""The points ledger: append-only, a balance always its sum, corrections by rows with a reason and a role."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from xiangli.audit.models import AuditEntry
from xiangli.points import services
from xiangli.points.models import AppendOnlyError, EntryKind, MonthlyTally, PointsAccount, PointsEntry

pytestmark = pytest.mark.django_db


def paid(world, points=10, source="activity:1:resident:1", hours="2"):
    return services.award_points(world.alice_resident, points=points, hours=hours, reason="Served tea",
                                 source=source, by=world.andy)


def test_award_points_pays_once_per_source(world):
    first = paid(world)
    again = paid(world)
    assert again.pk == first.pk
    assert PointsEntry.objects.count() == 1
    assert services.balance_of(world.alice_resident) == 10


@pytest.mark.parametrize("points", [-5, "1.5", Decimal("2.5"), "ten", True, 10_001])
def test_negative_fractional_or_absurd_points_are_refused_with_nothing_written(world, points):
    with pytest.raises(ValidationError):
        paid(world, points=points)
    assert not PointsEntry.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="points.").exists()


def test_hours_beyond_a_day_are_refused(world):
    with pytest.raises(ValidationError, match="24"):
        paid(world, hours="30")
    assert not PointsEntry.objects.exists()


def test_a_ledger_row_is_never_changed_or_deleted_through_the_app(world):
    entry = paid(world)
    entry.points = 1000
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        PointsEntry.objects.filter(pk=entry.pk).update(points=1000)
    with pytest.raises(AppendOnlyError):
        PointsEntry.objects.all().delete()
    assert PointsEntry.objects.get(pk=entry.pk).points == 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_to_change_a_ledger_row_even_in_raw_sql(world):
    from django.db import DatabaseError

    entry = paid(world)
    for sql in ["UPDATE points_pointsentry SET points = 1000 WHERE id = %s",
                "DELETE FROM points_pointsentry WHERE id = %s"]:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql, [entry.pk])
    assert PointsEntry.objects.get(pk=entry.pk).points == 10


def test_the_balance_and_the_leaderboard_are_the_ledgers_sums(world):
    paid(world, points=10, source="a")
    paid(world, points=5, source="b")
    services.adjust(PointsAccount.objects.get(), points="-3", reason="Double counted tea", by=world.sam)
    account = PointsAccount.objects.get()
    assert account.balance == 12 == sum(PointsEntry.objects.values_list("points", flat=True))
    tally = MonthlyTally.objects.get()
    assert (tally.points, tally.tasks) == (15, 2)  # adjustments change the balance, not the ranking
    call_command("check_points")


def test_check_points_reports_a_cached_balance_that_drifted_from_the_ledger(world, capsys):
    paid(world)
    PointsAccount.objects.update(balance=999)
    with pytest.raises(CommandError, match="1 mismatch"):
        call_command("check_points")
    assert "cached 999, ledger 10" in capsys.readouterr().out


def test_adjustments_need_a_reason_and_a_secretary_or_township_staff(world):
    paid(world)
    account = PointsAccount.objects.get()
    with pytest.raises(PermissionDenied):
        services.adjust(account, points="5", reason="Because", by=world.andy)  # an agent
    with pytest.raises(PermissionDenied):
        services.adjust(account, points="5", reason="Because", by=world.oscar)  # another village
    with pytest.raises(ValidationError):
        services.adjust(account, points="5", reason=" ", by=world.sam)
    with pytest.raises(ValidationError):
        services.adjust(account, points="-50", reason="Too much", by=world.sam)  # below zero
    assert PointsEntry.objects.count() == 1
    entry = services.adjust(account, points="5", reason="Helped at the fair", by=world.tom)
    assert entry.kind == EntryKind.ADJUSTMENT and entry.actor == world.tom
    audit = AuditEntry.objects.get(action="points.adjustment")
    assert audit.actor == world.tom and audit.changes["reason"] == "Helped at the fair"


def test_a_reversal_is_a_new_row_that_undoes_an_earning_once(world):
    entry = paid(world)
    reversal = services.reverse_entry(entry, reason="Activity was cancelled", by=world.sam)
    assert reversal.points == -10 and reversal.reverses == entry
    assert PointsEntry.objects.get(pk=entry.pk).points == 10  # the original row stays
    account = PointsAccount.objects.get()
    assert (account.balance, account.earned, account.hours, account.tasks) == (0, 0, 0, 0)
    assert MonthlyTally.objects.get().points == 0
    with pytest.raises(ValidationError, match="already"):
        services.reverse_entry(entry, reason="again", by=world.sam)
    assert AuditEntry.objects.filter(action="points.reversal", actor=world.sam).count() == 1
    call_command("check_points")


def test_a_reversal_needs_a_reason_and_a_role(world):
    entry = paid(world)
    with pytest.raises(ValidationError):
        services.reverse_entry(entry, reason="", by=world.sam)
    with pytest.raises(PermissionDenied):
        services.reverse_entry(entry, reason="no", by=world.alice)
    assert PointsEntry.objects.count() == 1


def test_check_points_reports_a_leaderboard_tally_that_drifted_or_went_missing(world):
    paid(world)
    MonthlyTally.objects.update(points=7)
    found = services.check_points()
    assert [(m.what, m.cached, m.ledger) for m in found] == [("tally points", 7, 10)]
    MonthlyTally.objects.all().delete()
    assert [m.what for m in services.check_points()] == ["tally missing"]
