"""Closure days move to core's business calendar (case SLAs and filing deadlines share them).

The rows are copied to ``core.ClosureDate`` before the reporting table is dropped; going back
copies them the other way.
"""

from django.db import migrations


def copy_forward(apps, schema_editor):
    old = apps.get_model("reporting", "ClosureDate")
    new = apps.get_model("core", "ClosureDate")
    known = set(new.objects.values_list("date", flat=True))
    new.objects.bulk_create(
        new(date=row.date, description=row.description)
        for row in old.objects.all()
        if row.date not in known
    )


def copy_back(apps, schema_editor):
    old = apps.get_model("reporting", "ClosureDate")
    new = apps.get_model("core", "ClosureDate")
    old.objects.bulk_create(
        old(date=row.date, description=row.description) for row in new.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_closure_dates"),
        ("reporting", "0002_defaults"),
    ]

    operations = [
        migrations.RunPython(copy_forward, copy_back),
        migrations.DeleteModel(name="ClosureDate"),
    ]
