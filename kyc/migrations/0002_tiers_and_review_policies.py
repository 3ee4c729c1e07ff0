"""Default tiers (PKR limits) and review frequencies; the compliance team edits them in the admin."""

from decimal import Decimal

from django.db import migrations

TIERS = [
    # code, name, rank, per transaction, daily, monthly (PKR)
    ("basic", "Basic", 1, "100000.00", "200000.00", "1000000.00",
     "Verified identity, standard due diligence not yet complete or low expected activity."),
    ("standard", "Standard", 2, "1000000.00", "2500000.00", "10000000.00",
     "Verified identity, profile complete, low or medium risk."),
    ("enhanced", "Enhanced", 3, "5000000.00", "10000000.00", "50000000.00",
     "Enhanced due diligence done: source of wealth evidenced and MLRO approved."),
]
# Months between periodic reviews by risk level (issue: 12/24/36 for high/medium/low).
REVIEW_POLICIES = [("high", 12, 60), ("medium", 24, 30), ("low", 36, 30)]


def load(apps, schema_editor):
    Tier = apps.get_model("kyc", "Tier")
    ReviewPolicy = apps.get_model("kyc", "ReviewPolicy")
    for code, name, rank, per_tx, daily, monthly, description in TIERS:
        Tier.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "rank": rank,
                "per_transaction_limit_pkr": Decimal(per_tx),
                "daily_limit_pkr": Decimal(daily),
                "monthly_limit_pkr": Decimal(monthly),
                "description": description,
            },
        )
    for level, months, notice_days in REVIEW_POLICIES:
        ReviewPolicy.objects.update_or_create(
            risk_level=level,
            defaults={"review_months": months, "id_expiry_notice_days": notice_days},
        )


class Migration(migrations.Migration):
    dependencies = [("kyc", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
