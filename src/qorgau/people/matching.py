"""Is this the same person? A three-class Fellegi–Sunter model over folded names, dates and numbers.

Two records are compared field by field. Each field falls into one *comparison level* (IIN equal,
one digit apart, different, missing ...). For every level the model holds three probabilities:

* ``m``: how often the level is seen when both records are the **same person** (typed by two
  agencies, with the typing mistakes, script changes and missing fields that come with that);
* ``r``: how often it is seen for two **relatives in one household** (sisters, a mother and her
  daughter, twins, a husband and wife): they share a surname root, a patronymic, a phone and an
  address, so a plain two-class model, which assumes the fields independent, would add those up
  and merge them;
* ``u``: how often it is seen for two **unrelated** people drawn at random.

A missing value (either side empty) is no evidence: the level is skipped. The probability that the
pair is the same person is the posterior of the first class,

    P(same) = pi_m L_m / (pi_m L_m + pi_r L_r + pi_u L_u),   L_c = prod over fields of p_c(level)

with priors ``PRIORS`` for a pair that reached comparison through blocking. The relatives' class is
what keeps sisters apart: sharing a phone, a surname and a patronymic is about as likely for
relatives as for the same person, so it cannot outweigh a different given name or birth date.

How the numbers were set (they are not fitted to any one data set, see docs/adr/0011):

* ``u`` from what a random pair shares by chance: an IIN 1e-7 (one in ten million), a phone 1e-5,
  a birth date 1/(365*60), a region 1/17; name agreement from the frequency of the name when a
  frequency table is given (``Matcher(frequencies=...)``), otherwise a typical value (0.002 for a
  surname, 0.01 for a given name).
* ``m`` from how records of one person differ between agencies: the rates of a transposed or
  mistyped digit (a few per cent per typed number), a swapped day and month, a changed script
  (folded away), a Russian ending added (-ova), a typo in a name (about one name in twenty).
* ``r`` from how relatives are alike: siblings share a patronymic (0.6), a household a phone (0.5),
  twins a birth date (0.02), a mother and daughter or sisters rarely a given name (0.03).

Every level has a reason in words (gettext), so a candidate is shown with why it was found.
Nothing here touches the database: the intake search (``people.candidates``), the register link
(``qorgau people link``), the perpetrator search and the statistics' grouping all call ``compare``.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from django.utils.translation import gettext_lazy as _

from qorgau.core.iin import FIRST_PASS_WEIGHTS, SECOND_PASS_WEIGHTS
from qorgau.core.names import _DIGRAPH_INITIAL, _PARTICLES, _SPLIT, fold, skeleton, strip_affixes

# Priors of a pair that reached comparison (shares at least one blocking key).
PRIORS = {"m": 0.002, "r": 0.01, "u": 0.988}
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Level:
    key: str
    m: float
    r: float
    u: float
    reason: object  # a lazy translated text
    logs: tuple = field(default=(), compare=False)  # (log m, log r, log u), for speed

    def __post_init__(self):
        object.__setattr__(self, "logs", (math.log(self.m), math.log(self.r), math.log(self.u)))


def L(key, m, r, u, reason):
    return Level(key, m, r, u, reason)


# --- The comparison levels, field by field ---------------------------------------------------------

IIN_LEVELS = {
    "exact": L("exact", 0.95, 1e-6, 1e-7, _("same IIN")),
    # One of the two fails its check digit: a typing mistake, what the check digit is for.
    "near": L("near", 0.04, 1e-4, 1e-6, _("IIN one digit or one transposition apart")),
    # Both valid and one digit apart: twins get consecutive serials, and a change of digit 11
    # keeps the check digit (its weight is 11), so this is mostly two people.
    "near_valid": L("near_valid", 0.004, 0.05, 1e-6, _("a different valid IIN, one digit apart")),
    "differ": L("differ", 0.006, 0.9499, 1.0, _("different IIN")),
}
PHONE_LEVELS = {
    "exact": L("exact", 0.80, 0.5, 1e-5, _("same phone number")),
    "near": L("near", 0.03, 0.01, 1e-4, _("phone number one digit apart")),
    "differ": L("differ", 0.17, 0.49, 1.0, _("different phone numbers")),
}
DATE_LEVELS = {
    "exact": L("exact", 0.90, 0.02, 4.6e-5, _("same birth date")),
    "swapped": L("swapped", 0.02, 0.0005, 5e-5, _("birth date with day and month swapped")),
    "near": L("near", 0.07, 0.005, 1e-3, _("birth date one digit apart")),
    "year": L("year", 0.006, 0.05, 0.02, _("same year of birth, different day")),
    "differ": L("differ", 0.004, 0.9245, 0.979, _("different birth date")),
}
YEAR_LEVELS = {
    "exact": L("exact", 0.92, 0.05, 0.02, _("same year of birth")),
    "near": L("near", 0.06, 0.1, 0.04, _("year of birth one year apart")),
    "differ": L("differ", 0.02, 0.85, 0.94, _("different year of birth")),
}
SEX_LEVELS = {
    "exact": L("exact", 0.98, 0.5, 0.5, _("same sex")),
    "differ": L("differ", 0.02, 0.5, 0.5, _("different sex")),
}
REGION_LEVELS = {
    "exact": L("exact", 0.90, 0.95, 0.06, _("same region")),
    "differ": L("differ", 0.10, 0.05, 0.94, _("different region")),
}
SURNAME_LEVELS = {
    "exact": L("exact", 0.84, 0.70, 0.002, _("surname matches across scripts")),
    "root": L("root", 0.08, 0.20, 0.003, _("surname matches except for its ending")),
    "typo": L("typo", 0.05, 0.02, 0.002, _("surname one letter apart")),
    "similar": L("similar", 0.015, 0.03, 0.01, _("surname sounds alike")),
    "initial": L("initial", 0.005, 0.05, 0.05, _("only the initial of the surname agrees")),
    "differ": L("differ", 0.01, 0.05, 0.983, _("different surname")),
}
GIVEN_LEVELS = {
    "exact": L("exact", 0.84, 0.03, 0.01, _("given name matches across scripts")),
    "root": L("root", 0.03, 0.01, 0.002, _("given name matches except for its ending")),
    "typo": L("typo", 0.07, 0.02, 0.003, _("given name one letter apart")),
    "similar": L("similar", 0.04, 0.05, 0.01, _("given name sounds alike")),
    "initial": L("initial", 0.01, 0.10, 0.05, _("only the initial of the given name agrees")),
    "differ": L("differ", 0.01, 0.79, 0.925, _("different given name")),
}
PATRONYMIC_LEVELS = {
    "exact": L("exact", 0.90, 0.60, 0.003, _("patronymic matches across scripts")),
    "typo": L("typo", 0.07, 0.05, 0.005, _("patronymic one letter apart")),
    "differ": L("differ", 0.03, 0.35, 0.992, _("different patronymic")),
}
ORDER_LEVELS = {
    "kept": L("kept", 0.96, 0.96, 0.96, ""),
    "swapped": L("swapped", 0.04, 0.04, 0.04, _("given name and surname swapped")),
}

# Every field in the order a comparison lists its levels; a register link stores a pair as one
# level number per field (the position in its table), people.estimate scores them as arrays.
FIELDS: dict[str, dict[str, Level]] = {
    "iin": IIN_LEVELS,
    "phone": PHONE_LEVELS,
    "birth_date": DATE_LEVELS,
    "sex": SEX_LEVELS,
    "region": REGION_LEVELS,
    "birth_year": YEAR_LEVELS,
    "surname": SURNAME_LEVELS,
    "given_name": GIVEN_LEVELS,
    "patronymic": PATRONYMIC_LEVELS,
    "order": ORDER_LEVELS,
}
FREQUENCY_FIELDS = ("surname", "given_name")  # exact agreement weighs by the name's frequency


def reason_text(code: str) -> str:
    """A stored reason code ("iin:exact") in the active language; "" for a code no level has
    (one stored before a level was renamed)."""
    fieldname, _sep, key = code.partition(":")
    level = FIELDS.get(fieldname, {}).get(key)
    return str(level.reason) if level and level.reason else ""


# --- Records ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamePart:
    fold: str
    root: str
    skel: str

    @property
    def initial(self) -> bool:
        return len(self.fold) == 1


@functools.lru_cache(maxsize=65536)  # a register repeats its names: each is folded once
def name_part(text: str) -> NamePart | None:
    """The folded form of one name field (all its pieces joined, particles and dots dropped)."""
    pieces = []
    for piece in _SPLIT.split(text or ""):
        folded = fold(piece)
        if not folded or folded in _PARTICLES:
            continue
        if _DIGRAPH_INITIAL.fullmatch(piece):
            folded = folded[:1]
        pieces.append(folded)
    if not pieces:
        return None
    folded = "".join(pieces)
    root = strip_affixes(folded)
    return NamePart(folded, root, skeleton(root))


_NOT_DIGIT = re.compile(r"[^0-9]")


@functools.lru_cache(maxsize=65536)
def _part(folded: str) -> NamePart:
    root = strip_affixes(folded)
    return NamePart(folded, root, skeleton(root))


@dataclass(frozen=True)
class Record:
    """One person as a register or a case knows her. Any field may be empty."""

    key: object = None
    given_name: str = ""
    surname: str = ""
    patronymic: str = ""
    birth_date: date | None = None
    birth_year: int | None = None
    sex: str = ""
    iin: str = ""
    phones: tuple[str, ...] = ()
    region: str = ""


@dataclass
class Prepared:
    record: Record
    given: NamePart | None
    surname: NamePart | None
    patronymic: NamePart | None
    dob: str  # YYYYMMDD or ""
    year: int | None
    sex: str
    iin: str
    phones: frozenset
    region: str


def iin_birth_date(iin: str) -> date | None:
    if len(iin) != 12 or not iin.isdigit() or iin[6] not in "123456":
        return None
    century = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}[iin[6]]
    try:
        return date(century + int(iin[:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def prepare(record: Record) -> Prepared:
    iin = _NOT_DIGIT.sub("", record.iin or "")
    birth = record.birth_date
    dob = birth.strftime("%Y%m%d") if birth else ""
    year = birth.year if birth else record.birth_year
    phones = frozenset(p for p in (_NOT_DIGIT.sub("", x or "") for x in record.phones) if len(p) >= 6)
    sex = record.sex if record.sex in ("F", "M") else ""
    return Prepared(
        record=record,
        given=name_part(record.given_name),
        surname=name_part(record.surname),
        patronymic=name_part(record.patronymic),
        dob=dob,
        year=year,
        sex=sex,
        iin=iin,
        phones=phones,
        region=(record.region or "").strip().lower(),
    )


# --- String measures (short strings: plain Python is fast enough) ------------------------------------


def one_edit(a: str, b: str) -> bool:
    """Optimal string alignment distance at most one: the same, or one letter changed, added or
    dropped, or two neighbours swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:  # the first letter that differs
        i += 1
    if len(a) > len(b):
        return a[i + 1 :] == b[i:]
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    return a[i + 1 :] == b[i + 1 :] or (
        a[i + 1 : i + 2] == b[i : i + 1] and a[i : i + 1] == b[i + 1 : i + 2] and a[i + 2 :] == b[i + 2 :]
    )


