"""Urdu and Arabic script to Latin, for matching names written in either script.

Urdu script writes no short vowels, so a letter-by-letter reading of محمد is "mhmd". Common name
words are therefore read from `URDU_WORDS` (the usual Pakistani romanization); any other word is
read letter by letter from `URDU_LETTERS` and reported as a guess, so the matcher compares it on
its consonants only.
"""

from __future__ import annotations

import re
import unicodedata

# Whole words, written without diacritics, in their usual romanization.
# fmt: off
URDU_WORDS: dict[str, str] = {
    "محمد": "muhammad", "احمد": "ahmad", "علی": "ali", "علي": "ali", "خان": "khan",
    "حسین": "hussain", "حسين": "hussain", "حسن": "hassan", "عمر": "umar", "عثمان": "usman",
    "ابراہیم": "ibrahim", "ابراهيم": "ibrahim", "اسماعیل": "ismail", "اسماعيل": "ismail",
    "الیاس": "ilyas", "الياس": "ilyas", "یوسف": "yusuf", "يوسف": "yusuf", "یوسفزئی": "yousafzai",
    "قریشی": "qureshi", "صدیقی": "siddiqui", "چوہدری": "chaudhry", "چودھری": "chaudhry",
    "چودهری": "chaudhry", "شیخ": "shaikh", "شيخ": "shaikh", "سید": "syed", "سيد": "syed",
    "ملک": "malik", "شاہ": "shah", "شاه": "shah", "بٹ": "butt", "اعوان": "awan", "بلوچ": "baloch",
    "آفریدی": "afridi", "افریدی": "afridi", "خٹک": "khattak", "محسود": "mehsud", "وزیر": "wazir",
    "درانی": "durrani", "حقانی": "haqqani", "اچکزئی": "achakzai", "بنگش": "bangash",
    "کشمیری": "kashmiri", "لشکری": "lashkari", "زمان": "zaman", "جان": "jan", "گل": "gul",
    "اقبال": "iqbal", "جاوید": "javed", "فاروق": "farooq", "محمود": "mahmood", "مسعود": "masood",
    "منصور": "mansoor", "رؤف": "rauf", "رءوف": "rauf", "غفور": "ghafoor", "ماجد": "majid",
    "مجید": "majid", "حامد": "hamid", "حمید": "hamid", "رشید": "rashid", "راشد": "rashid",
    "کریم": "karim", "كريم": "karim", "جمیل": "jamil", "لطیف": "latif", "فرید": "farid",
    "طارق": "tariq", "خالد": "khalid", "زبیر": "zubair", "قاسم": "qasim", "نور": "noor",
    "اللہ": "allah", "الله": "allah", "حق": "haq", "دین": "din", "دين": "din", "رحمان": "rahman",
    "رحمن": "rahman", "رحیم": "rahim", "ضیاء": "zia", "ضیا": "zia", "عطاء": "ata", "عطا": "ata",
    "حبیب": "habib", "فضل": "fazl", "انوار": "anwaar", "انور": "anwar", "انعام": "inam",
    "شمس": "shams", "ہارون": "haroon", "ايوب": "ayub", "ایوب": "ayub", "یونس": "younis",
    "عزیز": "aziz", "سعید": "saeed", "اظہر": "azhar", "سلطان": "sultan", "ولی": "wali",
    "عبداللہ": "abdullah", "عبدالله": "abdullah", "نواز": "nawaz", "اکرم": "akram", "زاہد": "zahid",
    "بلال": "bilal", "جلال": "jalal", "عمران": "imran", "نوید": "naveed", "آصف": "asif",
    "صادق": "sadiq", "عباس": "abbas", "غنی": "ghani", "حکیم": "hakim", "ستار": "sattar",
    "وہاب": "wahab", "وقار": "waqar", "کامران": "kamran", "اسلم": "aslam", "عامر": "amir",
    "امین": "ameen", "شاہد": "shahid", "ساجد": "sajid", "واجد": "wajid", "ناصر": "nasir",
    "بشیر": "bashir", "نذیر": "nazir", "قادر": "qadir", "ہدایت": "hidayat", "مدینہ": "madina",
    "مدرسہ": "madrassa", "ٹرسٹ": "trust", "فاؤنڈیشن": "foundation", "ویلفیئر": "welfare",
    "سوسائٹی": "society", "پرائیویٹ": "private", "لمیٹڈ": "limited", "بن": "bin", "بنت": "bint",
    "ولد": "walad", "زوجہ": "zoja", "حافظ": "hafiz", "مولانا": "maulana", "مفتی": "mufti",
    "حاجی": "haji", "قاری": "qari", "مولوی": "maulvi", "ملا": "mullah", "ڈاکٹر": "dr",
    "خیر": "khair", "برکات": "barkat", "تقوی": "taqwa", "تقویٰ": "taqwa", "اتحاد": "ittehad",
    "نصرت": "nusrat", "سبیل": "sabeel", "فلاح": "falah", "حجاز": "hijaz", "رحمت": "rahmat",
    "مصطفی": "mustafa", "سلیمان": "suleman", "غلام": "ghulam", "رسول": "rasool", "بخش": "bakhsh",
    "دتہ": "ditta", "اسامہ": "osama", "لادن": "ladin", "عبد": "abd", "ابو": "abu", "امیر": "amir",
    "صاحب": "sahib", "بیگم": "begum", "بی": "bi", "فاطمہ": "fatima", "عائشہ": "ayesha",
    "خدیجہ": "khadija", "زینب": "zainab", "مریم": "maryam", "نسرین": "nasreen", "پروین": "parveen",
    "شازیہ": "shazia", "ثمینہ": "samina", "یاسمین": "yasmin", "لشکر": "lashkar", "طیبہ": "taiba",
    "جیش": "jaish", "جماعت": "jamaat", "الدعوۃ": "aldawa", "الدعوة": "aldawa", "تحریک": "tehreek",
    "طالبان": "taliban", "پاکستان": "pakistan", "سپاہ": "sipah", "صحابہ": "sahaba",
    "جھنگوی": "jhangvi", "انصار": "ansar",
}
# fmt: on

