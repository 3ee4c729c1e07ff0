"""Screening benchmark sets beyond the sample: a labelled global-names set written in the real
UN consolidated and OFAC SDN XML structures (names rendered here, never the calibration's half
of the name pools), the precision/recall curve, and the candidate stage's recall on its own.

Imported by `bench/screening.py`; pure engine, no database.
"""

from __future__ import annotations

import random
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from compliance.screening.matcher import Party, Query, ScreeningIndex
from compliance.screening.parsers import parse_ofac_sdn, parse_un
from compliance.screening.renderings import (
    LabelledPair,
    clean_negatives,
    labelled_pairs,
    listed_parties,
)

BENCH_HALF = 1  # calibration draws half 0 of the name pools


CURVE = [round(0.6 + k * 0.02, 2) for k in range(21)]


# --- the lists in their real XML structures ----------------------------------------------------


def _un_xml(parties: Sequence[Party], path: Path) -> None:
    root = etree.Element("CONSOLIDATED_LIST")
    persons, entities = etree.SubElement(root, "INDIVIDUALS"), etree.SubElement(root, "ENTITIES")
    for party in parties:
        is_person = party.kind == "person"
        el = etree.SubElement(
            persons if is_person else entities, "INDIVIDUAL" if is_person else "ENTITY"
        )
        etree.SubElement(el, "DATAID").text = party.ref
        etree.SubElement(el, "REFERENCE_NUMBER").text = party.ref
        etree.SubElement(el, "UN_LIST_TYPE").text = "Al-Qaida"
        words = party.names[0].split()
        parts = (
            [words[0], " ".join(words[1:])] if is_person and len(words) > 1 else [party.names[0]]
        )
        for tag, text in zip(("FIRST_NAME", "SECOND_NAME"), parts, strict=False):
            etree.SubElement(el, tag).text = text
        for original in party.names[1:]:
            etree.SubElement(el, "NAME_ORIGINAL_SCRIPT").text = original
        if is_person:
            for dob in party.dobs:
                item = etree.SubElement(el, "INDIVIDUAL_DATE_OF_BIRTH")
                if len(dob) == 10:
                    etree.SubElement(item, "TYPE_OF_DATE").text = "EXACT"
                    etree.SubElement(item, "DATE").text = dob
                else:
                    etree.SubElement(item, "TYPE_OF_DATE").text = "APPROXIMATELY"
                    etree.SubElement(item, "YEAR").text = dob
            if party.nationalities:
                nationality = etree.SubElement(el, "NATIONALITY")
                for code in party.nationalities:
                    etree.SubElement(nationality, "VALUE").text = code
    etree.ElementTree(root).write(str(path), encoding="utf-8", xml_declaration=True)


def _ofac_xml(parties: Sequence[Party], path: Path) -> None:
    root = etree.Element("sdnList")
    for party in parties:
        el = etree.SubElement(root, "sdnEntry")
        etree.SubElement(el, "uid").text = party.ref
        words = party.names[0].split()
        if party.kind == "person" and len(words) > 1:
            etree.SubElement(el, "firstName").text = " ".join(words[:-1])
            etree.SubElement(el, "lastName").text = words[-1]
        else:
            etree.SubElement(el, "lastName").text = party.names[0]
        etree.SubElement(el, "sdnType").text = "Individual" if party.kind == "person" else "Entity"
        programs = etree.SubElement(el, "programList")
        etree.SubElement(programs, "program").text = "IRAN"
        if party.dobs:
            dobs = etree.SubElement(el, "dateOfBirthList")
            for dob in party.dobs:
                item = etree.SubElement(dobs, "dateOfBirthItem")
                etree.SubElement(item, "dateOfBirth").text = dob
        if party.nationalities:
            nations = etree.SubElement(el, "nationalityList")
            for code in party.nationalities:
                etree.SubElement(etree.SubElement(nations, "nationality"), "country").text = code
    etree.ElementTree(root).write(str(path), encoding="utf-8", xml_declaration=True)


@dataclass
class GlobalSet:
    index: ScreeningIndex
    parties: list[Party]
    pairs: list[LabelledPair]


