"""The screening settings row (pk=1) with its defaults; compliance tunes it in the admin."""

from decimal import Decimal

from django.db import migrations


def create(apps, schema_editor):
    ScreeningSettings = apps.get_model("screening", "ScreeningSettings")
    ScreeningSettings.objects.get_or_create(
        pk=1,
        defaults={
            # The matcher's calibrated default (compliance.screening.matcher.DEFAULT_THRESHOLD).
            "default_threshold": Decimal("0.800"),
            "max_matches_per_subject": 10,
            "rescreen_batch_size": 20000,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
