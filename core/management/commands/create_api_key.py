from django.core.management.base import BaseCommand, CommandError

from core.actors import Actor
from core.api_keys import create_api_key
from core.errors import DomainError
from core.models import ApiKey


class Command(BaseCommand):
    help = "Create an API key for a system; prints the key once, alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--scopes",
            nargs="+",
            default=["*"],
            help=(
                f"Scopes: {' '.join(ApiKey.SCOPES)}, a prefix such as customers, or * (the "
                "default: every scope except reports:read, which is only granted by name)"
            ),
        )

    def handle(self, *args, name, scopes, **options):
        try:
            api_key, plaintext = create_api_key(
                name=name, scopes=scopes, actor=Actor.automated("manage.py")
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(f"API key {api_key.name!r} created with scopes {' '.join(scopes)}.")
        self.stderr.write("Store it now: only its hash is kept.")
        self.stdout.write(plaintext)
