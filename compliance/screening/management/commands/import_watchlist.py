from django.core.management.base import BaseCommand, CommandError

from compliance.screening.parsers import PARSERS
from compliance.screening.services import import_watchlist
from core.actors import Actor
from core.errors import DomainError, ValidationFailed


class Command(BaseCommand):
    help = (
        "Import a watchlist file as a new version of its list: the delta (added, changed, "
        "removed entries) is recorded, hits on removed entries are closed, and customers are "
        "rescreened against what was added or changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", required=True, choices=sorted(PARSERS))
        parser.add_argument("file", help="Path of the list file.")
        parser.add_argument(
            "--list",
            dest="list_code",
            default=None,
            help="Code of the list to import into (default: UN, OFAC, NACTA-..., HOUSE).",
        )
        parser.add_argument(
            "--no-rescreen", action="store_true", help="Import only; do not rescreen customers."
        )
        parser.add_argument(
            "--allow-mass-removal",
            action="store_true",
            help="Apply the file even if it removes more than half of the list.",
        )

    def handle(self, *args, **options):
        try:
            result = import_watchlist(
                source=options["source"],
                file=options["file"],
                actor=Actor.automated("import_watchlist command"),
                list_code=options["list_code"],
                rescreen=not options["no_rescreen"],
                allow_mass_removal=options["allow_mass_removal"],
            )
        except FileNotFoundError as error:
            raise CommandError(f"no such file: {options['file']}") from error
        except ValidationFailed as error:
            raise CommandError("; ".join(" ".join(m) for m in error.errors.values())) from error
        except DomainError as error:
            raise CommandError(error.detail) from error
        version = result.version
        self.stdout.write(
            f"{version.watchlist.code} version {version.number}: "
            f"{version.added} added, {version.changed} changed, {version.removed} removed; "
            f"{version.entries_total} active entries"
            + (f"; {result.hits_closed} hit(s) closed" if result.hits_closed else "")
        )
        version.refresh_from_db()
        if version.rescreen_finished_at:
            self.stdout.write(
                f"Rescreened {version.rescreen_subjects} customer names and wallets against "
                f"{version.rescreen_entries} new or changed entries: "
                f"{version.rescreen_hits} new hit(s)."
            )
