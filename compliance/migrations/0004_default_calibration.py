"""Calibration of the default risk model after scoring the demo population:

- entities get their own expected-turnover bands (a company's ordinary monthly turnover is
  larger than a person's);
- a PEP's points drop from 60 to 30: the PEP floor already makes every PEP high, and 60 points
  pushed PEPs with a large turnover into the prohibited band;
- home remittances (source of funds 15 -> 10) and remittance as the account's purpose
  (25 -> 20) no longer make an ordinary overseas worker high risk on their own.

Each change applies only where the value is still the first default (an edited value is
compliance's choice and stays).
"""

from django.db import migrations

ENTITY_TURNOVER_BANDS = [
    {"min_pkr": "0", "points": 0},
    {"min_pkr": "5000000", "points": 5},
    {"min_pkr": "25000000", "points": 15},
    {"min_pkr": "100000000", "points": 30},
    {"min_pkr": "500000000", "points": 45},
]
# factor code, path in settings, first default, new default
POINT_CHANGES = [
    ("PEP", ("pep_points",), 60, 30),
    ("SOURCE_OF_FUNDS", ("points", "home_remittance"), 15, 10),
    ("PRODUCT", ("points", "remittance"), 25, 20),
]


def calibrate(apps, schema_editor):
    RiskFactor = apps.get_model("compliance", "RiskFactor")
    for factor in RiskFactor.objects.filter(code="EXPECTED_TURNOVER"):
        if "entity_bands" not in (factor.settings or {}):
            factor.settings = {**(factor.settings or {}), "entity_bands": ENTITY_TURNOVER_BANDS}
            factor.save(update_fields=["settings"])
    for code, path, old, new in POINT_CHANGES:
        for factor in RiskFactor.objects.filter(code=code):
            settings = factor.settings or {}
            holder = settings
            for key in path[:-1]:
                holder = holder.get(key, {})
            if holder.get(path[-1]) == old:
                holder[path[-1]] = new
                factor.settings = settings
                factor.save(update_fields=["settings"])


class Migration(migrations.Migration):
    dependencies = [("compliance", "0003_assessment_superseded")]

    operations = [migrations.RunPython(calibrate, migrations.RunPython.noop)]
