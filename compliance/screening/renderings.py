"""Labelled name pairs rendered from listed names: how a customer or a counterparty writes a
listed person or entity (positives, by variant type) and look-alikes that are someone else
(negatives). Plain Python, deterministic for a seed.

Used by `calibration` to fit the shipped matcher configuration and by `bench/screening.py` to
measure it; the two draw disjoint halves of the name pools (`half=0` / `half=1`), so the
benchmark never scores names the calibration saw. The renderings are generic rules of how names
are written (vowel and consonant transliteration, keyboard slips, initials, particles, titles,
scripts), not copies of any list's rows.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from compliance.screening.matcher import Party, Query


def _words(text: str) -> list[str]:
    return text.split()


# Name pools per culture: (Latin, original script or "").
# fmt: off
ARAB_GIVEN = _words(
    "Muhammad Ahmad Ali Hassan Hussein Omar Khalid Tariq Yusuf Ibrahim Ismail Mustafa Abdullah "
    "Hamza Bilal Saad Faisal Nasser Salim Karim Rashid Majid Walid Jamal Adel Samir Hisham Nabil "
    "Ziad Fadi Usama Anas Marwan Mahmoud Hamid Jaber Sami Qasim Harith Yahya Zakariya Idris"
)
ARAB_FAMILY = _words(
    "Hashimi Tamimi Qahtani Shammari Dosari Harbi Otaibi Zahrani Ghamdi Mutairi Anazi Juburi "
    "Dulaimi Obeidi Janabi Masri Baghdadi Rifai Zawahiri Qurashi Kuwaiti Yemeni Hadrami Shehri "
    "Tikriti Anbari Halabi Dimashqi Basri Mosuli Najdi Hijazi Maqdisi Tunisi Jazairi Libi Sudani "
    "Urduni Filastini Shami Iraqi Falluji Ramadi Samarrai Kirkuki Hamawi Homsi Idlibi Raqqawi "
    "Zarqawi Maghribi Misrati Benghazi Tabuki Qassimi Jizani Ahsai Qatifi Bahraini Omani Sanani "
    "Adeni Taizi Hudaydi Azdi Kindi Tayyi Asiri Balawi Juhani Subaie Ruwaili Hazmi Sulami"
)
PERSIAN_GIVEN = _words(
    "Reza Mohsen Hossein Mehdi Ali Akbar Hassan Javad Saeed Majid Hamid Farhad Kourosh Dariush "
    "Behrouz Ahmad Mahmoud Abbas Gholam Morteza Mostafa Nasser Rostam Siavash Babak Parviz"
)
PERSIAN_FAMILY = _words(
    "Hosseini Rezaei Mohammadi Ahmadi Karimi Moradi Jafari Rahimi Kazemi Ghasemi Soleimani "
    "Rostami Sadeghi Hashemi Tehrani Shirazi Esfahani Mousavi Najafi Bagheri Zarif Larijani"
) + [
    root + suffix
    for root in _words(
        "Hossein Karim Jafar Kazem Ghasem Rahim Sadegh Bagher Amir Nasr Akbar Abbas Morad Nour "
        "Bahram Golzar Sharif Zand Kamal Jamal Khosrow Farhad Dehghan Tavakol Yazdan Ashraf"
    )
    for suffix in ("zadeh", "pour", "nejad", "ian", "far", "abadi")
]
PAK_GIVEN = _words(
    "Muhammad Ahmad Ali Usman Bilal Imran Kamran Asif Tariq Khalid Zahid Sajid Naveed Javed "
    "Waqar Nadeem Haroon Ilyas Younis Ayub Nawaz Akram Aslam Afzal Anwar Iqbal Jamil Latif Habib "
    "Aziz Saeed Masood Mahmood Mansoor Sultan Wali Noor Gul Zaman Shams Raza Abbas Ghani Rauf"
)
PAK_FAMILY = _words(
    "Khan Qureshi Siddiqui Chaudhry Butt Malik Awan Baloch Afridi Khattak Mehsud Wazir Durrani "
    "Haqqani Achakzai Bangash Kashmiri Yousafzai Shah Sheikh Mughal Rajput Abbasi Gillani Bukhari "
    "Naqvi Rizvi Hashmi Kazmi Mirza Baig Lodhi Niazi Marwat Bugti Marri Mengal Jamali Leghari "
    "Mazari Khosa Dasti Sial Tiwana Wattoo Bhatti Cheema Gondal Warraich Sandhu Virk Bajwa Ghuman "
    "Tarar Janjua Satti Kayani Minhas Dogar Memon Soomro Chandio Bhutto Jatoi Talpur Pirzada "
    "Ansari Usmani Farooqi Alvi Kundi Gandapur Orakzai Mohmand Shinwari Kakar Tareen Jadoon Swati"
)
RUSSIAN = (
    ("Aleksandr", "Александр"), ("Dmitry", "Дмитрий"), ("Sergey", "Сергей"), ("Andrey", "Андрей"),
    ("Vladimir", "Владимир"), ("Igor", "Игорь"), ("Oleg", "Олег"), ("Nikolai", "Николай"),
    ("Viktor", "Виктор"), ("Yuri", "Юрий"), ("Mikhail", "Михаил"), ("Pavel", "Павел"),
    ("Konstantin", "Константин"), ("Roman", "Роман"), ("Boris", "Борис"), ("Gennady", "Геннадий"),
)
RUSSIAN_FAMILY = (
    ("Ivanov", "Иванов"), ("Petrov", "Петров"), ("Sokolov", "Соколов"), ("Volkov", "Волков"),
    ("Morozov", "Морозов"), ("Lebedev", "Лебедев"), ("Kozlov", "Козлов"), ("Novikov", "Новиков"),
    ("Orlov", "Орлов"), ("Zaitsev", "Зайцев"), ("Pavlov", "Павлов"), ("Semenov", "Семенов"),
    ("Golubev", "Голубев"), ("Vinogradov", "Виноградов"), ("Bogdanov", "Богданов"),
    ("Fedorov", "Федоров"),
)
CHINESE = (
    ("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"), ("Yang", "杨"),
    ("Zhao", "赵"), ("Huang", "黄"), ("Zhou", "周"), ("Wu", "吴"), ("Xu", "徐"), ("Sun", "孙"),
)
CHINESE_GIVEN = (
    ("Wei", "伟"), ("Fang", "芳"), ("Min", "敏"), ("Jing", "静"), ("Qiang", "强"), ("Lei", "磊"),
    ("Jun", "军"), ("Yong", "勇"), ("Jie", "杰"), ("Tao", "涛"), ("Ming", "明"), ("Chao", "超"),
    ("Hua", "华"), ("Ping", "平"), ("Gang", "刚"), ("Hong", "红"),
)
ENTITY_WORDS = _words(
    "Crescent Golden Falcon Horizon Pearl Orient Caspian Zagros Alborz Persian Gulf Noor Barakat "
    "Salam Hilal Karavan Simorgh Arya Pars Tabriz Khyber Indus Margalla Sapphire Emerald Atlas "
    "Phoenix Meridian Sunrise Silverline Eastern Northern Continental Summit Vertex Delta Titan"
)
ENTITY_TRADES = _words("Trading Shipping Petrochemical Exchange Logistics Industrial Engineering")
ENTITY_FORMS = (
    ("Company Limited", "Co. Ltd"), ("Private Limited", "(Pvt) Ltd"), ("Company", "Co."),
    ("Limited", "Ltd"), ("Corporation", "Corp."), ("Incorporated", "Inc."),
    ("International", "Intl"), ("Trading Company", "Trdg Co"),
)
HONORIFICS = ("Haji", "Hafiz", "Mr.", "Maulana", "Sheikh", "Dr.", "Mullah", "Qari", "Mufti")
NATIONS = {"arab": "IQ SY YE SA LB", "persian": "IR", "pak": "PK AF", "ru": "RU", "cn": "CN"}

# Generic transliteration swaps: vowel and consonant renderings that vary between romanizations.
TRANSLIT = (
    ("ou", "u"), ("u", "ou"), ("ee", "i"), ("i", "ee"), ("oo", "u"), ("u", "oo"), ("e", "i"),
    ("i", "e"), ("o", "u"), ("u", "o"), ("a", "e"), ("q", "k"), ("k", "q"), ("kh", "h"),
    ("y", "i"), ("ei", "ay"), ("dh", "z"), ("th", "s"), ("j", "dj"), ("ss", "s"), ("s", "ss"),
    ("ai", "ay"), ("iy", "i"), ("sh", "ch"), ("v", "w"), ("w", "v"), ("ks", "x"),
)
KEYBOARD = {
    "a": "sq", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o", "q": "w",
    "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc", "y": "tu",
    "z": "x",
}
POSITIVE_TYPES = (
    "exact", "spelling", "typo", "two_typos", "drop_middle", "add_middle", "initial", "order",
    "particle", "title", "script", "entity_form", "case_punct",
)
NEGATIVE_TYPES = (
    "same_given", "same_surname", "unrelated", "dob_conflict", "nationality_conflict",
    "other_entity",
)
# fmt: on
EVIDENCE_NEGATIVES = ("dob_conflict", "nationality_conflict")


@dataclass(frozen=True)
class LabelledPair:
    query: Query
    party: Party
    match: bool
    variant: str


def _half(pool: Sequence, half: int | None) -> Sequence:
    return pool if half is None else pool[half::2]


def _dob(rng: random.Random) -> tuple[str, ...]:
    if rng.random() < 0.25:
        return ()
    year = rng.randint(1945, 2000)
    if rng.random() < 0.3:
        return (str(year),)
    return (f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",)


class NameFactory:
    """Persons and entities of several cultures, from one half of the pools."""

    def __init__(self, rng: random.Random, half: int | None = None) -> None:
        self.rng = rng
        self.half = half

    def pick(self, pool: Sequence):
        return self.rng.choice(_half(pool, self.half))

    def person(self) -> tuple[str, str, tuple[str, ...], str]:
        """(culture, Latin name, original-script names, nationality)."""
        rng = self.rng
        culture = rng.choices(["arab", "persian", "pak", "ru", "cn"], [4, 3, 4, 1, 1])[0]
        original: tuple[str, ...] = ()
        if culture == "arab":
            words = [self.pick(ARAB_GIVEN), self.pick(ARAB_GIVEN)]
            if rng.random() < 0.4:
                words.append(self.pick(ARAB_GIVEN))
            words.append(("al-" if rng.random() < 0.6 else "") + self.pick(ARAB_FAMILY))
        elif culture == "persian":
            words = [self.pick(PERSIAN_GIVEN)]
            if rng.random() < 0.4:
                words.append(self.pick(PERSIAN_GIVEN))
            words.append(self.pick(PERSIAN_FAMILY))
        elif culture == "pak":
            words = ["Muhammad"] if rng.random() < 0.3 else []
            words += [self.pick(PAK_GIVEN)]
            if rng.random() < 0.5:
                words.append(self.pick(PAK_GIVEN))
            words.append(self.pick(PAK_FAMILY))
        elif culture == "ru":
            given, father, family = (
                self.pick(RUSSIAN),
                self.pick(RUSSIAN),
                self.pick(RUSSIAN_FAMILY),
            )
            patronymic = (father[0] + "ovich", father[1] + "ович")
            words = [given[0], patronymic[0], family[0]]
            original = (f"{given[1]} {patronymic[1]} {family[1]}",)
        else:
            family, g1, g2 = self.pick(CHINESE), self.pick(CHINESE_GIVEN), self.pick(CHINESE_GIVEN)
            words = [family[0], g1[0] + g2[0].lower()]
            original = (family[1] + g1[1] + g2[1],)
        nation = rng.choice(NATIONS[culture].split())
        return culture, " ".join(words), original, nation

    def entity(self) -> str:
        rng = self.rng
        words = [self.pick(ENTITY_WORDS)]
        if rng.random() < 0.5:
            words.append(self.pick(ENTITY_WORDS))
        if rng.random() < 0.6:
            words.append(rng.choice(ENTITY_TRADES))
        words.append(rng.choice(ENTITY_FORMS)[0])
        return " ".join(words)


def listed_parties(count: int, *, seed: int, half: int | None, source: str) -> list[Party]:
    rng = random.Random(seed)
    factory = NameFactory(rng, half)
    parties = []
    for number in range(count):
        ref = f"{source}-{number:05d}"
        if rng.random() < 0.8:
            _culture, name, original, nation = factory.person()
            parties.append(
                Party(
                    key=ref,
                    ref=ref,
                    source=source,
                    kind="person",
                    names=(name, *original),
                    dobs=_dob(rng),
                    nationalities=(nation,) if rng.random() < 0.8 else (),
                )
            )
        else:
            nation = rng.choice(["IR", "PK", "AE", "SY", "RU", "CN"])
            parties.append(
                Party(
                    key=ref,
                    ref=ref,
                    source=source,
                    kind="entity",
                    names=(factory.entity(),),
                    nationalities=(nation,),
                )
            )
    return parties


# --- renderers -------------------------------------------------------------------------------


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    k = rng.randrange(1, len(word))
    roll = rng.random()
    low = word[k].lower()
    if roll < 0.3 and k < len(word) - 1:
        return word[:k] + word[k + 1] + word[k] + word[k + 2 :]  # swap
    if roll < 0.55:
        return word[:k] + word[k + 1 :]  # drop
    if roll < 0.8 and low in KEYBOARD:
        return word[:k] + rng.choice(KEYBOARD[low]) + word[k + 1 :]  # neighbouring key
    return word[:k] + word[k] + word[k:]  # double


def _translit(word: str, rng: random.Random) -> str:
    options = [(a, b) for a, b in TRANSLIT if a in word[1:].lower()]
    if not options:
        return word
    a, b = rng.choice(options)
    head, tail = word[0], word[1:]
    return head + tail.replace(a, b, 1)


def _longest(words: list[str]) -> int:
    return max(range(len(words)), key=lambda i: len(words[i]))


def render(party: Party, variant: str, rng: random.Random) -> str | None:
    """The listed primary name as written in `variant`, or None if it does not apply."""
    name = party.names[0]
    words = name.split()
    entity = party.kind == "entity"
    if variant == "exact":
        return name
    if variant == "case_punct":
        return rng.choice(
            [name.upper(), name.lower(), ", ".join([words[-1], " ".join(words[:-1])])]
        )
    if variant == "spelling":
        i = rng.randrange(len(words))
        changed = _translit(words[i], rng)
        words[i] = changed
        return " ".join(words) if changed != name.split()[i] else None
    if variant == "typo":
        i = _longest(words)
        words[i] = _typo(words[i], rng)
        return " ".join(words)
    if variant == "two_typos":
        i = _longest(words)
        if len(words[i]) >= 7:
            words[i] = _typo(_typo(words[i], rng), rng)
        else:
            j = rng.choice([k for k in range(len(words)) if k != i] or [i])
            words[i], words[j] = _typo(words[i], rng), _typo(words[j], rng)
        return " ".join(words)
    if entity and variant == "entity_form":
        for full, short in ENTITY_FORMS:
            if name.endswith(full):
                return name[: -len(full)] + short
        return None
    if entity:
        return None
    if variant == "drop_middle" and len(words) >= 3:
        del words[rng.randrange(1, len(words) - 1)]
        return " ".join(words)
    if variant == "add_middle":
        words.insert(1, rng.choice(["Ali", "Ahmad", "Muhammad", "Hassan", "Reza", "Sergeyevich"]))
        return " ".join(words)
    if variant == "initial" and len(words) >= 3:
        i = rng.randrange(0, len(words) - 1)
        words[i] = words[i][0] + "."
        return " ".join(words)
    if variant == "order":
        return " ".join([words[-1], *words[:-1]])
    if variant == "particle":
        for a, b in (("al-", "el-"), ("al-", "Al "), ("al-", "")):
            if any(w.startswith(a) for w in words):
                return " ".join(b + w[len(a) :] if w.startswith(a) else w for w in words)
        if words[0] in ("Muhammad", "Abdullah") and len(words) >= 3:
            return " ".join([words[0], "bin", *words[1:]])
        return None
    if variant == "title":
        return f"{rng.choice(HONORIFICS)} {name}"
    if variant == "script" and len(party.names) > 1:
        return party.names[1]
    return None


def _query(party: Party, name: str, rng: random.Random, *, with_facts: float = 0.5) -> Query:
    """A query with the party's own date of birth and nationality, each given half the time."""
    dob = party.dobs[0] if party.dobs and rng.random() < with_facts else None
    nation = party.nationalities[0] if party.nationalities and rng.random() < with_facts else None
    return Query(name=name, kind=party.kind, date_of_birth=dob, nationality=nation)


