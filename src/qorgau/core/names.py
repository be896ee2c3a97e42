"""Folding people's names so the same person meets across agencies and scripts.

One name reaches the platform in Kazakh Cyrillic, Russian Cyrillic, the 2021 Kazakh Latin alphabet
and passport Latin, spelt by many hands. ``fold`` maps one name token to a canonical lowercase
ASCII form; ``skeleton`` and ``strip_affixes`` give coarser keys; ``name_tokens`` builds the index
tokens and ``match_score`` ranks candidates. ``to_kazakh_latin`` is for display only.

fold(token), in order
---------------------
1. NFC, then ``casefold`` (so "İ" becomes "i" + combining dot, dropped in step 3).
2. Letter table (below): Cyrillic letters become passport-style Latin; the 2021 Latin letters
   that NFKD would mangle are spelt out (Ş -> sh, Ç -> ch, ı -> i).
3. NFKD, combining marks dropped (Ä Ö Ü Ū Ğ Ñ Á Ú ... lose their marks), then everything that is
   not a-z is dropped (digits, punctuation, other scripts).
4. Latin spelling rules, in order, repeated until nothing changes (so fold is idempotent):
   q -> k, x -> ks, w -> v
   dzh, dj, zh -> j    (Ж: Zhandosova / Dzhandosova / Jandosova / Жандосова / Джандосова)
   kh -> h, gh -> g    (Х/Һ -> H and Ғ in passport and English habits)
   ye -> e at the start of the word or after a vowel (Yerlan / Ерлан; Sergeyev / Сергеев)
   y -> i              (Й, Ы, И, І all become i: Qayrat / Кайрат, Erkyn / Erkin)
   ii... -> i          (runs of i: Мария "mariia" = Maria)
   Kazakh letters fold to their Russian neighbours: Қ->k, Ғ->g, Ң->n, Ә->a, Ө->o, Ұ/Ү/У->u, І->i,
   Һ->h. Ъ and Ь vanish (Айгуль = Айгүл = aigul). Ё -> e (Russians write Ё as Е anyway);
   Ю -> iu, Я -> ia, Э -> e, Ц -> ts, Ч -> ch, Ш -> sh, Щ -> shch.

skeleton(folded): first letter, then the consonants in order with vowels (a e i o u) removed and
runs of one letter collapsed: Erkin / Erken / Erkyn -> "erkn", Baurzhan / Bauyrzhan -> "brjn",
Kairat / Qayrat -> "krt". Fuzzy: different people share skeletons, so it weighs least.

strip_affixes(folded): removes one ending (the longest that applies) and keeps the root:
 * Kazakh patronymic particles written together: -uli (-uly, -ұлы), -kizi (-kyzy, -qyzy, -қызы),
   and -ulu / -ogli;
 * Russian patronymics: -ovich, -evich, -ovna, -evna, -ichna, -ich. A bare -na is NOT removed: it
   would destroy given names (Dana, Marina, Madina);
 * Russian surname endings -ov, -ova, -ev, -eva, and -in, -ina.
A root must keep at least 3 letters, and at least 4 for -in/-ina (given names such as Erkin, Dina,
Marina, Madina, Karina keep their ending). After -ev/-eva/-evich/-evna, a root ending in a vowel
gets its й back: Сергеев -> sergei, Жанаев -> janai, the names they were built from.

Index tokens (name_tokens)
--------------------------
Each part is split on whitespace, hyphens, apostrophes, dots and commas; each piece is folded.
Initials (a fold shorter than 2 letters, or a passport digraph alone: Zh, Sh, Kh, Ch, Ts, Ye ...)
and the separate particles uli / kizi / ulu / ogli / ... give no tokens. Each remaining piece gives
up to three tokens:
   "f:<fold>"                  full fold
   "r:<strip_affixes(fold)>"   root (equal to the fold when nothing was stripped)
   "s:<skeleton(root)>"        skeleton of the root (omitted when shorter than 2 letters)
e.g. "Zhandosova" -> {"f:jandosova", "r:jandos", "s:jnds"}. The tokens depend on these rules:
TOKEN_VERSION changes whenever they change, and stored tokens must then be rebuilt.

The tokens spell the name: store them blinded (e.g. ``kind + ":" + blind_index(...)``), keeping the
"f:"/"r:"/"s:" prefix, which is all ``match_score`` needs.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import combinations

TOKEN_VERSION = 1

# Cyrillic (Russian, Kazakh and a few neighbours) to passport-style Latin, and the Latin letters
# whose NFKD decomposition would give the wrong base letter or none at all. Keys are lowercase.
_LETTERS = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "і": "i", "к": "k", "қ": "k", "л": "l", "м": "m",
    "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ұ": "u", "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    # neighbours' Cyrillic letters that turn up in records
    "ї": "i", "є": "e", "ґ": "g", "ў": "u", "ҳ": "h", "ӯ": "u", "ҷ": "j",
    # Latin letters NFKD does not reduce well
    "ş": "sh", "ș": "sh", "ç": "ch", "ı": "i", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o",
    "đ": "d", "ł": "l", "þ": "th",
}  # fmt: skip

_LATIN_RULES = (
    (re.compile(r"q"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"w"), "v"),
    (re.compile(r"dzh|dj|zh"), "j"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"(?:^|(?<=[aeiou]))ye"), "e"),
    (re.compile(r"y"), "i"),
    (re.compile(r"i{2,}"), "i"),
)

_NOT_A_TO_Z = re.compile(r"[^a-z]+")
_VOWELS = frozenset("aeiou")

# (ending, shortest root allowed, give back the й that -ev swallowed)
_ENDINGS = sorted(
    [
        ("uli", 3, False),
        ("ulu", 3, False),
        ("kizi", 3, False),
        ("ogli", 3, False),
        ("ovich", 3, False),
        ("evich", 3, True),
        ("ovna", 3, False),
        ("evna", 3, True),
        ("ichna", 3, False),
        ("ich", 3, False),
        ("ova", 3, False),
        ("eva", 3, True),
        ("ov", 3, False),
        ("ev", 3, True),
        ("ina", 4, False),
        ("in", 4, False),
    ],
    key=lambda e: -len(e[0]),
)

# Patronymic particles written as separate words ("Қайрат қызы", "Kairat-uly") identify no one.
_PARTICLES = frozenset({"uli", "ulu", "uulu", "kizi", "ogli", "oglu"})

# Separators inside a name field: whitespace, hyphens and dashes, apostrophes, dots and commas.
_SPLIT = re.compile(r"[\s\-‐‑‒–—―'`´ʼʻ‘’′.,]+")
# Passport-Latin initials that take two or more letters: "Zh.", "Sh.", "Kh." ...
_DIGRAPH_INITIAL = re.compile(r"(?:dzh|zh|kh|sh|ch|ts|shch|ye|yu|ya)", re.IGNORECASE)

TOKEN_WEIGHTS = {"f": 0.4, "r": 0.35, "s": 0.25}


def fold(token: str) -> str:
    """One canonical lowercase ASCII form ([a-z]*) of one name token. Never raises on a str."""
    text = unicodedata.normalize("NFC", token).casefold()
    text = "".join(_LETTERS.get(ch, ch) for ch in text)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = _NOT_A_TO_Z.sub("", text)
    # Repeat to a fixed point so that fold(fold(x)) == fold(x) ("ddzh" -> "dj" -> "j"). Every rule
    # but the first three shortens the text, and those three leave no q, x or w behind: it ends.
    while True:
        before = text
        for pattern, replacement in _LATIN_RULES:
            text = pattern.sub(replacement, text)
        if text == before:
            return text


def skeleton(folded: str) -> str:
    """First letter, then the consonants with runs collapsed: a coarse key for fuzzy candidates."""
    if not folded:
        return ""
    out = [folded[0]]
    for ch in folded[1:]:
        if ch in _VOWELS or ch == out[-1]:
            continue
        out.append(ch)
    return "".join(out)


def strip_affixes(folded: str) -> str:
    """The root of a folded name: one patronymic, particle or Russian surname ending removed."""
    for ending, min_root, restore_i in _ENDINGS:
        if folded.endswith(ending) and len(folded) - len(ending) >= min_root:
            root = folded[: -len(ending)]
            if restore_i and root[-1] in _VOWELS and root[-1] != "i":
                root += "i"
            return root
    return folded


def name_tokens(*parts: str) -> set[str]:
    """Index tokens for the given name parts (surname, given name, patronymic, in any order)."""
    tokens: set[str] = set()
    for part in parts:
        if not part:
            continue
        for piece in _SPLIT.split(part):
            folded = fold(piece)
            if len(folded) < 2 or folded in _PARTICLES or _DIGRAPH_INITIAL.fullmatch(piece):
                continue
            root = strip_affixes(folded)
            tokens.add("f:" + folded)
            tokens.add("r:" + root)
            skel = skeleton(root)
            if len(skel) >= 2:
                tokens.add("s:" + skel)
    return tokens


def pair_tokens(parts, births=()) -> set[str]:
    """Index tokens for two name parts together and for one name part with a birth date (ISO).

    One common given name is held by tens of thousands of people, the pair of her names or her
    name with her birth date by a few: the intake shortlist looks these up and never a whole
    single name's list. Pairs are kept by their full fold and by their skeleton (a typo or a
    Russian ending in one of the two parts), in sorted order (the name order does not count)."""
    per_part = [name_tokens(part) for part in parts if part]
    out: set[str] = set()
    for left, right in combinations(per_part, 2):
        for a in left:
            for b in right:
                if a[:2] == b[:2] and a[0] in "fs":
                    out.add(a[:2] + "|".join(sorted((a[2:], b[2:]))))
    for birth in births:
        out.update(f"d:{birth}|{t[2:]}" for tokens in per_part for t in tokens if t.startswith("f:"))
    return out


def _weight(tokens: set[str]) -> float:
    return sum(TOKEN_WEIGHTS.get(t.partition(":")[0], 0.0) for t in tokens)


def match_score(query_tokens: set[str], candidate_tokens: set[str]) -> float:
    """Weighted Dice overlap of two token sets, in [0, 1].

    A name part matching in full shares all three tokens (weight 1.0), one matching by root only
    shares "r" and "s" (0.6), by skeleton only "s" (0.25). Unmatched parts on either side pull the
    score down, so relatives sharing a surname and patronymic score well below the same person.
    """
    total = _weight(query_tokens) + _weight(candidate_tokens)
    if total == 0:
        return 0.0
    return min(1.0, 2 * _weight(query_tokens & candidate_tokens) / total)


# Kazakh Cyrillic -> 2021 Kazakh Latin, lowercase; case is restored by _apply_case. Loanword letters
# (not in the 2021 table) follow one documented rule: Ё/Ю/Я are Й + vowel (İo, İu, İa), Э -> E,
# Ц -> Ts, Ч -> Ch, Щ -> Ş (as Kazakh pronounces it), Ъ and Ь are dropped.
_KAZAKH_LATIN = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ж": "j",
    "з": "z", "и": "i", "й": "i", "і": "ı", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
    "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū",
    "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ш": "ş", "ы": "y",
    "ё": "io", "ю": "iu", "я": "ia", "э": "e", "ц": "ts", "ч": "ch", "щ": "ş", "ъ": "", "ь": "",
}  # fmt: skip
# Uppercase forms where str.upper() would be wrong: i -> İ (dotted), ı -> I (dotless).
_UPPER = {"i": "İ", "ı": "I"}


def _upper(latin: str) -> str:
    return "".join(_UPPER.get(ch, ch.upper()) for ch in latin)


def to_kazakh_latin(text: str) -> str:
    """Kazakh Cyrillic to the 2021 Kazakh Latin alphabet, for display. Other characters pass through.

    Case is kept: a capital becomes a capital; a digraph (Ts, Ch, İa ...) is written all capitals
    when a neighbouring letter is a capital too (ЦАЙ -> TSAİ), otherwise only its first letter.
    """
    text = unicodedata.normalize("NFC", text)
    out = []
    for i, ch in enumerate(text):
        low = ch.lower()
        latin = _KAZAKH_LATIN.get(low)
        if latin is None:
            out.append(ch)
        elif ch == low or not latin:
            out.append(latin)
        else:
            neighbours = text[max(i - 1, 0) : i] + text[i + 1 : i + 2]
            if len(latin) > 1 and not any(n.isalpha() and n.isupper() for n in neighbours):
                out.append(_upper(latin[0]) + latin[1:])
            else:
                out.append(_upper(latin))
    return "".join(out)
