"""Indexes for policy rules over the registry: age reached on a day is a range of birth
dates; "carries a tag" is JSON containment, which a GIN index serves on PostgreSQL."""

from django.db import migrations, models

import xiangli.people.models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_password_changed_at"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="resident",
            index=models.Index(fields=["birth_date"], name="resident_birth_date"),
        ),
        migrations.AddIndex(
            model_name="resident",
            index=xiangli.people.models.RuleIndex(fields=["tags"], gin=True, name="resident_tags"),
        ),
    ]