def _other_dob(dobs: tuple[str, ...], rng: random.Random) -> str:
    """Another person's birth date: years apart, or (for a full listed date) the same year."""
    year = int(dobs[0][:4]) if dobs else rng.randint(1950, 1995)
    full = dobs and len(dobs[0]) == 10
    if full and rng.random() < 0.4:  # another birthday in the same year
        month, day = int(dobs[0][5:7]), int(dobs[0][8:10])
        other_month = rng.choice([m for m in range(1, 13) if abs(m - month) > 1])
        other_day = rng.choice([d for d in range(1, 29) if abs(d - day) > 1 and d != month])
        return f"{year}-{other_month:02d}-{other_day:02d}"
    shift = rng.choice([-9, -6, -4, -3, 3, 5, 7, 11])
    return f"{year + shift}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def negative(party: Party, variant: str, factory: NameFactory, rng: random.Random) -> Query | None:
    words = party.names[0].split()
    if party.kind == "entity":
        if variant != "other_entity":
            return None
        other = factory.pick(ENTITY_WORDS)
        if other in words:
            return None
        return Query(name=" ".join([other, *words[1:]]), kind="entity")
    if variant == "other_entity":
        return None
    _, fresh, _, nation = factory.person()
    fresh_words = fresh.split()
    if variant == "same_given":
        name = " ".join([*words[:-1], fresh_words[-1]])
    elif variant == "same_surname":
        name = " ".join([*fresh_words[:-1], words[-1]])
    elif variant == "unrelated":
        name = fresh
    elif variant == "dob_conflict":
        if not party.dobs:
            return None  # nothing listed to conflict with
        return Query(name=party.names[0], date_of_birth=_other_dob(party.dobs, rng))
    elif variant == "nationality_conflict":
        if not party.nationalities or nation in party.nationalities:
            return None
        return Query(name=party.names[0], nationality=nation)
    else:
        return None
    if _bare(name) == _bare(party.names[0]):
        return None
    dob = _dob(rng) if rng.random() < 0.5 else ()
    return Query(name=name, date_of_birth=dob[0] if dob else None)


