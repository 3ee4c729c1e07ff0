import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.roles import DOMAIN_APPS


class Command(BaseCommand):
    help = (
        "Load the demo: staff users per role, an API key, and each app's sample data "
        "(every app's demo.seed, in dependency order). Safe to run again."
    )

    def handle(self, *args, **options):
        # The demo's staff log in with the passwords printed in the README: never in production.
        if not settings.DEBUG:
            raise CommandError("seed_demo runs only with DEBUG on (it creates demo passwords).")
        from celery import current_app

        # The sample data is built through the real services; their tasks run in-process here
        # so the command returns with every alert, case and filing in place (and the same ones
        # every time), whether or not a worker is running yet.
        eager = current_app.conf.task_always_eager
        current_app.conf.task_always_eager = True
        try:
            self._seed()
        finally:
            current_app.conf.task_always_eager = eager
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

    def _seed(self) -> None:
        for config in apps.get_app_configs():
            if config.label not in DOMAIN_APPS:
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            module.seed(stdout=self.stdout)
