"""Defaults as data: the FMU lookup lists, filing settings and a demo goAML registration.

The registration values are placeholders for the demo; before going live the compliance team
replaces them with the exchange's registration on the FMU's goAML portal.
"""

from django.db import migrations


def load_defaults(apps, schema_editor):
    from reporting.goaml.lookups import DEFAULT_LOOKUPS
    from reporting.lookup_tables import rows_from_lookups

    LookupCode = apps.get_model("reporting", "LookupCode")
    FilingSettings = apps.get_model("reporting", "FilingSettings")
    Profile = apps.get_model("reporting", "ReportingEntityProfile")

    existing = set(LookupCode.objects.values_list("table", "code"))
    LookupCode.objects.bulk_create(
        [
            LookupCode(table=r.table, code=r.code, description=r.description, data=r.data)
            for r in rows_from_lookups(DEFAULT_LOOKUPS)
            if (r.table, r.code) not in existing
        ]
    )
    FilingSettings.objects.get_or_create(pk=1)
    if not Profile.objects.filter(is_active=True).exists():
        Profile.objects.create(
            rentity_id=4711,
            branch="Head Office Karachi",
            name="Demo Exchange (Pvt) Ltd",
            institution_code="DEMOEX",
            address="Office 1204, Ocean Tower, Block 9 Clifton",
            district="Karachi South",
            city="Karachi",
            province="Sindh",
            postal_code="75600",
            country_code="PK",
            person_title="MLRO",
            person_first_name="Sana",
            person_last_name="Qureshi",
            person_email="mlro@demo.nigraan.pk",
            person_phone_prefix="92",
            person_phone_number="3211234567",
            person_occupation="Money Laundering Reporting Officer",
            is_active=True,
        )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(load_defaults, migrations.RunPython.noop)]
