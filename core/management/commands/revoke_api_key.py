from django.core.management.base import BaseCommand, CommandError

from core.actors import Actor
from core.api_keys import revoke_api_key
from core.models import ApiKey


class Command(BaseCommand):
    help = "Revoke an API key by name."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--reason", default="")

    def handle(self, *args, name, reason, **options):
        api_key = ApiKey.objects.filter(name=name).first()
        if api_key is None:
            raise CommandError(f"no API key named {name!r}")
        revoke_api_key(api_key=api_key, actor=Actor.automated("manage.py"), reason=reason)
        self.stdout.write(f"Revoked {name}.")
