"""The default network rules (compliance.network.typologies.NETWORK_RULE_PACK): one active rule
of kind "network" per entry, version 1 approved by this migration, edited in the admin
afterwards like every monitoring rule (a new version, four-eyes activation)."""

from django.db import migrations
from django.utils import timezone

LOADER = "system:data-migration"


def load(apps, schema_editor):
    from compliance.network.typologies import NETWORK_RULE_PACK

    Rule = apps.get_model("monitoring", "Rule")
    RuleVersion = apps.get_model("monitoring", "RuleVersion")
    now = timezone.now()
    for entry in NETWORK_RULE_PACK:
        if Rule.objects.filter(code=entry["code"]).exists():
            continue
        rule = Rule.objects.create(
            code=entry["code"],
            name=entry["name"],
            typology=entry["typology"],
            kind="network",
            status="active",
        )
        version = RuleVersion.objects.create(
            rule=rule,
            number=1,
            template=entry["typology"],
            params=entry["params"],
            severity=entry["severity"],
            blocking=False,
            note="Default network rules",
            created_by_label=LOADER,
            approved_by_label=LOADER,
            approved_at=now,
        )
        rule.active_version = version
        rule.save(update_fields=["active_version"])


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial"), ("monitoring", "0006_rule_kind_network")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
