"""Name normalization for watchlist screening: plain Python, no database.

`normalize_name(raw, kind="person")` turns a name as typed (Latin or Urdu/Arabic script) into a
`NormalizedName`: canonical tokens in their original order, the surface spelling each token came
from (so a match can say "Mohd->Muhammad"), the relative's name after a relation marker
(s/o, d/o, w/o), and the list of transformations applied, in words an officer can read.

What it does, in order:
1. Other scripts are transliterated to Latin (`transliteration.romanize`): Urdu/Arabic whole
   words from `URDU_WORDS`, other words letter by letter (those tokens are marked *loose*: their
   vowels are guesses); Cyrillic, Greek, Chinese and every other script through `anyascii`.
2. Unicode is folded (NFKD, diacritics dropped, casefold); CamelCase is split ("AlMadinah").
3. A relation marker splits the subject from the relative: "Ahmed Khan s/o Gul Khan".
4. Punctuation and hyphens become spaces; honorifics and titles (`HONORIFICS`) are dropped.
5. Spelling variants map to one canonical form (`VARIANT_FAMILIES`: Mohd/Md./Mohammed ->
   muhammad, Ch. -> chaudhry, Rehman -> rahman ...); a few spellings are ambiguous
   (`AMBIGUOUS_VARIANTS`: "Said" is Syed or Saeed) and keep every reading.
6. Abd- names split into "abdul" + the name ("Abdurrahman", "Abd al-Rahman" -> abdul rahman).
7. Particle compounds join into one token whatever the spelling: Zia-ul-Haq, Zia ul Haq,
   Ziaul Haq, Ziaulhaq and Zia Al Haq all give "ziaulhaq"; "-ullah" is its own token
   (Azharullah = Azhar Ullah).
8. For entities, legal forms and generic words map to one form (Pvt -> private, Soc. -> society,
   Traders -> trading) and the article "al" is dropped.

Tables are module data (`name_tables`, re-exported here); `NameRules` compiles them and
`NameRules.default().extended(...)` adds families, honorifics or weights (for example from
configuration) without editing the tables.
`skeleton()` and `phonetic()` give the keys the matcher blocks and compares on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from compliance.screening.matcher_config import MatcherConfig, default_config
from compliance.screening.name_tables import (
    ABD_FORMS,
    AMBIGUOUS_VARIANTS,
    ARTICLES,
    CONNECTORS,
    DISTINCT_NAMES,
    ENTITY_STOPWORDS,
    ENTITY_TERM_WEIGHT,
    ENTITY_TERMS,
    GLUED_SECOND_ELEMENTS,
    HONORIFICS,
    IZAFAT,
    RELATION_MARKERS,
    SECOND_ELEMENTS,
    STANDALONE_NAMES,
    U_PARTICLES,
    VARIANT_FAMILIES,
    WEAK_TOKENS,
)
from compliance.screening.transliteration import romanize
from compliance.screening.urdu import URDU_LETTERS, URDU_WORDS

# --- compiled rules -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class NameRules:
    """Compiled lookup tables; build once, share between threads (read-only)."""

    variants: dict[str, str]
    ambiguous: dict[str, tuple[str, ...]]
    honorifics: frozenset[str]
    weak: dict[str, float]
    second_elements: frozenset[str]
    entity_terms: dict[str, str]
    entity_term_weight: float = ENTITY_TERM_WEIGHT
    distinct: frozenset[frozenset[str]] = frozenset(frozenset(p) for p in DISTINCT_NAMES)
    glued_second_elements: frozenset[str] = GLUED_SECOND_ELEMENTS
    # The numbers names are scored with (levels, evidence effects, threshold).
    config: MatcherConfig = field(default_factory=default_config)
    _compound_re: re.Pattern[str] = field(init=False, repr=False, compare=False)
    glued_spellings: tuple[str, ...] = field(init=False, repr=False, compare=False)
    solid_cache: dict[str, tuple[tuple[str, str], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # Token-pair similarities under these rules, filled by the scorer (read-mostly, shared).
    similarity_cache: dict[tuple[str, str, bool], tuple[float, str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        # Glued second-element spellings, longest first, to split solid compounds ("nasiruddin").
        spellings = set(self.glued_second_elements)
        spellings |= {v for v, c in self.variants.items() if c in self.glued_second_elements}
        alternation = "|".join(sorted(spellings, key=len, reverse=True))
        compound = re.compile(
            rf"^([a-z]{{2,}}?)(ul|ur|ud|us|un|uz|ush|ut|al|ad|ar|as|az)({alternation})$"
        )
        object.__setattr__(self, "_compound_re", compound)
        object.__setattr__(self, "glued_spellings", tuple(spellings))

    @classmethod
    def from_tables(
        cls,
        *,
        families: dict[str, tuple[str, ...]] = VARIANT_FAMILIES,
        ambiguous: dict[str, tuple[str, ...]] = AMBIGUOUS_VARIANTS,
        honorifics: frozenset[str] = HONORIFICS,
        weak: dict[str, float] = WEAK_TOKENS,
        second_elements: frozenset[str] = SECOND_ELEMENTS,
        entity_terms: dict[str, tuple[str, ...]] = ENTITY_TERMS,
    ) -> NameRules:
        variants: dict[str, str] = {}
        for canonical, spellings in families.items():
            variants[canonical] = canonical
            for spelling in spellings:
                variants[spelling] = canonical
        terms: dict[str, str] = {}
        for canonical, spellings in entity_terms.items():
            terms[canonical] = canonical
            for spelling in spellings:
                terms[spelling] = canonical
        return cls(
            variants=variants,
            ambiguous=dict(ambiguous),
            honorifics=frozenset(honorifics),
            weak=dict(weak),
            second_elements=frozenset(second_elements),
            entity_terms=terms,
            entity_term_weight=default_config().entity_term_weight,
        )

    @classmethod
    def default(cls) -> NameRules:
        return _default_rules()

    def extended(
        self,
        *,
        families: dict[str, tuple[str, ...]] | None = None,
        honorifics: frozenset[str] | set[str] | None = None,
        weak: dict[str, float] | None = None,
    ) -> NameRules:
        """A copy with more variant families, honorifics or token weights."""
        variants = dict(self.variants)
        for canonical, spellings in (families or {}).items():
            variants[canonical] = canonical
            for spelling in spellings:
                variants[spelling] = canonical
        return NameRules(
            variants=variants,
            ambiguous=self.ambiguous,
            honorifics=self.honorifics | frozenset(honorifics or ()),
            weak={**self.weak, **(weak or {})},
            second_elements=self.second_elements,
            entity_terms=self.entity_terms,
            entity_term_weight=self.entity_term_weight,
            distinct=self.distinct,
            glued_second_elements=self.glued_second_elements,
        )

    def configured(self, config: MatcherConfig) -> NameRules:
        """These tables scored with `config` (one copy per config, with its own caches)."""
        if config == self.config:
            return self
        return _configured(self, config)

    def _with_config(self, config: MatcherConfig) -> NameRules:
        return NameRules(
            variants=self.variants,
            ambiguous=self.ambiguous,
            honorifics=self.honorifics,
            weak=self.weak,
            second_elements=self.second_elements,
            entity_terms=self.entity_terms,
            entity_term_weight=config.entity_term_weight,
            distinct=self.distinct,
            glued_second_elements=self.glued_second_elements,
            config=config,
        )

    def canon(self, word: str) -> str:
        return self.variants.get(word, word)

    def readings(self, token: str) -> tuple[str, ...]:
        """Every canonical reading of a token (one, unless the spelling is ambiguous)."""
        return self.ambiguous.get(token, (token,))

    def weight(self, token: str, kind: str) -> float:
        if kind == "entity" and token in self.entity_terms:
            return self.entity_term_weight
        if len(token) == 1:
            return 0.5
        return self.weak.get(token, 1.0)


@lru_cache(maxsize=8)
def _configured(rules: NameRules, config: MatcherConfig) -> NameRules:
    return rules._with_config(config)


@lru_cache(maxsize=1)
def _default_rules() -> NameRules:
    return NameRules.from_tables()


# --- the normalized name ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NormalizedName:
    original: str
    tokens: tuple[str, ...]
    sources: tuple[str, ...]
    kind: str = "person"
    relatives: tuple[str, ...] = ()
    relation: str = ""
    steps: tuple[str, ...] = ()
    loose: frozenset[int] = frozenset()

    @property
    def key(self) -> str:
        return " ".join(self.tokens)

    def is_initial(self, position: int) -> bool:
        return len(self.tokens[position]) == 1


_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bb\u02bc\u02bf\u02be'`\u00b4]")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NON_NAME = re.compile(r"[^a-z\s]+")
_SPACES = re.compile(r"\s+")
_U_LEADING = re.compile(r"^(ul|ur|ud|us|un|uz|ush)(.{2,})$")
_GLUED_PARTICLE = re.compile(r"^([a-z]{2,}?)(ul|ur|ud|us|un|uz|ush)$")
_ULLAH_SUFFIX = re.compile(r"^([a-z]{3,}?)(ullah|ullaah|ulla|allah)$")
_ABD_SOLID = re.compile(r"^(abd(?:ul|ur|us|el|al|ool|oul|ol|u|ush|uz|un|ud)?)([a-z]{3,})$")
_ABDULLAH_TAILS = frozenset({"lah", "llah", "ullah", "allah", "ulla", "alla", "la", "lla"})


def _fold(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_RELATION = re.compile("|".join(f"({pattern})" for pattern, _ in RELATION_MARKERS))
_RELATION_LABELS = [label for _, label in RELATION_MARKERS]


def _split_relation(text: str) -> tuple[str, str, str]:
    """(subject, relative, marker) at the first relation marker that follows some name."""
    for found in _RELATION.finditer(text):
        if text[: found.start()].strip():
            label = _RELATION_LABELS[found.lastindex - 1] if found.lastindex else "s/o"
            return text[: found.start()], text[found.end() :], label
    return text, "", ""


def normalize_name(
    raw: str, kind: str = "person", rules: NameRules | None = None
) -> NormalizedName:
    """Canonical tokens of a person or entity name, with what was done to get them."""
    return _normalize(raw or "", kind if kind == "entity" else "person", rules or _default_rules())


@lru_cache(maxsize=200_000)
def _normalize(raw: str, kind: str, rules: NameRules) -> NormalizedName:
    steps: list[str] = []
    text = raw
    text, guessed, step = romanize(text)
    loose_words = set(guessed)
    if step:
        steps.append(step)
    text = _CAMEL.sub(" ", _APOSTROPHES.sub("", text))
    text = _fold(text).casefold()
    subject, relative, relation = _split_relation(text)
    tokens, sources, loose = _tokens(subject, kind, rules, steps, loose_words)
    relatives: tuple[str, ...] = ()
    if relation:
        rel_tokens, _, _ = _tokens(relative, kind, rules, [], loose_words)
        relatives = tuple(rel_tokens)
        if relatives:
            shown = relative.strip().title()
            steps.append(f"relation marker {relation}: relative's name '{shown}' set apart")
    if not tokens:
        # Everything was a title or particle: fall back to the plain words.
        plain = _SPACES.sub(" ", _NON_NAME.sub(" ", subject)).split()
        tokens, sources, loose = plain, list(plain), set()
    return NormalizedName(
        original=raw,
        tokens=tuple(tokens),
        sources=tuple(sources),
        kind=kind,
        relatives=relatives,
        relation=relation,
        steps=tuple(steps),
        loose=frozenset(loose),
    )


def _tokens(
    text: str, kind: str, rules: NameRules, steps: list[str], loose_words: set[str]
) -> tuple[list[str], list[str], set[int]]:
    words = _SPACES.sub(" ", _NON_NAME.sub(" ", text.replace("&", " and "))).split()
    # (canonical, surface, loose) triples, transformed in passes.
    items: list[tuple[str, str, bool]] = [(w, w, w in loose_words) for w in words]

    if kind == "person":
        kept = [it for it in items if it[0] not in rules.honorifics]
        if kept and len(kept) < len(items):
            dropped = [it[1] for it in items if it[0] in rules.honorifics]
            steps.append("title " + ", ".join(f"'{d.title()}'" for d in dropped) + " ignored")
            items = kept
    else:
        kept = [it for it in items if it[0] not in ENTITY_STOPWORDS and it[0] not in IZAFAT]
        if kept and len(kept) < len(items):
            items = kept

    items = _split_solid(items, rules)
    items = _join_particles(items, rules, steps)
    items = _canonicalize(items, kind, rules)
    tokens: list[str] = []
    sources: list[str] = []
    loose: set[int] = set()
    for token, surface, guessed in items:
        if token:
            if guessed:
                loose.add(len(tokens))
            tokens.append(token)
            sources.append(surface)
    return tokens, sources, loose


def _split_solid(
    items: list[tuple[str, str, bool]], rules: NameRules
) -> list[tuple[str, str, bool]]:
    """Split glued forms: Abdurrahman, Nasiruddin, Azharullah, Ziaul (before Haq)."""
    out: list[tuple[str, str, bool]] = []
    for index, (word, surface, loose) in enumerate(items):
        if len(word) < 4 or word in rules.variants or word in ABD_FORMS:
            out.append((word, surface, loose))
            continue
        parts = _solid_parts(word, rules)
        if parts:
            out += [(part, part_surface, loose) for part, part_surface in parts]
            continue
        if (
            word.endswith(_U_SUFFIXES)
            and index + 1 < len(items)
            and word not in STANDALONE_NAMES
            and not word.endswith("pur")
        ):
            glued = _GLUED_PARTICLE.match(word)
            if glued and rules.canon(items[index + 1][0]) in rules.glued_second_elements:
                out += [(glued[1], glued[1], loose), (glued[2], glued[2], loose)]
                continue
        if out and word.startswith(_U_SUFFIXES):
            leading = _U_LEADING.match(word)
            if leading and rules.canon(leading[2]) in rules.glued_second_elements:
                out += [(leading[1], leading[1], loose), (leading[2], leading[2], loose)]
                continue
        out.append((word, surface, loose))
    return out


_U_SUFFIXES = ("ul", "ur", "ud", "us", "un", "uz", "ush")
_ULLAH_ENDINGS = ("ullah", "ullaah", "ulla", "allah")


def _solid_parts(word: str, rules: NameRules) -> tuple[tuple[str, str], ...]:
    """(part, surface) pieces of a glued word, or () when it is one name (cached per rules)."""
    cache = rules.solid_cache
    found = cache.get(word)
    if found is not None:
        return found
    found = ()
    if word.startswith("abd"):
        abd = _ABD_SOLID.match(word)
        if abd and abd[2] not in _ABDULLAH_TAILS:
            found = (("abdul", abd[1]), (abd[2], abd[2]))
    elif word.endswith(rules.glued_spellings):
        compound = rules._compound_re.match(word)
        if compound:
            found = tuple((part, part) for part in compound.groups())
    if not found and word.endswith(_ULLAH_ENDINGS):
        ullah = _ULLAH_SUFFIX.match(word)
        if ullah and not ullah[1].startswith("abd"):
            found = ((ullah[1], ullah[1]), ("ullah", ullah[2]))
    if len(cache) > 500_000:
        cache.clear()
    cache[word] = found
    return found


def _join_particles(
    items: list[tuple[str, str, bool]], rules: NameRules, steps: list[str]
) -> list[tuple[str, str, bool]]:
    """Abd + name stays two tokens (abdul, X); X + particle + Y becomes one token XulY."""
    out: list[tuple[str, str, bool]] = []
    i = 0
    n = len(items)
    while i < n:
        word, surface, loose = items[i]
        if word in ABD_FORMS or word == "abdul":
            j = i + 1
            if j < n and (items[j][0] in U_PARTICLES or items[j][0] in ARTICLES) and j + 1 < n:
                j += 1
            out.append(("abdul", surface if j == i + 1 else f"{surface} {items[i + 1][1]}", loose))
            i = j
            continue
        is_u = word in U_PARTICLES and word != "u"
        is_article = word in ARTICLES
        if (is_u or is_article) and out and i + 1 < n and out[-1][0] != "abdul":
            second = rules.canon(items[i + 1][0])
            if is_u or second in rules.second_elements:
                first_word, first_surface, first_loose = out.pop()
                joined = f"{rules.canon(first_word)}ul{second}"
                surface_text = f"{first_surface}-{surface}-{items[i + 1][1]}"
                steps.append(f"particle compound '{surface_text}' read as one name")
                out.append((joined, surface_text, first_loose or loose))
                i += 2
                continue
        if (word in ARTICLES or word in U_PARTICLES or word in CONNECTORS) and (out or i + 1 < n):
            i += 1
            continue
        out.append((word, surface, loose))
        i += 1
    return out


def _canonicalize(
    items: list[tuple[str, str, bool]], kind: str, rules: NameRules
) -> list[tuple[str, str, bool]]:
    out = []
    for word, surface, loose in items:
        if kind == "entity" and word in rules.entity_terms:
            canon = rules.entity_terms[word]
        else:
            canon = rules.canon(word)
        out.append((canon, surface, loose))
    return out


# --- comparison keys ---------------------------------------------------------------------------

_VOWELS = frozenset("aeiouy")
_CONSONANT_CLASS = {"q": "k", "c": "k", "w": "v", "x": "k", "j": "j", "z": "z"}


@lru_cache(maxsize=100_000)
def skeleton(token: str) -> str:
    """Consonant skeleton: vowels dropped (a leading vowel kept as 'a'), doubles collapsed.

    Spelling variants and most typos of romanized names share it: Farooq/Farouk/Faruq -> frk,
    Kashmiri/Kashimri -> kshmr, Malik/Mailk -> mlk, and an unvocalized Urdu transliteration
    (mhmd) meets its vocalized form (Muhammad).
    """
    if not token:
        return ""
    word = token
    if len(word) > 2 and word.endswith("h") and word[-2] in _VOWELS:
        word = word[:-1]
    out = ["a" if word[0] in _VOWELS else _CONSONANT_CLASS.get(word[0], word[0])]
    for ch in word[1:]:
        if ch in _VOWELS:
            continue
        mapped = _CONSONANT_CLASS.get(ch, ch)
        if mapped != out[-1]:
            out.append(mapped)
    return "".join(out)


_DIGRAPHS = (
    ("kh", "K"),
    ("gh", "G"),
    ("sh", "S"),
    ("ch", "C"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("bh", "b"),
    ("zh", "Z"),
    ("ck", "k"),
    ("qu", "k"),
)
_PHONETIC_LETTERS = str.maketrans({"q": "k", "c": "k", "w": "v", "x": "k", "e": "i", "o": "u"})


@lru_cache(maxsize=100_000)
def phonetic(token: str) -> str:
    """Vowel-class key: long/short vowels and common digraph spellings folded together."""
    word = token
    if len(word) > 2 and word.endswith("h") and word[-2] in _VOWELS:
        word = word[:-1]
    for digraph, letter in _DIGRAPHS:
        word = word.replace(digraph, letter)
    head, tail = word[:1], word[1:].replace("y", "i")
    word = (head + tail).translate(_PHONETIC_LETTERS)
    out: list[str] = []
    for ch in word:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


__all__ = [
    "AMBIGUOUS_VARIANTS",
    "DISTINCT_NAMES",
    "ENTITY_TERMS",
    "GLUED_SECOND_ELEMENTS",
    "HONORIFICS",
    "RELATION_MARKERS",
    "SECOND_ELEMENTS",
    "STANDALONE_NAMES",
    "URDU_LETTERS",
    "URDU_WORDS",
    "VARIANT_FAMILIES",
    "WEAK_TOKENS",
    "NameRules",
    "NormalizedName",
    "normalize_name",
    "phonetic",
    "skeleton",
]
