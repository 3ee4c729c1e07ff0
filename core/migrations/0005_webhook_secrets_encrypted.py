from django.db import migrations, models


def encrypt_secrets(apps, schema_editor):
    from core import pii

    Endpoint = apps.get_model("core", "WebhookEndpoint")
    for endpoint in Endpoint.objects.all():
        endpoint.secret_encrypted = pii.encrypt(endpoint.secret)
        endpoint.save(update_fields=["secret_encrypted"])


def decrypt_secrets(apps, schema_editor):
    from core import pii

    Endpoint = apps.get_model("core", "WebhookEndpoint")
    for endpoint in Endpoint.objects.all():
        endpoint.secret = pii.decrypt(endpoint.secret_encrypted)
        endpoint.save(update_fields=["secret"])


class Migration(migrations.Migration):
    dependencies = [("core", "0004_dead_letters")]

    operations = [
        migrations.AddField(
            model_name="webhookendpoint",
            name="secret_encrypted",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="webhookendpoint",
            name="previous_secret_encrypted",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="webhookendpoint",
            name="previous_secret_until",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="webhookendpoint",
            name="secret_rotated_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
        migrations.RemoveField(model_name="webhookendpoint", name="secret"),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("delivered", "Delivered"),
                    ("failed", "Failed"),
                    ("cancelled", "Cancelled"),
                ],
                default="pending",
                max_length=10,
            ),
        ),
    ]
