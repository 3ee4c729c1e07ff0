"""Version 1 of the matcher configuration, active: the shipped default
(``compliance/screening/matcher_default.json``, fitted by ``calibrate_matcher`` on generated
renderings). The numbers are written out here so this migration never changes meaning when a
later calibration rewrites the file."""

from django.db import migrations
from django.utils import timezone

SHIPPED = {
    "threshold": 0.84,
    "level_sounds_alike": 0.86,
    "level_near_spelling": 0.88,
    "level_short_near_spelling": 0.8,
    "level_two_edits": 0.8,
    "level_initial": 0.8,
    "entity_term_weight": 0.4,
    "unmatched_middle_share": 0.5,
    "order_cut": -0.02,
    "low_quality_alias_cut": -0.05,
    "relative_boost": 0.05,
    "relative_cut": -0.25,
    "dob_exact_boost": 0.08,
    "dob_year_boost": 0.04,
    "dob_near_cut": -0.1,
    "dob_year_tolerance": 1,
    "dob_conflict_cut": -0.3,
    "nationality_boost": 0.02,
    "nationality_conflict_cut": -0.25,
    "id_conflict_cut": -0.3,
    "corroborated_conflict_share": 0.3,
}


def create(apps, schema_editor):
    MatcherConfiguration = apps.get_model("screening", "MatcherConfiguration")
    if MatcherConfiguration.objects.exists():
        return
    MatcherConfiguration.objects.create(
        number=1,
        values=SHIPPED,
        origin="shipped default",
        note="Fitted by calibrate_matcher on generated renderings of global names.",
        is_active=True,
        created_by_label="migration",
        approved_by_label="migration",
        approved_at=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("screening", "0003_matcher_configuration")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
