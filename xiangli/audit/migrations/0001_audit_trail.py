import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


# On PostgreSQL the database itself refuses to change or remove an entry. The
# one exception is the retention purge, which sets xiangli.audit_purge for its
# own transaction, and even then only rows older than six months may go.
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('xiangli.audit_purge', true) = 'on'
       AND OLD.at < now() - interval '183 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only (% refused)', TG_OP;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY, params=None)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_APPEND_ONLY, params=None)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                ('actor_label', models.CharField(blank=True, max_length=120, verbose_name='actor name')),
                ('action', models.CharField(max_length=60, verbose_name='action')),
                ('object_type', models.CharField(blank=True, max_length=60, verbose_name='object type')),
                ('object_id', models.CharField(blank=True, max_length=40, verbose_name='object id')),
                ('object_repr', models.CharField(blank=True, max_length=200, verbose_name='object')),
                ('area_path', models.CharField(blank=True, default='', max_length=255)),
                ('changes', models.JSONField(blank=True, default=dict, verbose_name='changes')),
                ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                ('user_agent', models.CharField(blank=True, max_length=200, verbose_name='browser')),
                ('actor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor')),
            ],
            options={
                'verbose_name': 'audit entry',
                'verbose_name_plural': 'audit entries',
                'ordering': ['-at', '-pk'],
                'indexes': [models.Index(fields=['at'], name='audit_at'), models.Index(fields=['object_type', 'object_id'], name='audit_object'), models.Index(fields=['actor', 'at'], name='audit_actor_at'), models.Index(fields=['area_path', 'at'], name='audit_area_at', opclasses=['varchar_pattern_ops', 'timestamptz_ops']), models.Index(fields=['action', 'at'], name='audit_action_at', opclasses=['varchar_pattern_ops', 'timestamptz_ops'])],
            },
        ),
        migrations.RunPython(append_only, drop_append_only),
    ]
