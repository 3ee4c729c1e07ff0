"""manage.py calibrate_matcher: labelled pairs (officers' decisions, a CSV, generated renderings)
-> the precision/recall curve, the operating point and a candidate configuration."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from compliance.screening import calibration, renderings
from compliance.screening.matcher_config import MatcherConfig
from compliance.screening.models import MatcherConfiguration

pytestmark = pytest.mark.django_db

HEADER = (
    "query_name,query_dob,query_nationality,kind,"
    "listed_name,listed_aliases,listed_dob,listed_nationality,match\n"
)
CSV = (
    HEADER
    + """Mohd Tahir Anwar,1971-03-05,PK,person,Muhammad Tahir Anwar,,1971-03-05,PK,1
Tahir Anwar,,,person,Muhammad Tahir Anwar,,1971,PK,1
Muhammad Tahir Anwar,1985-11-02,,person,Muhammad Tahir Anwar,,1971-03-05,PK,0
Tahir Mehsud,,,person,Muhammad Tahir Anwar,,,,0
Crescent Trdg Co,,,entity,Crescent Trading Company,,,,1
Horizon Trading Company,,,entity,Crescent Trading Company,,,,0
"""
)


def test_the_command_prints_the_curve_and_writes_a_candidate(tmp_path):
    path = tmp_path / "labelled.csv"
    path.write_text(CSV)
    out = io.StringIO()
    call_command(
        "calibrate_matcher", "--csv", str(path), "--generated", "120", "--rounds", "1", stdout=out
    )
    text = out.getvalue()
    assert "threshold  precision  recall  false-alert rate" in text
    assert "operating point: threshold" in text
    candidate = MatcherConfiguration.objects.get(origin="calibration")
    assert not candidate.is_active  # a second person activates it
    assert 6 < candidate.calibration["pairs"] <= 6 + 120  # generated non-clean negatives dropped
    assert (
        MatcherConfig.from_dict(candidate.values).threshold
        == (candidate.calibration["operating_point"]["threshold"])
    )


def test_a_bad_csv_is_refused_with_its_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("query_name,match\nTahir,1\n")
    with pytest.raises(CommandError, match="line 2"):
        call_command("calibrate_matcher", "--csv", str(path), "--no-decisions", "--dry-run")


def test_pairs_of_one_kind_only_are_refused():
    with pytest.raises(CommandError, match="both kinds"):
        call_command("calibrate_matcher", "--no-decisions", "--dry-run")


def test_the_operating_point_is_the_most_recall_within_the_target_at_the_plateaus_end():
    # 100 matches: 98 score 0.95, 1 scores 0.85, 1 scores 0.7; 100 non-matches: 1 scores 0.8.
    scores = [0.95] * 98 + [0.85, 0.7] + [0.8] + [0.3] * 99
    labels = [True] * 100 + [False] * 100
    points = calibration.curve(scores, labels)
    chosen = calibration.operating_point(points, target_fpr=0.0)
    assert chosen.false_alert_rate == 0.0
    assert chosen.recall == 0.99  # the 0.85 match kept, the 0.8 non-match left out
    assert chosen.threshold == 0.85  # the far end of the plateau from 0.81 to 0.85


def test_generated_pairs_score_high_for_matches_and_low_for_clean_names():
    parties = renderings.listed_parties(60, seed=3, half=0, source="T")
    pairs = renderings.clean_negatives(
        renderings.labelled_pairs(parties, 120, seed=4, half=0), parties
    )
    scores = calibration.score_pairs(pairs, MatcherConfig())
    matched = [s for s, p in zip(scores, pairs, strict=True) if p.match]
    clean = [s for s, p in zip(scores, pairs, strict=True) if not p.match]
    assert sum(matched) / len(matched) > 0.9 > sum(clean) / len(clean)
