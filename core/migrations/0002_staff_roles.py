from django.db import migrations

ROLES = ("Analyst", "MLRO", "Regulator", "Auditor", "Admin")


def create_roles(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for name in ROLES:
        group_model.objects.get_or_create(name=name)
    # Permissions are attached by core.roles after every migrate (post_migrate), so the models
    # that later migrations add get their role grants too.


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
