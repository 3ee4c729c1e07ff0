"""manage.py calibrate_matcher: fit the matcher's numbers on labelled pairs and propose them."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compliance.screening import calibration, renderings, selectors
from compliance.screening.matcher_config import MatcherConfig
from compliance.screening.services.matcher_configs import propose_matcher_config
from core.actors import Actor
from core.errors import DomainError

GENERATED_SEED = 20261204


class Command(BaseCommand):
    help = (
        "Fit the matcher's weights and alert threshold on labelled pairs (officers' decided "
        "hits, plus any labelled CSV, plus optionally generated renderings), print the "
        "precision/recall curve and the operating point, and write the result as a candidate "
        "matcher configuration (activated by a second person)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--csv",
            action="append",
            default=[],
            help="Labelled CSV (query_name, query_dob, query_nationality, kind, listed_name, "
            "listed_aliases, listed_dob, listed_nationality, match). Repeatable.",
        )
        parser.add_argument(
            "--no-decisions", action="store_true", help="Leave officers' decisions out."
        )
        parser.add_argument(
            "--generated",
            type=int,
            default=0,
            help="Add this many generated renderings of a generated list (global names).",
        )
        parser.add_argument(
            "--base",
            choices=("active", "builtin"),
            default="active",
            help="Start from the active configuration, or from the built-in numbers.",
        )
        parser.add_argument("--target-fpr", type=float, default=0.005)
        parser.add_argument("--rounds", type=int, default=2)
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the fit; store no configuration."
        )
        parser.add_argument(
            "--write-json", type=Path, default=None, help="Also write the fit to this JSON file."
        )

    def handle(self, *args, **options):
        pairs = []
        if not options["no_decisions"]:
            decided = selectors.decided_pairs()
            self.stdout.write(f"officers' decisions: {len(decided)} labelled pairs")
            pairs += decided
        for path in options["csv"]:
            try:
                from_csv = calibration.read_labelled_csv(Path(path))
            except (OSError, ValueError) as error:
                raise CommandError(f"{path}: {error}") from None
            self.stdout.write(f"{path}: {len(from_csv)} labelled pairs")
            pairs += from_csv
        if options["generated"]:
            listed = renderings.listed_parties(
                max(200, options["generated"] // 2), seed=GENERATED_SEED, half=0, source="GEN"
            )
            generated = renderings.clean_negatives(
                renderings.labelled_pairs(
                    listed, options["generated"], seed=GENERATED_SEED + 1, half=0
                ),
                listed,
            )
            self.stdout.write(f"generated renderings: {len(generated)} labelled pairs")
            pairs += generated
        positives = sum(p.match for p in pairs)
        if not positives or positives == len(pairs):
            raise CommandError("need labelled pairs of both kinds (matches and non-matches)")
        fitted = calibration.fit(
            pairs,
            base=(
                selectors.active_matcher_config()
                if options["base"] == "active"
                else MatcherConfig()
            ),
            target_fpr=options["target_fpr"],
            rounds=options["rounds"],
            progress=self.stdout.write,
        )
        self.stdout.write(f"\n{len(pairs)} pairs ({positives} matches)")
        calibration.print_curve(fitted.curve, self.stdout.write)
        op = fitted.operating
        self.stdout.write(
            f"operating point: threshold {op.threshold:.2f}, precision {op.precision:.3f}, "
            f"recall {op.recall:.3f}, false-alert rate {op.false_alert_rate:.4f} "
            f"(target {options['target_fpr']})"
        )
        document = {"config": fitted.config.to_dict(), "calibration": fitted.summary()}
        if options["write_json"]:
            options["write_json"].write_text(json.dumps(document, indent=2) + "\n")
            self.stdout.write(f"written to {options['write_json']}")
        if options["dry_run"]:
            return
        try:
            version = propose_matcher_config(
                values=fitted.config.to_dict(),
                actor=Actor.automated("calibrate_matcher command"),
                origin="calibration",
                note=f"fitted on {len(pairs)} labelled pairs",
                calibration=fitted.summary(),
            )
        except DomainError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"candidate matcher configuration v{version.number} written; a second person "
                "activates it (admin: Screening > Matcher configurations)."
            )
        )
