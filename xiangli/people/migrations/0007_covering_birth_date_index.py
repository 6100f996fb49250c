"""The birth-date index carries the resident's id and area path (INCLUDE, on PostgreSQL):
counting or listing who has reached an age in an area reads the index, a fifth of the
table's size, and never the table."""

from django.db import migrations

import xiangli.people.models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_policy_rule_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="resident", name="resident_birth_date"),
        migrations.AddIndex(
            model_name="resident",
            index=xiangli.people.models.RuleIndex(
                fields=["birth_date"], covering=("id", "area_path"), name="resident_birth_date_cover"
            ),
        ),
    ]
