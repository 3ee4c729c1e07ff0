from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Platform"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Imported for what they register: the webhook dispatcher, login guards, retry hooks.
        from core import login_guard, roles, tasks, timestamps, webhook_isolation  # noqa: F401
        from core.api import schema  # noqa: F401 - registers the API-key auth scheme

        # Roles get the permissions of every app's models once all migrations have run.
        post_migrate.connect(roles.sync_roles_after_migrate, dispatch_uid="nigraan-sync-roles")
        timestamps.connect()
        login_guard.connect()


class NigraanAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "core.admin_site.NigraanAdminSite"
