# Links from a case to the alerts and screening hits it groups.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0002_sla_policy_defaults'),
        ('monitoring', '0001_initial'),
        ('screening', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseAlert',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('linked_at', models.DateTimeField()),
                ('alert', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='case_link', to='monitoring.alert')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='alert_links', to='cases.case')),
            ],
            options={
                'ordering': ['linked_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='CaseScreeningHit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('linked_at', models.DateTimeField()),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='hit_links', to='cases.case')),
                ('hit', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='case_link', to='screening.screeninghit')),
            ],
            options={
                'ordering': ['linked_at', 'id'],
            },
        ),
    ]
