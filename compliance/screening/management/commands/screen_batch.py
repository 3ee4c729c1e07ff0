import csv
from itertools import islice

from django.core.management.base import BaseCommand, CommandError

from compliance.screening import index
from compliance.screening.matcher import Query
from core import spreadsheets

INPUT_COLUMNS = ("ref", "name", "date_of_birth", "nationality", "kind")
OUTPUT_COLUMNS = ("ref", "entry_id", "list", "matched_name", "score")
CHUNK = 1000


class Command(BaseCommand):
    help = (
        "Screen a CSV of names (ref,name,date_of_birth,nationality,kind) against the active "
        "lists; write ref,entry_id,list,matched_name,score, one row per match, best first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "input", help="CSV with a header ref,name,date_of_birth,nationality,kind"
        )
        parser.add_argument("--output", required=True, help="Where to write the results CSV.")
        parser.add_argument(
            "--threshold", type=float, default=None, help="Score cut-off (default: the setting)."
        )

    def handle(self, *args, **options):
        threshold = options["threshold"]
        if threshold is not None and not 0 < threshold <= 1:
            raise CommandError("--threshold must be in (0, 1]")
        try:
            source = open(options["input"], encoding="utf-8-sig", newline="")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"cannot read {options['input']}: {error}") from error
        screened = matched = 0
        with source, open(options["output"], "w", encoding="utf-8", newline="") as target:
            reader = csv.DictReader(source)
            missing = [c for c in ("ref", "name") if c not in (reader.fieldnames or [])]
            if missing:
                raise CommandError(
                    f"{options['input']}: header must be {','.join(INPUT_COLUMNS)} "
                    f"(missing {', '.join(missing)})"
                )
            writer = spreadsheets.writer(target)
            writer.writerow(OUTPUT_COLUMNS)
            rows = iter(reader)
            while chunk := list(islice(rows, CHUNK)):
                queries = [self._query(row) for row in chunk]
                wanted = [(row, q) for row, q in zip(chunk, queries) if q is not None]
                results = index.search_names([q for _, q in wanted], threshold=threshold)
                for (row, _), matches in zip(wanted, results):
                    screened += 1
                    matched += bool(matches)
                    for m in matches:
                        writer.writerow(
                            [row["ref"], m.ref, m.source, m.matched_name, f"{m.score:.4f}"]
                        )
        self.stdout.write(f"Screened {screened} name(s); {matched} with at least one match.")

    def _query(self, row: dict) -> Query | None:
        name = (row.get("name") or "").strip()
        kind = (row.get("kind") or "").strip().lower() or None
        if not name:
            self.stderr.write(f"ref {row.get('ref')}: no name, skipped")
            return None
        if kind not in (None, "person", "entity"):
            self.stderr.write(f"ref {row.get('ref')}: kind must be person or entity, skipped")
            return None
        return Query(
            name=name,
            kind=kind,
            date_of_birth=(row.get("date_of_birth") or "").strip() or None,
            nationality=(row.get("nationality") or "").strip() or None,
        )
