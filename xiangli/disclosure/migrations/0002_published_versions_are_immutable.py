from django.db import migrations

# The database itself refuses to change a version of a published item, so no code
# path (a bulk update, a shell, a future bug) can rewrite what residents were shown.
# Deleting stays possible: the demo's reset and a court-ordered removal need it.
POSTGRESQL = """
CREATE OR REPLACE FUNCTION disclosure_version_immutable() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM disclosure_notice WHERE id = OLD.notice_id AND published_at IS NOT NULL) THEN
        RAISE EXCEPTION 'A published version cannot be changed; publish a correction instead';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER disclosure_version_immutable
    BEFORE UPDATE ON disclosure_noticeversion
    FOR EACH ROW EXECUTE FUNCTION disclosure_version_immutable();
"""
DROP_POSTGRESQL = """
DROP TRIGGER IF EXISTS disclosure_version_immutable ON disclosure_noticeversion;
DROP FUNCTION IF EXISTS disclosure_version_immutable();
"""
SQLITE = """
CREATE TRIGGER disclosure_version_immutable BEFORE UPDATE ON disclosure_noticeversion
FOR EACH ROW WHEN (SELECT published_at FROM disclosure_notice WHERE id = OLD.notice_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'A published version cannot be changed; publish a correction instead'); END;
"""
DROP_SQLITE = "DROP TRIGGER IF EXISTS disclosure_version_immutable;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE, params=None)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(DROP_POSTGRESQL, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(DROP_SQLITE, params=None)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
