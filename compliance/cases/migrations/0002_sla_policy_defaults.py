"""Default case SLAs per priority, in Pakistani working time. The MLRO changes them in the admin.

Sized so that an escalated case still leaves the MLRO most of the 7 working days the FMU allows
for an STR from the moment suspicion is formed (AMLA 2010 s.7).
"""

from decimal import Decimal

from django.db import migrations

DEFAULTS = {
    # priority: (unit, amount, description)
    "critical": ("working_hours", 4, "Sanctions-class exposure: work it the same office day."),
    "high": ("working_days", 1, "Serious typologies: decide by the end of the next working day."),
    "medium": ("working_days", 3, "Ordinary alerts."),
    "low": ("working_days", 5, "Low-severity patterns and data-quality alerts."),
}


def load(apps, schema_editor):
    SlaPolicy = apps.get_model("cases", "SlaPolicy")
    for priority, (unit, amount, description) in DEFAULTS.items():
        SlaPolicy.objects.get_or_create(
            priority=priority,
            defaults={
                "unit": unit,
                "amount": amount,
                "at_risk_after": Decimal("0.75"),
                "description": description,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