def global_set(list_size: int = 1500, queries: int = 3000, seed: int = 7_2026) -> GlobalSet:
    """Half the list written as UN XML, half as OFAC SDN XML, read back by the importers'
    parsers (original-script names become aliases), and labelled queries rendered from it."""
    rendered = listed_parties(list_size, seed=seed, half=BENCH_HALF, source="G")
    half = len(rendered) // 2
    with tempfile.TemporaryDirectory() as folder:
        un_path, ofac_path = Path(folder) / "un.xml", Path(folder) / "sdn.xml"
        _un_xml(rendered[:half], un_path)
        _ofac_xml(rendered[half:], ofac_path)
        entries = [*parse_un(un_path), *parse_ofac_sdn(ofac_path)]
    parties = [entry.to_party(key=entry.entry_id) for entry in entries]
    pairs = clean_negatives(
        labelled_pairs(parties, queries, seed=seed + 1, half=BENCH_HALF), parties
    )
    return GlobalSet(ScreeningIndex(parties, freeze=False), parties, pairs)


# --- quality, per variant and as a curve -------------------------------------------------------


@dataclass
class Labelled:
    """Per query: the expected entry's score (positives) or the best score of any entry
    (negatives), from one search at the lowest threshold on the curve."""

    scores: list[tuple[str, bool, float]] = field(default_factory=list)  # (variant, match, score)

    def at(self, threshold: float) -> tuple[float, float, dict[str, tuple[int, int]]]:
        positives = [s for _, y, s in self.scores if y]
        negatives = [s for _, y, s in self.scores if not y]
        recall = sum(s >= threshold for s in positives) / (len(positives) or 1)
        false_alerts = sum(s >= threshold for s in negatives) / (len(negatives) or 1)
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for variant, match, score in self.scores:
            per[variant][0] += (score >= threshold) == match
            per[variant][1] += 1
        return recall, false_alerts, {k: (v[0], v[1]) for k, v in sorted(per.items())}


def label_searches(
    index: ScreeningIndex, queries: Sequence[tuple[str, Query, str | None]]
) -> Labelled:
    """`queries` as (variant, query, expected ref or None)."""
    result = Labelled()
    floor = CURVE[0]
    for variant, query, expected in queries:
        found = index.search(query, threshold=floor, limit=50)
        if expected:
            score = next((m.score for m in found if m.ref == expected), 0.0)
            result.scores.append((variant, True, score))
        else:
            result.scores.append((variant, False, found[0].score if found else 0.0))
    return result


def global_queries(data: GlobalSet) -> list[tuple[str, Query, str | None]]:
    return [(p.variant, p.query, p.party.ref if p.match else None) for p in data.pairs]


def print_quality(title: str, labelled: Labelled, threshold: float) -> None:
    recall, false_alerts, per = labelled.at(threshold)
    print(f"== {title} (threshold {threshold:.2f})")
    print(f"recall               {recall:.3f}")
    print(f"false-alert rate     {false_alerts:.4f}")
    print("per variant type (share answered right: found for hits, silent for non-hits)")
    for variant, (right, total) in per.items():
        print(f"  {variant:<22} {right / total:.3f}  ({right}/{total})")
    print("curve: threshold  recall  false-alert rate")
    for t in CURVE:
        r, f, _ = labelled.at(t)
        mark = "  <- operating" if abs(t - threshold) < 1e-9 else ""
        print(f"       {t:.2f}       {r:.3f}   {f:.4f}{mark}")


# --- the candidate stage on its own ------------------------------------------------------------


def candidate_recall(
    index: ScreeningIndex, pairs: Sequence[LabelledPair], threshold: float
) -> tuple[int, int]:
    """Of the positive pairs that reach `threshold` when scored one to one (no blocking), how
    many the indexed search returns: what blocking and prefix filtering lose, on their own."""
    reachable = found = 0
    for pair in pairs:
        if not pair.match:
            continue
        alone = ScreeningIndex([pair.party], config=index.config, freeze=False)
        if not alone.search(pair.query, threshold=threshold, limit=1):
            continue
        reachable += 1
        # No result limit: on a big list of common names many entries may outscore the one
        # planted, and a top-N cut is not the candidate stage's loss.
        results = index.search(pair.query, threshold=threshold, limit=len(index))
        found += any(m.ref == pair.party.ref for m in results)
    return found, reachable


def planted_pairs(parties: Sequence[Party], count: int, seed: int) -> list[LabelledPair]:
    """Positive renderings of random members of a (big, synthetic) list."""
    rng = random.Random(seed)
    sample = rng.sample(list(parties), min(len(parties), count * 3))
    return [p for p in labelled_pairs(sample, count * 2, seed=seed, half=None) if p.match][:count]
