"""Default risk model: factors and weights, FATF lists of 24 October 2025, score bands.

The literals live in compliance.onboarding.defaults (the unit tests score with the same model).
Later list changes (each FATF plenary) ship as their own data migration with the delta.
"""

from datetime import date

from django.db import migrations

LISTED_SINCE = date(2025, 10, 24)


def load(apps, schema_editor):
    from compliance.onboarding import defaults

    RiskFactor = apps.get_model("compliance", "RiskFactor")
    CountryRisk = apps.get_model("compliance", "CountryRisk")
    RiskBand = apps.get_model("compliance", "RiskBand")
    for code, (description, weight, settings) in defaults.DEFAULT_FACTORS.items():
        RiskFactor.objects.get_or_create(
            code=code, defaults={"description": description, "weight": weight, "settings": settings}
        )
    names = defaults.country_names()
    for code, rating in defaults.default_countries().items():
        CountryRisk.objects.get_or_create(
            code=code,
            defaults={
                "name": names[code],
                "list_name": rating.list_name,
                "points": rating.points,
                "prohibits_onboarding": rating.prohibits_onboarding,
                "listed_since": LISTED_SINCE if rating.list_name.startswith("fatf") else None,
            },
        )
    for level, min_score in defaults.DEFAULT_BANDS.items():
        RiskBand.objects.get_or_create(level=level, defaults={"min_score": min_score})


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
