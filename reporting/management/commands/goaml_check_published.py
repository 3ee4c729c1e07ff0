"""Check filings' XML against the goAML schema file the FMU publishes (structure, codes aside).

    manage.py goaml_check_published /path/to/goAMLSchema.xsd [--reference STR-20260318-7K3Q9D ...]

Without ``--reference`` every report that has XML is checked. Exit status 1 when any fails.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from reporting.goaml.published import check_published
from reporting.models import Report


class Command(BaseCommand):
    help = "Validate stored goAML XML against a published goAML XSD (lookup codes aside)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("xsd", help="path of the published goAML XSD")
        parser.add_argument("--reference", action="append", default=[])

    def handle(self, *args, xsd: str, reference: list[str], **options) -> None:
        reports = Report.objects.exclude(xml="").order_by("created_at")
        if reference:
            reports = reports.filter(reference__in=reference)
        failed = 0
        for report in reports.only("reference", "kind", "xml").iterator():
            problems = check_published(report.xml.encode(), xsd)
            status = "ok" if not problems else f"{len(problems)} problem(s)"
            self.stdout.write(f"{report.reference} {report.kind}: {status}")
            for problem in problems:
                self.stdout.write(f"  {problem}")
            failed += bool(problems)
        if failed:
            raise CommandError(f"{failed} report(s) do not follow the published schema")
