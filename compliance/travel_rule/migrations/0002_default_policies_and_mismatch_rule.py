"""Default travel-rule policy rows, the sandbox counterparty and the TRAVEL_RULE_MISMATCH rule.

Thresholds: Pakistan's draft VASP regulations keep sender and recipient records above
PKR 1,000,000 (our row and the default); FATF R.16 (INR.16 para 7) sets USD/EUR 1,000 for
jurisdictions aligned with it. Later changes are new versions activated by a second person.
"""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone

LOADER = "system:data-migration"

# (jurisdiction, threshold, currency, rule in force)
POLICIES = [
    ("*", "1000000", "PKR", True),
    ("PK", "1000000", "PKR", True),
    ("US", "1000", "USD", True),
    ("SG", "1000", "USD", True),
    ("AE", "1000", "USD", True),
    ("GB", "1000", "EUR", True),
    ("DE", "1000", "EUR", True),
    ("FR", "1000", "EUR", True),
    ("NL", "1000", "EUR", True),
    ("IE", "1000", "EUR", True),
    ("TR", "1000", "USD", True),
]


def load(apps, schema_editor):
    from compliance.monitoring.typologies.travel_rule import TravelRuleMismatch

    Policy = apps.get_model("travel_rule", "TravelRulePolicy")
    Vasp = apps.get_model("travel_rule", "Vasp")
    Rule = apps.get_model("monitoring", "Rule")
    RuleVersion = apps.get_model("monitoring", "RuleVersion")
    now = timezone.now()
    for code, amount, currency, in_force in POLICIES:
        if Policy.objects.filter(jurisdiction=code).exists():
            continue
        Policy.objects.create(
            jurisdiction=code,
            version=1,
            status="active",
            rule_in_force=in_force,
            threshold_amount=Decimal(amount),
            threshold_currency=currency,
            note="Default policy",
            created_by_label=LOADER,
            approved_by_label=LOADER,
            approved_at=now,
        )
    Vasp.objects.get_or_create(
        code="sandbox-counterparty",
        defaults={
            "name": "Sandbox Counterparty Exchange",
            "jurisdiction": "AE",
            "protocol": "sandbox",
            "licence_number": "SANDBOX-001",
            "regulator": "Sandbox",
        },
    )
    if not Rule.objects.filter(code="PK-TRAVEL-RULE-MISMATCH").exists():
        rule = Rule.objects.create(
            code="PK-TRAVEL-RULE-MISMATCH",
            name="Received travel-rule data does not match our customer or the transfer",
            typology=TravelRuleMismatch.code,
            kind="template",
            status="active",
        )
        version = RuleVersion.objects.create(
            rule=rule,
            number=1,
            template=TravelRuleMismatch.code,
            params=TravelRuleMismatch().to_params(),
            severity="high",
            blocking=False,
            note="Travel rule: incoming data checks",
            created_by_label=LOADER,
            approved_by_label=LOADER,
            approved_at=now,
        )
        rule.active_version = version
        rule.save(update_fields=["active_version"])


class Migration(migrations.Migration):
    dependencies = [("travel_rule", "0001_initial"), ("monitoring", "0003_amount_precision")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
