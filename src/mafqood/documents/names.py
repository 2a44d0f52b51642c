"""Names as tokens that compare equal across scripts and common spellings.

A token is a consonant skeleton: Arabic letters are normalised (hamza forms, taa marbuta, alef
maqsura, diacritics) and mapped to Latin consonant classes; Latin spellings lose their vowels
and doubled letters, and digraphs become one class (kh, sh, dh, gh...). So Mohammed,
Muhammad, Mohamed and محمد are all "mhmd"; Al Mansoori and المنصوري are both "mnsr" (the
article is dropped). A word's first vowel is kept as "a", since Arabic writes it (أحمد,
Ahmed: "ahmd"; عمر, Omar: "amr").
"""

from __future__ import annotations

import re
import unicodedata

# Arabic letter -> Latin class; "" drops it (long vowels and ayn inside a word, hamza seats
# are handled below).
_ARABIC = {
    "ا": "a", "أ": "a", "إ": "a", "آ": "a", "ء": "", "ؤ": "", "ئ": "",
    "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "x", "د": "d", "ذ": "z",
    "ر": "r", "ز": "z", "س": "s", "ش": "S", "ص": "s", "ض": "z", "ط": "t", "ظ": "z",
    "ع": "a", "غ": "g", "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n",
    "ه": "h", "ة": "", "و": "w", "ي": "y", "ى": "", "پ": "b", "چ": "j", "گ": "g", "ڤ": "f",
}  # fmt: skip
# Latin digraphs first, then single letters; vowels (and y, w inside a word) are dropped.
_DIGRAPHS = (("kh", "x"), ("sh", "S"), ("ch", "S"), ("dh", "z"), ("zh", "z"), ("th", "t"),
             ("gh", "g"), ("ph", "f"), ("ou", "u"), ("oo", "u"), ("ee", "i"))  # fmt: skip
_LATIN = {"q": "k", "c": "k", "v": "f", "p": "b"}
_ABD = {"عبد", "abd", "abdul", "abdel", "abdal"}
_ARTICLES = {"al", "el", "ul", "bin", "ibn", "bint", "abu", "bn"}
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, dagger alef, tatweel
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _is_arabic(word: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in word)


def _collapse(skeleton: str) -> str:
    out: list[str] = []
    for ch in skeleton:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def _arabic_token(word: str) -> str:
    word = _DIACRITICS.sub("", word)
    if word.startswith("ال") and len(word) > 3:
        word = word[2:]
    if word.endswith(("ه", "ة")) and len(word) > 2:
        word = word[:-1]  # Abdullah's final h and Fatima's taa marbuta are not written in Latin
    out = []
    for index, ch in enumerate(word):
        mapped = _ARABIC.get(ch, "")
        if index > 0 and mapped in {"a", "w", "y"}:
            continue  # long vowels and ayn inside a word; first, waw and yaa are consonants
        out.append(mapped)
    return _collapse("".join(out))


def _latin_token(word: str) -> str:
    word = unicodedata.normalize("NFKD", word.lower())
    word = "".join(ch for ch in word if not unicodedata.combining(ch))
    if word.endswith("h") and len(word) > 3 and word[-2] in "aeiou":
        word = word[:-1]  # Fatimah, Abdullah: the final h follows the Arabic spelling
    word = word.replace("x", "ks")
    first_vowel = word[0] in "aeiou"
    rest = word[1:] if first_vowel else word
    for digraph, mapped in _DIGRAPHS:
        rest = rest.replace(digraph, mapped)
    out = ["a"] if first_vowel else []
    for index, ch in enumerate(rest):
        if ch in "aeiou" or (ch in "yw" and (index > 0 or first_vowel)):
            continue
        out.append(_LATIN.get(ch, ch))
    return _collapse("".join(out))


def name_tokens(text: str | None) -> list[str]:
    """The name's tokens (sorted, unique), in whatever script it was written. Articles (al,
    bin, abu) and one-letter words are left out, as are words that leave no skeleton."""
    if not text:
        return []
    tokens: set[str] = set()
    words = _WORD.findall(_DIACRITICS.sub("", text).replace("-", " "))
    # "Abd" is one name with the word after it: عبد الله is عبدالله, Abdul Rahman Abdulrahman.
    joined: list[str] = []
    for word in words:
        if joined and joined[-1].lower() in _ABD:
            joined[-1] += word
        else:
            joined.append(word)
    for raw in joined:
        if raw.lower() in _ARTICLES or len(raw) < 2:
            continue
        if not _is_arabic(raw) and raw.lower().startswith(("al", "el")) and len(raw) > 5:
            # "Almansoori": the article written together, as Arabic does.
            raw = raw[2:]
        token = _arabic_token(raw) if _is_arabic(raw) else _latin_token(raw)
        if token:
            tokens.add(token)
    return sorted(tokens)


def names_agree(stated: list[str], read: list[str]) -> bool:
    """Whether a name someone stated is the name read on a document: every stated token on
    the document, and at least two of them (a given name alone is shared by thousands)."""
    stated_set, read_set = set(stated), set(read)
    return len(stated_set) >= 2 and stated_set <= read_set
