"""The answered visits of a policy, which a run may open again, by a partial index: the
rows a run inserts are open and never enter it, so it costs the run nothing."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0002_lean_outreach"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="outreach",
            index=models.Index(
                condition=models.Q(("status__in", ("open", "applied")), _negated=True),
                fields=["policy"],
                name="outreach_answered",
            ),
        ),
    ]
