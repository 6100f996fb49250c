"""Drop the single-column indexes of village and created_by: case_village_recent (village,
submitted_at) and the unique case_idempotency (created_by, key) serve the same look-ups, and
each index is one more write on every new case and every step of one."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('areas', '0002_centre_standards'),
        ('cases', '0007_leaner_indexes'),
        ('metrics', '0002_case_indexes'),  # creates case_village_recent
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='case',
            name='created_by',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by'),
        ),
        migrations.AlterField(
            model_name='case',
            name='village',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='areas.area', verbose_name='village'),
        ),
    ]
