# One open case per resident and service item, kept by the database instead of a
# row lock on the resident and a look-up before each filing. The rule held before
# (create_case refused a second open case under that lock, and the demo and city
# generators plan at most one), so no existing row breaks it. Building the index
# over 5M cases takes seconds, during which new cases wait.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_queue_indexes'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='case',
            constraint=models.UniqueConstraint(condition=models.Q(('state__in', ['submitted', 'accepted', 'materials_pending', 'carried'])), fields=('resident', 'item'), name='case_one_open_per_item'),
        ),
    ]
