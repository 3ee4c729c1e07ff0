"""Screening benchmark: match quality per variant type and the precision/recall curve on the
sample with expected answers and on a labelled global-names set written in the UN and OFAC XML
structures (`screening_sets`), the candidate stage's recall on its own, query latency and batch
throughput on a synthetic 50,000-name list, a delta rescreen of 100,000 customers against 100
new list entries, and (with --big-size N, or NIGRAAN_BENCH_MILLION=1 for 1,000,000) a big list:
build time, resident memory, latency and candidate-stage recall.

    .venv/bin/python bench/screening.py [--sample DIR] [--list-size N] [--customers N]
        [--global-size N] [--big-size N]

Everything here runs the pure engine (`compliance.screening`), no database; each figure is a
function so a database-backed variant can reuse the data and the timing.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import screening_sets

from compliance.screening.matcher import Party, Query, ScreeningIndex
from compliance.screening.matcher_config import default_config
from compliance.screening.name_tables import VARIANT_FAMILIES
from compliance.screening.parsers import parse_house_csv

SAMPLE_DIR = Path(os.environ.get("NIGRAAN_SCREENING_SAMPLE", "/work/shared/data/screening"))
SEED = 20240611

# --- quality on the sample ---------------------------------------------------------------------


@dataclass
class Quality:
    threshold: float
    positives: int = 0
    found: int = 0
    negatives: int = 0
    false_alarms: int = 0
    by_variant: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list[str] = field(default_factory=list)
    alarms: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.positives if self.positives else 1.0

    @property
    def false_positive_rate(self) -> float:
        return self.false_alarms / self.negatives if self.negatives else 0.0


def load_sample_index(directory: Path) -> ScreeningIndex:
    entries = parse_house_csv(directory / "watchlist.csv")
    return ScreeningIndex(entry.to_party(key=entry.entry_id) for entry in entries)


def load_sample_queries(directory: Path) -> dict[str, Query]:
    with open(directory / "queries.csv", encoding="utf-8", newline="") as handle:
        return {
            row["ref"]: Query(
                name=row["name"],
                kind=row.get("kind") or "person",
                date_of_birth=row.get("date_of_birth") or None,
                nationality=row.get("nationality") or None,
            )
            for row in csv.DictReader(handle)
        }


def quality(directory: Path = SAMPLE_DIR, threshold: float | None = None) -> Quality:
    """Recall (expected entry among the results) and false-positive rate (any result where none
    is expected), overall and per variant type."""
    index = load_sample_index(directory)
    queries = load_sample_queries(directory)
    threshold = index.config.threshold if threshold is None else threshold
    result = Quality(threshold=threshold)
    with open(directory / "truth.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            query = queries[row["ref"]]
            matches = index.search(query, threshold=threshold)
            expected = row["expected_entry_id"]
            tally = result.by_variant[row["variant_type"]]
            tally[1] += 1
            if expected:
                result.positives += 1
                if any(m.ref == expected for m in matches):
                    result.found += 1
                    tally[0] += 1
                else:
                    result.misses.append(f"{row['ref']} {query.name!r} -> {expected}")
            else:
                result.negatives += 1
                if matches:
                    result.false_alarms += 1
                    result.alarms.append(f"{row['ref']} {query.name!r} -> {matches[0].ref}")
                else:
                    tally[0] += 1
    return result


def sample_queries(directory: Path) -> list[tuple[str, Query, str | None]]:
    queries = load_sample_queries(directory)
    with open(directory / "truth.csv", encoding="utf-8", newline="") as handle:
        return [
            (row["variant_type"], queries[row["ref"]], row["expected_entry_id"] or None)
            for row in csv.DictReader(handle)
        ]


# --- synthetic names ---------------------------------------------------------------------------


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


GIVEN = _words(
    "Ahmad Ali Hassan Hussain Umar Usman Bilal Imran Kamran Asif Tariq Khalid Zahid Shahid "
    "Sajid Majid Wajid Hamid Rashid Nasir Bashir Nazir Qasim Hashim Salman Faisal Adnan Irfan "
    "Naveed Javed Waqar Waseem Nadeem Saleem Kaleem Haroon Yusuf Ibrahim Ismail Ilyas Idrees "
    "Younis Ayub Yaqub Suleman Dawood Musa Isa Zakariya Yahya Ilyas Nawaz Akram Aslam Azam "
    "Afzal Anwar Iqbal Jamil Jalil Karim Latif Farid Habib Aziz Saeed Masood Mahmood Mansoor "
    "Sultan Wali Noor Gul Zaman Shams Raza Abbas Ghani Hakim Sattar Wahab Rauf Ghafoor Qadir "
    "Amir Amin Arif Asad Atif Awais Babar Danish Ehsan Fahad Fawad Ghulam Hamza Haris Junaid "
    "Kashif Mohsin Mubashir Mujahid Mustafa Nabeel Omer Owais Qaiser Rizwan Sabir Sami Sarfraz "
    "Shahzad Shakeel Sohail Talha Tahir Tanveer Usama Zubair Zeeshan Azhar Mudassar Bakhtiar"
)
COMPOUND_FIRST = _words(
    "Zia Fazl Ata Habib Inam Anwar Shams Noor Nasir Jalal Siraj Zaheer Saif Ikram"
)
COMPOUND_SECOND = _words("Haq Rehman Din Islam Amin Zaman Hassan")
SURNAMES = _words(
    "Khan Qureshi Siddiqui Chaudhry Butt Malik Awan Baloch Afridi Khattak Mehsud Wazir Durrani "
    "Haqqani Achakzai Bangash Kashmiri Lashkari Yousafzai Shah Sheikh Syed Javed Iqbal Farooq "
    "Mahmood Zaman Jan Gul Ullah Mughal Rajput Arain Jatt Abbasi Gillani Bukhari Naqvi Rizvi "
    "Jafri Hashmi Kazmi Tirmizi Mirza Baig Lodhi Niazi Marwat Kundi Gandapur Bugti Marri "
    "Mengal Jamali Magsi Rind Leghari Mazari Khosa Dasti Sial Tiwana Noon Wattoo Bhatti Cheema "
    "Gondal Warraich Sandhu Virk Bajwa Ghuman Tarar Janjua Satti Abbasi Kayani Minhas Dogar "
    "Shaikh Memon Soomro Chandio Bhutto Jatoi Talpur Pirzada Ansari Usmani Farooqi Alvi"
)
ENTITY_WORDS = _words(
    "Madina Khair Hidayat Barkat Taqwa Falah Noor Rehmat Sabeel Ittehad Nusrat Ameen Hijaz "
    "Furqan Irshad Tanzeem Khidmat Insaniyat Ummah Akhuwat Raheem Baraka Salaam Hilal Qamar "
    "Sitara Crescent Indus Karakoram Margalla Ravi Chenab Jhelum Khyber Bolan Makran Sindh"
)
ENTITY_FORMS = _words(
    "Traders|Private Limited|Welfare Society|Trust|Foundation|Madrassa|Exchange Company|"
    "Trading Company|Enterprises|International|Brothers|Services",
    "|",
)
NATIONALITIES = _words("PK PK PK PK PK AF AF IQ YE SA AE")


def _person_name(rng: random.Random) -> str:
    parts = []
    roll = rng.random()
    if roll < 0.30:
        parts.append("Muhammad")
    elif roll < 0.38:
        parts.append("Abdul")
    elif roll < 0.42:
        parts.append("Syed")
    if rng.random() < 0.12:
        parts.append(f"{rng.choice(COMPOUND_FIRST)}-ul-{rng.choice(COMPOUND_SECOND)}")
    else:
        parts.append(rng.choice(GIVEN))
    if rng.random() < 0.45:
        parts.append(rng.choice(GIVEN))
    parts.append(rng.choice(SURNAMES))
    return " ".join(parts)


def _entity_name(rng: random.Random) -> str:
    prefix = "Al-" if rng.random() < 0.4 else ""
    return f"{prefix}{rng.choice(ENTITY_WORDS)} {rng.choice(ENTITY_FORMS)}"


def _dob(rng: random.Random) -> tuple[str, ...]:
    year = rng.randint(1945, 2004)
    if rng.random() < 0.2:
        return ()
    if rng.random() < 0.3:
        return (str(year),)
    return (f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",)


def _cnic(rng: random.Random) -> str:
    return f"{rng.randint(10000, 99999)}{rng.randint(0, 9_999_999):07d}{rng.randint(0, 9)}"


def synthetic_parties(count: int, *, seed: int = SEED, source: str = "SYN") -> list[Party]:
    """A list of `count` persons (90 %) and entities built from Pakistani/Arabic name parts."""
    rng = random.Random(seed)
    parties = []
    for number in range(count):
        if rng.random() < 0.9:
            names = [_person_name(rng)]
            if rng.random() < 0.2:
                names.append(_person_name(rng))
            parties.append(
                Party(
                    key=number,
                    ref=f"{source}-{number:06d}",
                    source=source,
                    kind="person",
                    names=tuple(names),
                    dobs=_dob(rng),
                    nationalities=(rng.choice(NATIONALITIES),),
                    id_numbers=(_cnic(rng),) if rng.random() < 0.3 else (),
                )
            )
        else:
            parties.append(
                Party(
                    key=number,
                    ref=f"{source}-{number:06d}",
                    source=source,
                    kind="entity",
                    names=(_entity_name(rng),),
                    nationalities=(rng.choice(NATIONALITIES),),
                )
            )
    return parties


_SPELLINGS: dict[str, list[str]] = {}
for _canonical, _variants in VARIANT_FAMILIES.items():
    _family = [_canonical, *_variants]
    for _spelling in _family:
        _SPELLINGS[_spelling] = [s for s in _family if s != _spelling and len(s) > 2]


def _variant_of(name: str, rng: random.Random) -> str:
    """The name as a customer might write it: a spelling variant, a typo, a title, swapped
    order, an initial, or unchanged."""
    words = name.split()
    roll = rng.random()
    if roll < 0.3:
        swappable = [i for i, w in enumerate(words) if _SPELLINGS.get(w.lower())]
        if swappable:
            i = rng.choice(swappable)
            words[i] = rng.choice(_SPELLINGS[words[i].lower()]).capitalize()
    elif roll < 0.45:
        i = rng.randrange(len(words))
        word = words[i]
        if len(word) > 4:
            k = rng.randrange(1, len(word) - 1)
            words[i] = word[:k] + word[k + 1] + word[k] + word[k + 2 :]
    elif roll < 0.55:
        words.insert(0, rng.choice(["Haji", "Hafiz", "Mr.", "Maulana", "Qari"]))
    elif roll < 0.65:
        words = words[-1:] + words[:-1]
    elif roll < 0.72 and len(words) > 2:
        words[0] = words[0][0] + "."
    return " ".join(words)


def synthetic_queries(parties: Sequence[Party], count: int, *, seed: int = SEED + 1) -> list[Query]:
    """Half variants of listed names (hits), half fresh names from the same parts."""
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        if rng.random() < 0.5:
            party = rng.choice(parties)
            queries.append(
                Query(
                    name=_variant_of(party.names[0], rng),
                    kind=party.kind,
                    date_of_birth=party.dobs[0] if party.dobs and rng.random() < 0.6 else None,
                )
            )
        elif rng.random() < 0.9:
            queries.append(Query(name=_person_name(rng), date_of_birth=(_dob(rng) or (None,))[0]))
        else:
            queries.append(Query(name=_entity_name(rng), kind="entity"))
    return queries


# --- speed -------------------------------------------------------------------------------------


class Clock:
    """Wall time and this thread's CPU time together: on a shared machine the CPU figure is
    the one that says what the code costs; the wall figure is what a caller waited."""

    def __enter__(self) -> Clock:
        self._wall, self._cpu = time.perf_counter(), time.thread_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.thread_time() - self._cpu


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)]


@dataclass
class Latency:
    build: Clock
    p50_ms: tuple[float, float]  # (wall, cpu)
    p99_ms: tuple[float, float]
    mean_ms: tuple[float, float]
    hit_share: float


def latency(index_size: int = 50_000, queries: int = 2_000) -> Latency:
    """Per-query latency against a synthetic list (one worker, warm index)."""
    parties = synthetic_parties(index_size)
    with Clock() as build:
        index = ScreeningIndex(parties)
    batch = synthetic_queries(parties, queries)
    for query in batch[:200]:  # warm the caches as a long-lived worker would be
        index.search(query)
    walls, cpus = [], []
    hits = 0
    for query in batch:
        with Clock() as clock:
            found = index.search(query)
        walls.append(clock.wall * 1000)
        cpus.append(clock.cpu * 1000)
        hits += bool(found)
    return Latency(
        build=build,
        p50_ms=(statistics.median(walls), statistics.median(cpus)),
        p99_ms=(_percentile(walls, 0.99), _percentile(cpus, 0.99)),
        mean_ms=(statistics.fmean(walls), statistics.fmean(cpus)),
        hit_share=hits / len(batch),
    )


def throughput(index_size: int = 50_000, names: int = 5_000) -> tuple[float, float]:
    """Names per second (wall, cpu) screened by `search_many`, batch screening of new names."""
    parties = synthetic_parties(index_size)
    index = ScreeningIndex(parties)
    batch = synthetic_queries(parties, names, seed=SEED + 7)
    with Clock() as clock:
        index.search_many(batch)
    return len(batch) / clock.wall, len(batch) / clock.cpu


@dataclass
class Delta:
    customers: int
    entries: int
    build: Clock
    rescreen: Clock
    hits: int
    planted: int
    planted_found: int


def delta_rescreen(customers: int = 100_000, entries: int = 100) -> Delta:
    """New list entries rescreened against every customer: the index is over the customers and
    each new entry is a query (`Query.from_party`)."""
    rng = random.Random(SEED + 3)
    book = synthetic_parties(customers, seed=SEED + 5, source="customers")
    with Clock() as build:
        index = ScreeningIndex(book)
    new_entries = synthetic_parties(entries, seed=SEED + 9, source="UN")
    # Plant a tenth of the new entries on real customers (variant spellings, same DOB).
    planted = []
    for i in range(0, entries, 10):
        customer = rng.choice([p for p in book[:5000] if p.kind == "person"])
        planted.append((i, customer.key))
        new_entries[i] = Party(
            key=f"new-{i}",
            ref=f"UN-NEW-{i}",
            source="UN",
            kind="person",
            names=(_variant_of(customer.names[0], rng),),
            dobs=customer.dobs,
        )
    with Clock() as rescreen:
        results = index.search_many(Query.from_party(entry) for entry in new_entries)
    found = sum(any(m.party_key == key for m in results[i]) for i, key in planted)
    return Delta(
        customers=customers,
        entries=entries,
        build=build,
        rescreen=rescreen,
        hits=sum(len(r) for r in results),
        planted=len(planted),
        planted_found=found,
    )


# --- report ------------------------------------------------------------------------------------


def report_quality(directory: Path, threshold: float, *, verbose: bool = False) -> Quality:
    print(f"== Quality on {directory} (threshold {threshold:.2f})")
    result = quality(directory, threshold)
    print(f"recall               {result.recall:.3f}  ({result.found}/{result.positives})")
    print(
        f"false-positive rate  {result.false_positive_rate:.3f}  "
        f"({result.false_alarms}/{result.negatives})"
    )
    print("per variant type (share answered right: found for hits, silent for non-hits)")
    for variant, (right, total) in sorted(result.by_variant.items()):
        print(f"  {variant:<16} {right / total:.3f}  ({right}/{total})")
    if verbose:
        for line in result.misses:
            print(f"  missed: {line}")
        for line in result.alarms:
            print(f"  false alarm: {line}")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=Path, default=SAMPLE_DIR)
    parser.add_argument("--threshold", type=float, default=default_config().threshold)
    parser.add_argument("--global-size", type=int, default=1500, help="global list entries")
    parser.add_argument(
        "--big-size",
        type=int,
        default=1_000_000 if os.environ.get("NIGRAAN_BENCH_MILLION") else 0,
        help="names in the big-list run (0 skips it; NIGRAAN_BENCH_MILLION=1 means 1,000,000)",
    )
    parser.add_argument("--list-size", type=int, default=50_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--verbose", action="store_true", help="list misses and false alarms")
    args = parser.parse_args(argv)

    if (args.sample / "truth.csv").exists():
        report_quality(args.sample, args.threshold, verbose=args.verbose)
        print()
        screening_sets.print_quality(
            "Curve on the sample",
            screening_sets.label_searches(
                load_sample_index(args.sample), sample_queries(args.sample)
            ),
            args.threshold,
        )
    else:
        print(f"== Quality: no sample with expected answers at {args.sample} (use --sample DIR)")

    print(f"\n== Global names: {args.global_size:,} entries as UN + OFAC XML")
    with Clock() as built:
        data = screening_sets.global_set(args.global_size, queries=2 * args.global_size)
    print(f"built and parsed in {built.wall:.1f} s; {len(data.pairs):,} labelled queries")
    screening_sets.print_quality(
        "Quality on global names",
        screening_sets.label_searches(data.index, screening_sets.global_queries(data)),
        args.threshold,
    )
    found, reachable = screening_sets.candidate_recall(data.index, data.pairs, args.threshold)
    print(
        f"candidate-stage recall {found / (reachable or 1):.4f} ({found}/{reachable} pairs that "
        "score over the threshold one to one are returned by the indexed search)"
    )

    print(f"\n== Latency, synthetic list of {args.list_size:,} names (wall / CPU)")
    timing = latency(args.list_size)
    print(f"index build          {timing.build.wall:.2f} s / {timing.build.cpu:.2f} s")
    print(f"p50                  {timing.p50_ms[0]:.2f} ms / {timing.p50_ms[1]:.2f} ms")
    print(f"p99                  {timing.p99_ms[0]:.2f} ms / {timing.p99_ms[1]:.2f} ms")
    print(
        f"mean                 {timing.mean_ms[0]:.2f} ms / {timing.mean_ms[1]:.2f} ms"
        f"  (queries with a match: {timing.hit_share:.0%})"
    )

    print(f"\n== Batch throughput, synthetic list of {args.list_size:,} names (wall / CPU)")
    wall_rate, cpu_rate = throughput(args.list_size)
    print(f"names/s              {wall_rate:,.0f} / {cpu_rate:,.0f}")

    print(f"\n== Delta rescreen: {args.customers:,} customers x 100 new entries (wall / CPU)")
    delta = delta_rescreen(args.customers)
    print(
        f"index build          {delta.build.wall:.2f} s / {delta.build.cpu:.2f} s (over customers)"
    )
    print(
        f"rescreen             {delta.rescreen.wall:.3f} s / {delta.rescreen.cpu:.3f} s "
        f"({delta.rescreen.cpu / delta.entries * 1000:.2f} ms CPU per entry)"
    )
    print(
        f"matches              {delta.hits} (planted {delta.planted_found}/{delta.planted} found)"
    )
    if args.big_size:
        big_list(args.big_size, args.threshold)
    return 0


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def big_list(size: int, threshold: float, queries: int = 2_000) -> None:
    """Build time, resident memory, latency and candidate-stage recall at `size` names."""
    print(f"\n== Big list: {size:,} synthetic names (wall / CPU)")
    before = _rss_mb()
    parties = synthetic_parties(size, seed=SEED + 11, source="BIG")
    with Clock() as build:
        index = ScreeningIndex(parties)
    print(f"index build          {build.wall:.1f} s / {build.cpu:.1f} s")
    print(f"resident memory      {_rss_mb():,.0f} MB (process; {before:,.0f} MB before the list)")
    batch = synthetic_queries(parties, queries, seed=SEED + 12)
    for query in batch[:200]:
        index.search(query)
    walls, cpus = [], []
    for query in batch:
        with Clock() as clock:
            index.search(query)
        walls.append(clock.wall * 1000)
        cpus.append(clock.cpu * 1000)
    print(
        f"p50                  {statistics.median(walls):.2f} ms / {statistics.median(cpus):.2f} ms"
    )
    print(
        f"p99                  {_percentile(walls, 0.99):.2f} ms / {_percentile(cpus, 0.99):.2f} ms"
    )
    planted = screening_sets.planted_pairs(parties, 300, seed=SEED + 13)
    found, reachable = screening_sets.candidate_recall(index, planted, threshold)
    print(
        f"candidate-stage recall {found / (reachable or 1):.4f} ({found}/{reachable} planted renderings)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
