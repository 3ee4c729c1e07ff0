"""Fitting the matcher's numbers on labelled pairs. Plain Python, no database.

A labelled pair is a query (name, date of birth, nationality) beside a listed record, with
whether they are the same party: officers' decided hits, a labelled CSV, or renderings
(`renderings.labelled_pairs`). `fit` searches the tunable numbers one at a time over a grid
(coordinate ascent, two rounds) to maximize recall at the target false-alert rate, then picks
the operating threshold on the curve (`operating_point`): the most recall the false-alert target
allows, at the far end of a flat stretch of the curve.

Labelled CSV columns: ``query_name, query_dob, query_nationality, kind, listed_name,
listed_aliases (";"-separated), listed_dob, listed_nationality, match`` (1/0, true/false).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from compliance.screening.matcher import Party, Query, ScreeningIndex
from compliance.screening.matcher_config import BOUNDS, MatcherConfig
from compliance.screening.renderings import LabelledPair

FLOOR = 0.4  # pairs scoring below this count as 0 (far below any sensible threshold)
GRID: dict[str, tuple[float, ...]] = {
    "level_sounds_alike": (0.86, 0.9, 0.92, 0.95),
    "level_near_spelling": (0.8, 0.85, 0.88, 0.92),
    "level_short_near_spelling": (0.72, 0.76, 0.8, 0.85),
    "level_two_edits": (0.7, 0.75, 0.8, 0.85),
    "level_initial": (0.7, 0.75, 0.8, 0.85),
    "unmatched_middle_share": (0.3, 0.4, 0.5, 0.6, 0.8),
    "entity_term_weight": (0.2, 0.3, 0.4, 0.5),
    "dob_conflict_cut": (-0.25, -0.3, -0.4),
    "nationality_conflict_cut": (-0.2, -0.25, -0.3),
    "dob_near_cut": (-0.02, -0.05, -0.1),
}


@dataclass(frozen=True)
class Point:
    threshold: float
    precision: float
    recall: float
    false_alert_rate: float


@dataclass
class Fit:
    config: MatcherConfig
    curve: list[Point]
    operating: Point
    pairs: int
    positives: int
    steps: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "pairs": self.pairs,
            "positives": self.positives,
            "operating_point": self.operating.__dict__,
            "curve": [p.__dict__ for p in self.curve],
            "steps": self.steps,
        }


def score_pairs(pairs: Sequence[LabelledPair], config: MatcherConfig) -> list[float]:
    """Each pair's score under `config`, as screening would see it: a match scores what its
    listed record gets; a non-match scores the best any listed record of the pairs gets (a
    clean name alerting on any entry is a false alert). Below `FLOOR` counts as 0."""
    keyed: dict[int, Party] = {}
    for pair in pairs:
        party = pair.party
        keyed.setdefault(
            id(party),
            Party(
                key=id(party),
                ref=party.ref,
                source=party.source,
                kind=party.kind,
                names=party.names,
                alias_quality=party.alias_quality,
                dobs=party.dobs,
                nationalities=party.nationalities,
                id_numbers=party.id_numbers,
            ),
        )
    index = ScreeningIndex(keyed.values(), config=config, freeze=False)
    scores = []
    for pair in pairs:
        found = index.search(pair.query, threshold=FLOOR, limit=50)
        if pair.match:
            scores.append(next((m.score for m in found if m.party_key == id(pair.party)), 0.0))
        else:
            scores.append(found[0].score if found else 0.0)
    return scores


def curve(scores: Sequence[float], labels: Sequence[bool], steps: int = 41) -> list[Point]:
    positives = sum(labels) or 1
    negatives = (len(labels) - sum(labels)) or 1
    points = []
    for k in range(steps):
        threshold = round(0.6 + k * 0.01, 2)
        tp = sum(1 for s, y in zip(scores, labels, strict=True) if y and s >= threshold)
        fp = sum(1 for s, y in zip(scores, labels, strict=True) if not y and s >= threshold)
        points.append(
            Point(threshold, tp / (tp + fp) if tp + fp else 1.0, tp / positives, fp / negatives)
        )
    return points


RECALL_SLACK = 0.002  # recall given up for margin: one match in 500


def operating_point(points: Sequence[Point], target_fpr: float) -> Point:
    """Within the false-alert target, the highest threshold whose recall is within
    `RECALL_SLACK` of the best: where the curve is flat, the threshold sits at the end of the
    plateau away from the false alerts rather than at its edge."""
    allowed = [p for p in points if p.false_alert_rate <= target_fpr]
    if not allowed:
        return max(points, key=lambda p: (-p.false_alert_rate, p.recall))
    best = max(p.recall for p in allowed)
    return max((p for p in allowed if p.recall >= best - RECALL_SLACK), key=lambda p: p.threshold)


def _objective(point: Point) -> tuple[float, float]:
    return (round(point.recall, 4), -point.false_alert_rate)


def fit(
    pairs: Sequence[LabelledPair],
    *,
    base: MatcherConfig | None = None,
    target_fpr: float = 0.005,
    rounds: int = 2,
    grid: dict[str, tuple[float, ...]] = GRID,
    progress: Callable[[str], None] = lambda line: None,
) -> Fit:
    config = base or MatcherConfig()
    labels = [p.match for p in pairs]

    def evaluate(candidate: MatcherConfig) -> tuple[Point, list[Point]]:
        points = curve(score_pairs(pairs, candidate), labels)
        return operating_point(points, target_fpr), points

    best_point, best_curve = evaluate(config)
    steps = [f"start: recall {best_point.recall:.3f} at {best_point.false_alert_rate:.4f}"]
    progress(steps[-1])
    for round_number in range(rounds):
        improved = False
        for name, values in grid.items():
            low, high = BOUNDS[name]
            for value in values:
                if not low <= value <= high or value == getattr(config, name):
                    continue
                candidate = config.with_values(**{name: value})
                point, points = evaluate(candidate)
                if _objective(point) > _objective(best_point):
                    config, best_point, best_curve, improved = candidate, point, points, True
                    steps.append(
                        f"round {round_number + 1}: {name}={value} -> recall "
                        f"{point.recall:.3f} at {point.false_alert_rate:.4f}"
                    )
                    progress(steps[-1])
        if not improved:
            break
    config = config.with_values(threshold=best_point.threshold)
    return Fit(config, best_curve, best_point, len(pairs), sum(labels), steps)


def _truthy(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "y", "match", "true_match")


def read_labelled_csv(path: Path) -> list[LabelledPair]:
    """Pairs from a labelled CSV (columns in the module docstring); a bad row raises
    ValueError naming its line."""
    pairs = []
    with open(path, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                kind = (row.get("kind") or "person").strip() or "person"
                names = [row["listed_name"].strip()]
                names += [a.strip() for a in (row.get("listed_aliases") or "").split(";")]
                party = Party(
                    key=line,
                    ref=f"csv-{line}",
                    source="CSV",
                    kind=kind,
                    names=tuple(n for n in names if n),
                    dobs=tuple(d for d in [(row.get("listed_dob") or "").strip()] if d),
                    nationalities=tuple(
                        n for n in [(row.get("listed_nationality") or "").strip()] if n
                    ),
                )
                query = Query(
                    name=row["query_name"].strip(),
                    kind=kind,
                    date_of_birth=(row.get("query_dob") or "").strip() or None,
                    nationality=(row.get("query_nationality") or "").strip() or None,
                )
            except KeyError as missing:
                raise ValueError(f"line {line}: column {missing} missing") from None
            if not query.name or not party.names:
                raise ValueError(f"line {line}: query_name and listed_name are required")
            pairs.append(LabelledPair(query, party, _truthy(row.get("match", "")), "csv"))
    return pairs


def print_curve(points: Iterable[Point], write: Callable[[str], None], every: int = 2) -> None:
    write("threshold  precision  recall  false-alert rate")
    for k, p in enumerate(points):
        if k % every == 0:
            write(
                f"  {p.threshold:.2f}     {p.precision:.3f}    {p.recall:.3f}   "
                f"{p.false_alert_rate:.4f}"
            )