def _bare(name: str) -> str:
    return " ".join(w.removeprefix("al-") for w in name.casefold().split())


def labelled_pairs(
    parties: Sequence[Party], count: int, *, seed: int, half: int | None
) -> list[LabelledPair]:
    """`count` pairs, about two thirds positives spread over the variant types, the rest
    negatives (whose `party` is the listed record they resemble)."""
    rng = random.Random(seed)
    factory = NameFactory(rng, half)
    pairs: list[LabelledPair] = []
    while len(pairs) < count:
        party = rng.choice(parties)
        if rng.random() < 0.6:
            variant = rng.choice(POSITIVE_TYPES)
            name = render(party, variant, rng)
            if name:
                pairs.append(LabelledPair(_query(party, name, rng), party, True, variant))
        else:
            variant = rng.choice(NEGATIVE_TYPES)
            query = negative(party, variant, factory, rng)
            if query is not None:
                pairs.append(LabelledPair(query, party, False, variant))
    return pairs


_GENERIC = frozenset(
    _words(
        "trading shipping petrochemical exchange logistics industrial engineering company "
        "limited private corporation incorporated international trdg co ltd pvt corp inc intl"
    )
)


def _shapes(name: str, kind: str | None) -> set[tuple]:
    """Keys under which a name meets its own renderings (see `clean_negatives`)."""
    words = [w.strip(".,()") for w in _bare(name).replace("-", " ").split()]
    words = [w for w in words if w]
    if kind == "entity":
        core = frozenset(w for w in words if w not in _GENERIC)
        return {("e", core), *(("e", core - {w}) for w in core if len(core) > 1)}
    keys: set[tuple] = {("p", frozenset(words))}
    if len(words) >= 2:
        keys.add(("p-ends", words[0], words[-1]))
    return keys


