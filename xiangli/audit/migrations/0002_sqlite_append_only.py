from django.conf import settings
from django.db import migrations

# SQLite (the embedded default) gets the guard PostgreSQL has: no UPDATE ever, and a
# DELETE only of rows older than six months, which only the retention purge issues.
APPEND_ONLY = [
    """
    CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only (UPDATE refused)'); END
    """,
    """
    CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_auditentry
    WHEN OLD.at >= strftime('%Y-%m-%d %H:%M:%f', 'now', '-183 days')
    BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only (DELETE refused)'); END
    """,
]
DROP = ["DROP TRIGGER IF EXISTS audit_entry_no_update", "DROP TRIGGER IF EXISTS audit_entry_no_delete"]


def append_only(apps, schema_editor):
    # The test settings leave it out: Django empties tables between transactional
    # tests with DELETE on SQLite (with TRUNCATE, which row triggers ignore, on
    # PostgreSQL). tests/test_audit.py installs it inside a test's transaction.
    if schema_editor.connection.vendor == "sqlite" and getattr(settings, "AUDIT_SQLITE_TRIGGERS", True):
        for sql in APPEND_ONLY:
            schema_editor.execute(sql, params=None)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in DROP:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_trail")]

    operations = [migrations.RunPython(append_only, drop_append_only)]
