from django.core.management.base import BaseCommand, CommandError

from core.audit import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain and report the first broken link."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.intact:
            self.stdout.write(f"Audit chain intact: {report.checked} events verified.")
            return
        raise CommandError(
            f"Audit chain broken at event #{report.first_broken_id}: {report.problem} "
            f"({report.checked} events before it verified)."
        )