def _renderings_of_listed(parties: Sequence[Party]) -> dict[tuple, set[str]]:
    """Shape key -> refs of the listed parties bearing a name of that shape."""
    owners: dict[tuple, set[str]] = defaultdict(set)
    for party in parties:
        for name in party.names:
            for shape in _shapes(name, party.kind):
                owners[shape].add(party.ref)
    return owners


def _clean(pair: LabelledPair, owners: dict[tuple, set[str]]) -> bool:
    """No listed party (other than the pair's own, for an evidence negative: there the name is
    meant to be the listed one) bears a rendering of the query's name."""
    allowed = {pair.party.ref} if pair.variant in EVIDENCE_NEGATIVES else set()
    return all(
        owners.get(shape, set()) <= allowed for shape in _shapes(pair.query.name, pair.query.kind)
    )


def clean_negatives(pairs: Sequence[LabelledPair], parties: Sequence[Party]) -> list[LabelledPair]:
    """The pairs without the negatives that are not clean. The name pools are small, so a
    generated "clean" name is sometimes a rendering of another listed party (the same words,
    or the same first and last words with a middle name more or less; for an entity the same
    distinctive words, one more or less): searched against the whole list it would rightly
    alert. An evidence negative (DOB or nationality conflict) keeps the listed name and is
    dropped only when another listed party bears it."""
    owners = _renderings_of_listed(parties)
    return [p for p in pairs if p.match or _clean(p, owners)]


def without_facts(pair: LabelledPair) -> LabelledPair:
    return replace(pair, query=replace(pair.query, date_of_birth=None, nationality=None))
