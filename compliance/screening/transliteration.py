"""Any script to Latin, for matching a name written in one script against its listing in another.

- Arabic script (Urdu, Arabic, Persian, Pashto): `urdu.transliterate`, which knows the usual
  Pakistani romanization of common name words and reads the rest letter by letter (those words are
  *loose*: their vowels are guesses, the matcher compares their consonants).
- Every other script (Cyrillic, Greek, Chinese, Korean, Japanese, Devanagari, Hebrew, Thai...):
  `anyascii`, a maintained, dependency-free transliteration table covering all of Unicode (chosen
  over ICU through `pyicu`, which needs the ICU headers and a compiler on every worker, for the
  same result on names). Chinese and Korean names are written without spaces, one syllable per
  character: the first syllable is read as the family name and the rest joined as the given name
  ("毛泽东" -> "Mao Zedong", the usual pinyin spelling). Hebrew is an abjad like Arabic: its words
  are loose.

Latin text (with or without diacritics) is left to the name normalizer's Unicode folding.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

from compliance.screening.urdu import has_arabic_script, transliterate

# Letters that are neither Latin nor Arabic script (Latin with diacritics folds by NFKD).
_OTHER_SCRIPT = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u0600-\u06ff\u0750-\u077f\ufb50-\ufeff]")
_SYLLABIC = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_ABJAD = re.compile(r"[\u0590-\u05ff\u0700-\u074f]")  # Hebrew, Syriac: vowels unwritten


def _other_script_word(word: str) -> tuple[str, bool]:
    """(Latin reading, loose?) of one word outside Latin and Arabic script."""
    if _SYLLABIC.search(word):
        syllables = [anyascii(ch).lower() for ch in word if not ch.isspace()]
        syllables = [s for s in syllables if s]
        if len(syllables) >= 2:
            return f"{syllables[0]} {''.join(syllables[1:])}", False
        return "".join(syllables), False
    return anyascii(word), bool(_ABJAD.search(word))


def romanize(text: str) -> tuple[str, frozenset[str], str]:
    """(Latin text, words whose vowels are guesses, the step in an officer's words or "")."""
    if text.isascii():
        return text, frozenset(), ""
    loose: set[str] = set()
    steps = []
    if has_arabic_script(text):
        text, guessed = transliterate(text)
        loose.update(guessed)
        steps.append(f"Urdu/Arabic script transliterated as '{text}'")
    words = []
    changed = False
    for word in unicodedata.normalize("NFC", text).split():
        if any(ch.isalpha() and _OTHER_SCRIPT.match(ch) for ch in word):
            latin, guessed = _other_script_word(word)
            words.append(latin)
            changed = True
            if guessed:
                loose.update(latin.lower().split())
        else:
            words.append(word)
    if changed:
        text = " ".join(words)
        steps.append(f"transliterated as '{text}'")
    return text, frozenset(w.lower() for w in loose), "; ".join(steps)