# Letter by letter, where no word matches. Context rules for alif, waw and ye are in code.
# fmt: off
URDU_LETTERS: dict[str, str] = {
    "ا": "a", "آ": "a", "أ": "a", "إ": "i", "ٱ": "a", "ب": "b", "پ": "p", "ت": "t", "ٹ": "t",
    "ث": "s", "ج": "j", "چ": "ch", "ح": "h", "خ": "kh", "د": "d", "ڈ": "d", "ذ": "z", "ر": "r",
    "ڑ": "r", "ز": "z", "ژ": "zh", "س": "s", "ش": "sh", "ص": "s", "ض": "z", "ط": "t", "ظ": "z",
    "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ک": "k", "ك": "k", "گ": "g", "ل": "l", "م": "m",
    "ن": "n", "ں": "n", "و": "w", "ؤ": "u", "ہ": "h", "ه": "h", "ھ": "h", "ۃ": "a", "ة": "a",
    "ء": "", "ئ": "i", "ی": "y", "ي": "y", "ى": "a", "ے": "e", "ۓ": "e", "ۂ": "a", "َ": "a",
    "ِ": "i", "ُ": "u", "ٰ": "a",
}
# fmt: on
_VOWEL_MARKS = {"\u064e", "\u0650", "\u064f", "\u0670"}
_DROPPED_MARKS = {"\u064b", "\u064c", "\u064d", "\u0652", "\u0654", "\u0655", "\u0640"}
_SHADDA = "\u0651"
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_ARABIC_PUNCT = str.maketrans({"،": ",", "؛": ";", "؟": "?", "۔": ".", "٫": ",", "ـ": ""})


def has_arabic_script(text: str) -> bool:
    return not text.isascii() and bool(_ARABIC_SCRIPT.search(text))


def _bare(word: str) -> str:
    """The word without vowel marks, for dictionary lookup."""
    return "".join(
        ch for ch in word if ch not in _VOWEL_MARKS and ch not in _DROPPED_MARKS and ch != _SHADDA
    )


def _letters(word: str) -> str:
    out: list[str] = []
    last = len(word) - 1
    for i, ch in enumerate(word):
        if ch in _DROPPED_MARKS:
            continue
        if ch == _SHADDA:
            if out:
                out.append(out[-1][-1])
            continue
        if ch == "ع":
            out.append("a" if i == 0 else "")
            continue
        if ch in ("و",):
            # Waw: a consonant at the start or before a vowel letter, else the vowel u/o.
            nxt = word[i + 1] if i < last else ""
            out.append("w" if i == 0 or nxt in ("ا", "ی", "ي", "ے") else "u")
            continue
        if ch in ("ی", "ي"):
            nxt = word[i + 1] if i < last else ""
            out.append("y" if i == 0 or nxt in ("ا", "و") else "i")
            continue
        if ch in ("ہ", "ه") and i == last and i > 0:
            out.append("a")
            continue
        out.append(URDU_LETTERS.get(ch, ""))
    return "".join(out)


def _word(word: str) -> tuple[str, bool]:
    """(Latin reading, guessed?) of one Urdu/Arabic word."""
    bare = _bare(word)
    if bare in URDU_WORDS:
        return URDU_WORDS[bare], False
    # Abd al-X and al-X written solid: read the parts.
    for prefix, latin in (("عبدال", "abd al "), ("عبد", "abd "), ("ال", "al ")):
        if bare.startswith(prefix) and len(bare) > len(prefix) + 1:
            rest, guessed = _word(bare[len(prefix) :])
            return latin + rest, guessed
    return _letters(word), True


def transliterate(text: str) -> tuple[str, list[str]]:
    """Latin reading of the Arabic-script words of `text`, and the words read letter by letter."""
    text = unicodedata.normalize("NFC", text).translate(_ARABIC_PUNCT)
    out: list[str] = []
    guessed: list[str] = []
    for chunk in text.split():
        if not has_arabic_script(chunk):
            out.append(chunk)
            continue
        latin, is_guess = _word(chunk)
        out.append(latin)
        if is_guess:
            guessed.extend(latin.split())
    return " ".join(out), guessed
