"""The city starts from a default rating scheme, in force, which it changes in the admin."""

from django.db import migrations

DEFAULT = {
    "name": "默认方案 Default scheme",
    "weight_on_time": 15, "weight_satisfaction": 15, "weight_one_trip": 10,
    "weight_activities": 10, "weight_training": 10, "weight_volunteer": 10, "weight_help": 10,
    "weight_seven": 8, "weight_four": 7, "weight_policy": 5,
    "star_1": 40, "star_2": 55, "star_3": 70, "star_4": 80, "star_5": 90,
    "target_activities": 12, "target_training": 60, "target_volunteer": 30, "target_help": 12,
}


def create_default(apps, schema_editor):
    RatingScheme = apps.get_model("ratings", "RatingScheme")
    if not RatingScheme.objects.exists():
        RatingScheme.objects.create(in_force=True, **DEFAULT)


class Migration(migrations.Migration):

    dependencies = [
        ("ratings", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_default, migrations.RunPython.noop),
    ]
