"""The default precision floor: a rule is flagged when fewer than one in ten of at least twenty
labelled alerts was a true positive. Officers change it in the admin (audited)."""

from decimal import Decimal

from django.db import migrations


def add_default(apps, schema_editor):
    PrecisionFloor = apps.get_model("rule_quality", "PrecisionFloor")
    if not PrecisionFloor.objects.filter(rule__isnull=True).exists():
        PrecisionFloor.objects.create(rule=None, floor=Decimal("0.100"), min_dispositioned=20)


class Migration(migrations.Migration):
    dependencies = [("rule_quality", "0001_outcome_labels_and_quality")]

    operations = [migrations.RunPython(add_default, migrations.RunPython.noop)]