def jaro_winkler(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    a_hit = [False] * len(a)
    b_hit = [False] * len(b)
    matches = 0
    for i, ch in enumerate(a):
        end = min(len(b), i + window + 1)
        j = b.find(ch, max(0, i - window), end)  # the first unmatched ch within the window
        while j >= 0 and b_hit[j]:
            j = b.find(ch, j + 1, end)
        if j >= 0:
            a_hit[i] = b_hit[j] = True
            matches += 1
    if not matches:
        return 0.0
    b_chars = [ch for ch, hit in zip(b, b_hit, strict=True) if hit]
    a_chars = [ch for ch, hit in zip(a, a_hit, strict=True) if hit]
    transpositions = sum(x != y for x, y in zip(a_chars, b_chars, strict=True)) / 2
    jaro = (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


# --- Field comparisons -------------------------------------------------------------------------------


def _one_apart(a: str, b: str) -> bool:
    """Same length, and one digit different or two adjacent digits swapped."""
    if len(a) != len(b) or sum(map(str.__ne__, a, b)) > 2:  # the common case, counted in C
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diff) == 1:
        return True
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def compare_iin(a: str, b: str) -> str | None:
    if not a or not b:
        return None
    if a == b:
        return "exact"
    if not _one_apart(a, b):
        return "differ"
    return "near_valid" if _checksum_ok(a) and _checksum_ok(b) else "near"


def compare_phones(a: frozenset, b: frozenset) -> str | None:
    if not a or not b:
        return None
    if a & b:
        return "exact"
    return "near" if any(_one_apart(x, y) for x in a for y in b) else "differ"


def compare_dates(a: str, b: str) -> str | None:
    if not a or not b:
        return None
    if a == b:
        return "exact"
    if a[:4] == b[:4] and a[4:6] == b[6:8] and a[6:8] == b[4:6]:
        return "swapped"
    if _one_apart(a, b):
        return "near"
    if a[:4] == b[:4]:
        return "year"
    return "differ"


def compare_years(a: int | None, b: int | None) -> str | None:
    if not a or not b:
        return None
    if a == b:
        return "exact"
    return "near" if abs(a - b) == 1 else "differ"


def compare_names(a: NamePart | None, b: NamePart | None, *, patronymic: bool = False) -> str | None:
    if a is None or b is None:
        return None
    return _compare_folds(a.fold, b.fold, patronymic)


@functools.lru_cache(maxsize=262144)
def _compare_folds(a_fold: str, b_fold: str, patronymic: bool) -> str | None:  # names repeat a lot
    a, b = _part(a_fold), _part(b_fold)
    if a.initial or b.initial:
        if patronymic:
            return None
        return "initial" if a.fold[0] == b.fold[0] else "differ"
    if a.fold == b.fold:
        return "exact"
    if a.root == b.root:
        return "exact" if patronymic else "root"
    if min(len(a.fold), len(b.fold)) >= 3 and (
        one_edit(a.fold, b.fold) or (len(a.root) >= 3 and one_edit(a.root, b.root))
    ):
        return "typo"
    if patronymic:
        return "differ"
    if (len(a.skel) >= 3 and a.skel == b.skel) or jaro_winkler(a.fold, b.fold) >= 0.9:
        return "similar"
    return "differ"


# --- The model ---------------------------------------------------------------------------------------


@dataclass
class Comparison:
    probability: float
    levels: list[tuple[str, Level]] = field(default_factory=list)  # (field, level)

    def _shown(self) -> list[tuple[str, Level]]:
        shown = [(f, lvl, math.log(lvl.m / lvl.u)) for f, lvl in self.levels if lvl.reason]
        return [(f, lvl) for f, lvl, _w in sorted(shown, key=lambda x: -abs(x[2]))]

    @property
    def reasons(self) -> list[str]:
        """What spoke for and against, strongest first ("same birth date; surname matches ...")."""
        return [str(lvl.reason) for _f, lvl in self._shown()]

    @property
    def reason_codes(self) -> list[str]:
        """The reasons as codes ("birth_date:exact"), in the same order, to be stored and shown
        later in the reader's language (``reason_text``)."""
        return [f"{f}:{lvl.key}" for f, lvl in self._shown()]

    def explain(self) -> str:
        return "; ".join(self.reasons)


Frequencies = Callable[[str, str], float | None]  # (field, folded value) -> share of the population


class Matcher:
    """Compares prepared records. ``frequencies(field, fold)`` may give a name's share of the
    population (term frequency): a rare surname agreeing says more than "Ivanova" agreeing."""

    def __init__(
        self,
        *,
        frequencies: Frequencies | None = None,
        priors: dict | None = None,
        m: dict[tuple[str, str], float] | None = None,
    ):
        self.frequencies = frequencies
        self.priors = priors or PRIORS
        self._log_priors = tuple(math.log(self.priors[c]) for c in ("m", "r", "u"))
        # m re-estimated on the data being linked (people.estimate), by (field, level key)
        self.log_m = {key: math.log(value) for key, value in (m or {}).items()}
        self._exact_u: dict[tuple[str, str], float | None] = {}  # memo of exact_u
        self._best_mu: dict[tuple[str, str], float] = {}  # memo of _names_best_mu by a's names

    def exact_u(self, fieldname: str, fold: str) -> float | None:
        """u of two records agreeing exactly on this name: its share of the population."""
        if not self.frequencies:
            return None
        known = self._exact_u.get((fieldname, fold), False)
        if known is False:
            share = self.frequencies(fieldname, fold)
            known = self._exact_u[(fieldname, fold)] = max(min(share, 0.5), 1e-6) if share else None
        return known

    def _name_u(self, fieldname: str, key: str, a: Prepared) -> float | None:
        """u of the level from the frequency of a's name, when the names agree exactly."""
        if key != "exact" or fieldname not in FREQUENCY_FIELDS:
            return None
        part = a.surname if fieldname == "surname" else a.given
        return self.exact_u(fieldname, part.fold) if part else None

    def level(self, fieldname: str, key: str, a: Prepared) -> Level:
        level = FIELDS[fieldname][key]
        u = self._name_u(fieldname, key, a)
        return Level(level.key, level.m, level.r, u, level.reason) if u else level

    def _names(self, a: Prepared, b: Prepared, swapped: bool) -> list[tuple[str, str]]:
        b_given, b_surname = (b.surname, b.given) if swapped else (b.given, b.surname)
        found = [
            ("surname", compare_names(a.surname, b_surname)),
            ("given_name", compare_names(a.given, b_given)),
            ("patronymic", compare_names(a.patronymic, b.patronymic, patronymic=True)),
            (
                "order",
                ("swapped" if swapped else "kept")
                if a.surname and a.given and b.surname and b.given
                else None,
            ),
        ]
        return [(name, key) for name, key in found if key]

    def _log_ratio(self, a: Prepared, keys: list[tuple[str, str]]) -> float:
        total = 0.0
        for name, key in keys:
            level = FIELDS[name][key]
            u = self._name_u(name, key, a)
            total += level.logs[0] - (math.log(u) if u else level.logs[2])
        return total

    def keys(self, a: Prepared, b: Prepared) -> list[tuple[str, str]]:
        """The level of every field both records have, as (field, level key), in FIELDS order;
        the name order (kept or swapped) is the one that speaks more for the same person."""
        return self._number_keys(a, b) + self._name_keys(a, b)

    def _number_keys(self, a: Prepared, b: Prepared) -> list[tuple[str, str]]:
        """The levels of every field but the names (cheap to compare)."""
        found = [
            ("iin", compare_iin(a.iin, b.iin)),
            ("phone", compare_phones(a.phones, b.phones)),
            ("birth_date", compare_dates(a.dob, b.dob)),
            ("sex", ("exact" if a.sex == b.sex else "differ") if a.sex and b.sex else None),
            ("region", ("exact" if a.region == b.region else "differ") if a.region and b.region else None),
            ("birth_year", None if a.dob and b.dob else compare_years(a.year, b.year)),
        ]
        return [(name, key) for name, key in found if key]

    def _name_keys(self, a: Prepared, b: Prepared) -> list[tuple[str, str]]:
        kept = self._names(a, b, False)
        if all(key in ("exact", "root", "kept") for _f, key in kept):
            return kept
        swapped = self._names(a, b, True)
        return max(kept, swapped, key=lambda names: self._log_ratio(a, names))

    def compare(self, a: Prepared, b: Prepared) -> Comparison:
        levels = [(name, self.level(name, key, a)) for name, key in self.keys(a, b)]
        return Comparison(self.posterior(levels), levels)

    def _names_best_mu(self, a: Prepared) -> float:
        """The most the names can add to log m - log u against a: the tables' bound, or with
        names' shares, the bound with an exact name's u from the share of a's name."""
        if not self.frequencies:
            return _NAMES_BEST_MU
        key = (a.surname.fold if a.surname else "", a.given.fold if a.given else "")
        best = self._best_mu.get(key)
        if best is None:
            logs = [[self.level(name, k, a).logs for k in table] for name, table in NAME_TABLES]
            best = self._best_mu[key] = sum(max(0.0, *(lg[0] - lg[2] for lg in t)) for t in logs)
        return best

    def compare_above(self, a: Prepared, b: Prepared, threshold: float) -> Comparison | None:
        """``compare(a, b)`` when its probability reaches ``threshold``, else None — and None
        without comparing the names when even names agreeing in full could not lift the pair
        there (the duplicate search's many pairs of two women who share a name and nothing
        else). The same answer as ``compare``, only sooner."""
        numbers = self._number_keys(a, b)
        if not self.log_m:  # re-estimated m would move the bound; none are in the duplicate search
            lm, lr, lu = self._log_priors
            for name, key in numbers:
                m, r, u = FIELDS[name][key].logs
                lm, lr, lu = lm + m, lr + r, lu + u
            against_r = min(lr - lm - _NAMES_BEST_MR, 700.0)
            against_u = min(lu - lm - self._names_best_mu(a), 700.0)
            if 1.0 / (1.0 + math.exp(against_r) + math.exp(against_u)) < threshold:
                return None
        keys = numbers + self._name_keys(a, b)
        levels = [(name, self.level(name, key, a)) for name, key in keys]
        result = Comparison(self.posterior(levels), levels)
        return result if result.probability >= threshold else None

    def posterior(self, levels: list[tuple[str, Level]]) -> float:
        lm, lr, lu = (math.log(self.priors[c]) for c in ("m", "r", "u"))
        for name, level in levels:
            m, r, u = level.logs
            lm += self.log_m.get((name, level.key), m)
            lr += r
            lu += u
        top = max(lm, lr, lu)
        return math.exp(lm - top) / (math.exp(lm - top) + math.exp(lr - top) + math.exp(lu - top))


NAME_TABLES = (
    ("surname", SURNAME_LEVELS),
    ("given_name", GIVEN_LEVELS),
    ("patronymic", PATRONYMIC_LEVELS),
    ("order", ORDER_LEVELS),
)


def _names_best(against: int) -> float:
    """The most the name fields can add to log m - log r (against=1) or log m - log u (2): each
    name field at its best level, or left out (missing) when every level speaks against."""
    return sum(max(0.0, *(lvl.logs[0] - lvl.logs[against] for lvl in t.values())) for _f, t in NAME_TABLES)


_NAMES_BEST_MR, _NAMES_BEST_MU = _names_best(1), _names_best(2)


DEFAULT = Matcher()


def compare(a: Record | Prepared, b: Record | Prepared, matcher: Matcher = DEFAULT) -> Comparison:
    """Compare two records (prepared or not) with the default model."""
    pa = a if isinstance(a, Prepared) else prepare(a)
    pb = b if isinstance(b, Prepared) else prepare(b)
    return matcher.compare(pa, pb)


# --- IIN corrections: what she may have meant -------------------------------------------------------


def _checksum_ok(digits: str) -> bool:
    if len(digits) != 12:
        return False
    values = [int(c) for c in digits]
    check = sum(d * w for d, w in zip(values[:11], FIRST_PASS_WEIGHTS, strict=True)) % 11
    if check == 10:
        check = sum(d * w for d, w in zip(values[:11], SECOND_PASS_WEIGHTS, strict=True)) % 11
        if check == 10:
            return False
    return check == values[11]


def iin_corrections(raw: str) -> list[str]:
    """Valid IINs one adjacent transposition or one wrong digit away from a typed number that
    fails its check digit (the typed number itself first when it is valid). Nothing for text
    that is not 12 digits."""
    digits = _NOT_DIGIT.sub("", raw or "")
    if len(digits) != 12 or len(raw.replace(" ", "").replace("-", "").strip()) != 12:
        return []
    if _checksum_ok(digits):
        return [digits]
    found = []
    for i in range(11):
        swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
        if swapped != digits and _checksum_ok(swapped):
            found.append(swapped)
    for i in range(12):
        for d in "0123456789":
            if d != digits[i]:
                candidate = digits[:i] + d + digits[i + 1 :]
                if _checksum_ok(candidate) and iin_birth_date(candidate):
                    found.append(candidate)
    return list(dict.fromkeys(found))


def date_variants(day: date) -> list[date]:
    """The date, with day and month swapped, and every date one digit away (typing mistakes)."""
    text = day.strftime("%Y%m%d")
    out = [day]
    if day.day <= 12 and day.day != day.month:
        out.append(date(day.year, day.day, day.month))
    for i in range(8):
        for d in "0123456789":
            if d == text[i]:
                continue
            candidate = text[:i] + d + text[i + 1 :]
            try:
                parsed = date(int(candidate[:4]), int(candidate[4:6]), int(candidate[6:]))
            except ValueError:
                continue
            if 1900 <= parsed.year <= 2100:
                out.append(parsed)
    return list(dict.fromkeys(out))


# --- Blocking keys (for linking registers in memory; the database uses the blind indexes) -----------


def blocking_keys(p: Prepared) -> set[str]:
    """Keys that two records of one person very probably share at least one of, and that few
    unrelated records share: the IIN (and its birth-date digits with the serial), the phone, the
    birth date with a name initial, the roots of both names, and their skeletons with the decade.
    (One name's root with the year of birth was a key too: at 25,000 records it made 40% of the
    pairs and found 3 of 16,430 true pairs that no other key found.)"""
    keys = set()
    if p.iin:
        keys.add("i:" + p.iin)
        keys.update(_number_masks("i", p.iin))
    for phone in p.phones:
        keys.add("p:" + phone)
        keys.update(_number_masks("p", phone))
    names = [n for n in (p.given, p.surname) if n and not n.initial]
    if p.dob:
        ymd = [p.dob]
        if p.dob[4:6] != p.dob[6:8]:
            ymd.append(p.dob[:4] + p.dob[6:8] + p.dob[4:6])
        for d in ymd:
            for n in names:
                keys.add(f"dn:{d}:{n.fold[0]}")
    if len(names) == 2:
        pair = sorted(n.skel for n in names)
        keys.add(f"ss:{':'.join(pair)}:{p.year // 10 if p.year else ''}")
        keys.add("rr:" + ":".join(sorted(n.root for n in names)))
    return keys


def _number_masks(kind: str, digits: str) -> set[str]:
    """The number with one window of digits masked, for windows that overlap by one digit: one
    wrong digit or two neighbours swapped fall inside some window, so the two numbers share
    that key, while the unmasked digits keep the key specific (8 of an IIN's 12)."""
    width = 4 if len(digits) >= 10 else 3
    step = width - 1
    keys = set()
    for start in range(0, max(len(digits) - 1, 1), step):
        keys.add(f"{kind}{start}:{digits[:start]}*{digits[start + width :]}")
    return keys


def candidate_pairs(
    left: list[Prepared], right: list[Prepared], *, max_block: int = 200
) -> Iterable[tuple[int, int]]:
    """Index pairs (i, j) sharing a blocking key; a key held by more than max_block records on
    either side (a common name with no date) is too unspecific to compare by."""
    blocks: dict[str, list[int]] = {}
    for j, p in enumerate(right):
        for key in blocking_keys(p):
            blocks.setdefault(key, []).append(j)
    for i, p in enumerate(left):
        found: dict[int, None] = {}  # this record's partners, each once, in the order found
        for key in blocking_keys(p):
            members = blocks.get(key)
            if members and len(members) <= max_block:
                found.update(dict.fromkeys(members))
        for j in found:
            yield i, j


A = TypeVar("A")
B = TypeVar("B")


def one_to_one(scored: Iterable[tuple[float, A, B]]) -> list[tuple[float, A, B]]:
    """Greedy one-to-one assignment: the most probable pairs first, each record used once."""
    used_a: set[A] = set()
    used_b: set[B] = set()
    out = []
    for prob, a, b in sorted(scored, key=lambda x: (-x[0], str(x[1]), str(x[2]))):
        if a in used_a or b in used_b:
            continue
        used_a.add(a)
        used_b.add(b)
        out.append((prob, a, b))
    return out
