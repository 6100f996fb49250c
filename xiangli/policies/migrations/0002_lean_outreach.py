"""Outreach: one lean row per resident and policy, with one index besides the key.

A run over a million residents inserts 140,000 rows in one statement; each index and
each foreign-key trigger is paid per row. The copies of the resident's village, grid
and area path go (they are read from the resident), and so do the indexes on them,
the (policy, resident) index and the partial unique index of open visits: one unique
index on (resident, policy) serves every lookup and keeps one row per pair. Rows
that would now be duplicates (an earlier visit of the same resident for the same
policy) are removed first, the newest kept; their outcomes are on the audit trail.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_password_changed_at"),
        ("policies", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "DELETE FROM policies_outreach WHERE id NOT IN "
            "(SELECT MAX(id) FROM policies_outreach GROUP BY policy_id, resident_id)",
            migrations.RunSQL.noop,
        ),
        migrations.RemoveConstraint(model_name="outreach", name="one_open_outreach"),
        migrations.RemoveIndex(model_name="outreach", name="outreach_area_status"),
        migrations.RemoveIndex(model_name="outreach", name="outreach_policy_resident"),
        migrations.RemoveField(model_name="outreach", name="area_path"),
        migrations.RemoveField(model_name="outreach", name="grid"),
        migrations.RemoveField(model_name="outreach", name="village"),
        migrations.AlterField(
            model_name="outreach",
            name="policy",
            field=models.ForeignKey(db_constraint=False, db_index=False,
                                    on_delete=django.db.models.deletion.CASCADE, related_name="outreach",
                                    to="policies.policy", verbose_name="policy"),
        ),
        migrations.AlterField(
            model_name="outreach",
            name="resident",
            field=models.ForeignKey(db_constraint=False, db_index=False,
                                    on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                    to="people.resident", verbose_name="resident"),
        ),
        migrations.AddConstraint(
            model_name="outreach",
            constraint=models.UniqueConstraint(fields=("resident", "policy"), name="one_outreach_per_resident"),
        ),
    ]
