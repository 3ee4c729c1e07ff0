import importlib

from django.apps import apps
from django.core.management.base import BaseCommand

from core.roles import DOMAIN_APPS


class Command(BaseCommand):
    help = (
        "Load the demo: staff users per role, an API key, and each app's sample data "
        "(every app's demo.seed, in dependency order). Safe to run again."
    )

    def handle(self, *args, **options):
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
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
