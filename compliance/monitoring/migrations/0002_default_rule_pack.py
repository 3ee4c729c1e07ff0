"""The default Pakistan rule pack (compliance.monitoring.typologies.registry.DEFAULT_RULE_PACK):
one active rule per entry, version 1 approved by this migration. Compliance edits parameters in
the admin afterwards (a new version, four-eyes activation). Later changes to the pack ship as
new migrations that add versions, never as edits here alone.
"""

from django.db import migrations
from django.utils import timezone

LOADER = "system:data-migration"


def load(apps, schema_editor):
    from compliance.monitoring.typologies.registry import DEFAULT_RULE_PACK

    Rule = apps.get_model("monitoring", "Rule")
    RuleVersion = apps.get_model("monitoring", "RuleVersion")
    now = timezone.now()
    for entry in DEFAULT_RULE_PACK:
        if Rule.objects.filter(code=entry["code"]).exists():
            continue
        rule = Rule.objects.create(
            code=entry["code"],
            name=entry["name"],
            typology=entry["typology"],
            kind="template",
            status="active",
        )
        version = RuleVersion.objects.create(
            rule=rule,
            number=1,
            template=entry["typology"],
            params=entry["params"],
            severity=entry["severity"],
            blocking=entry["blocking"],
            note="Default Pakistan rule pack",
            created_by_label=LOADER,
            approved_by_label=LOADER,
            approved_at=now,
        )
        rule.active_version = version
        rule.save(update_fields=["active_version"])


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
