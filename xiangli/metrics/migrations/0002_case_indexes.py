"""Indexes on cases that the rollup and the big screens read by: cases received, done and
rated on a day, and a village's newest cases. They live here, with their readers, as
plain SQL that PostgreSQL and SQLite both accept."""

from django.db import migrations

INDEXES = {
    "case_submitted_day": "cases_case (submitted_at)",
    "case_done_day": "cases_case (done_at) WHERE done_at IS NOT NULL",
    "case_rated_day": "cases_case (rated_at) WHERE rated_at IS NOT NULL",
    "case_village_recent": "cases_case (village_id, submitted_at)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0001_initial"),
        ("cases", "0005_queue_indexes"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {target}", f"DROP INDEX IF EXISTS {name}")
        for name, target in INDEXES.items()
    ]
