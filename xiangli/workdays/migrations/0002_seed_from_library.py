import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    # Uses the historical model, so it keeps working when CalendarDay changes later.
    import chinese_calendar

    CalendarDay = apps.get_model("workdays", "CalendarDay")
    rows = {}
    for day, name in chinese_calendar.holidays.items():
        if day.weekday() < 5 and day >= dt.date(2020, 1, 1):
            rows[day] = CalendarDay(day=day, is_workday=False, name=str(name))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5 and day >= dt.date(2020, 1, 1):
            rows[day] = CalendarDay(day=day, is_workday=True, name=str(name))
    CalendarDay.objects.bulk_create(rows.values(), batch_size=500, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
