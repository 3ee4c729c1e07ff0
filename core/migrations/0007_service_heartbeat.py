from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0006_login_lockouts")]

    operations = [
        migrations.CreateModel(
            name="ServiceHeartbeat",
            fields=[
                ("name", models.CharField(max_length=200, primary_key=True, serialize=False)),
                ("kind", models.CharField(max_length=20)),
                ("seen_at", models.DateTimeField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["kind", "seen_at"], name="core_servic_kind_a551c5_idx")
                ]
            },
        ),
    ]
