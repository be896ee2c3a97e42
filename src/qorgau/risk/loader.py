"""Risk instruments as data: one YAML file per instrument version, validated strictly.

Layout: ``<dir>/<instrument id>/<version>.yaml`` under each of ``settings.QORGAU_INSTRUMENT_DIRS``.
A published version is never edited: a change is a new version file, so an assessment made with
version 1 is evaluated by version 1 for ever (its stored digest notices an edit in place).

The loader refuses a file, naming it and every problem, when it has unknown or missing keys, a
missing kk/ru/en translation, duplicate item ids, rules referring to unknown items or levels, or
score bands that overlap, leave a gap, or give a lower level to a higher score. The file format is
described in docs/risk-instruments.md.
"""

import hashlib
import logging
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import pairwise
from pathlib import Path

import yaml
from django.conf import settings

from qorgau.core.i18n import LANGUAGE_CODES, pick
from qorgau.risk.levels import RiskLevel

logger = logging.getLogger(__name__)

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
ITEM_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]{0,62}$")
RULE_TYPES = ("count", "weighted", "trigger", "k_of")
BANDED = ("count", "weighted")


class InstrumentError(Exception):
    """A bad or missing instrument file; the message names the file and every problem."""

    def __init__(self, path, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        super().__init__("\n".join(f"{self.path}: {p}" for p in problems))


# --- The instrument, as the engine sees it ----------------------------------------------------------


@dataclass(frozen=True)
class Item:
    id: str
    number: int  # 1-based position, as the assessor sees it
    text: dict[str, str]
    hint: dict[str, str] | None
    weight: int

    def label(self, lang: str | None = None) -> str:
        return pick(self.text, lang)


@dataclass(frozen=True)
class InstrumentLevel:
    """One of the instrument's own levels and where it sits on the shared scale."""

    key: str
    scale: RiskLevel
    label: dict[str, str]

    def name(self, lang: str | None = None) -> str:
        return pick(self.label, lang)


@dataclass(frozen=True)
class Band:
    min: int
    max: int | None  # None: and above
    level: str

    def holds(self, score: int) -> bool:
        return self.min <= score and (self.max is None or score <= self.max)


@dataclass(frozen=True)
class Rule:
    type: str  # count | weighted | trigger | k_of
    items: tuple[str, ...]
    level: str | None = None  # trigger, k_of
    k: int | None = None  # k_of
    bands: tuple[Band, ...] = ()  # count, weighted
    label: dict[str, str] | None = None


@dataclass(frozen=True)
class Instrument:
    id: str
    version: int
    title: dict[str, str]
    description: dict[str, str] | None
    source: str
    max_unknown: int
    placeholder_weights: bool
    levels: tuple[InstrumentLevel, ...]  # lowest first; the first is the floor
    items: tuple[Item, ...]
    rules: tuple[Rule, ...]
    digest: str  # sha256 of the file: an assessment stores it to notice an edited version
    path: str = field(compare=False)

    def name(self, lang: str | None = None) -> str:
        return pick(self.title, lang)

    def item(self, item_id: str) -> Item:
        return self.items_by_id[item_id]

    def level(self, key: str) -> InstrumentLevel:
        return self.levels_by_key[key]

    def level_on_scale(self, scale: RiskLevel) -> InstrumentLevel | None:
        """The instrument's own name for a level of the shared scale, if it has one."""
        return next((lv for lv in self.levels if lv.scale == scale), None)

    # Instruments are cached and evaluated often: build the look-ups once.
    @cached_property
    def items_by_id(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}

    @cached_property
    def levels_by_key(self) -> dict[str, InstrumentLevel]:
        return {lv.key: lv for lv in self.levels}


# --- Finding files ----------------------------------------------------------------------------------


def instrument_dirs() -> list[Path]:
    return [Path(d) for d in settings.QORGAU_INSTRUMENT_DIRS]


def instrument_files() -> list[Path]:
    """Every ``<id>/<version>.yaml`` in the instrument directories (and stray YAML, to refuse it)."""
    files: list[Path] = []
    for root in instrument_dirs():
        if root.is_dir():
            files.extend(sorted(root.glob("*.yaml")) + sorted(root.glob("*.yml")))
            files.extend(sorted(root.glob("*/*.yaml")) + sorted(root.glob("*/*.yml")))
    return files


def _versions_of(instrument_id: str) -> dict[int, Path]:
    found: dict[int, Path] = {}
    if not ID_PATTERN.match(instrument_id):  # never let an id walk out of the directories
        return found
    for root in instrument_dirs():
        for path in sorted((root / instrument_id).glob("*.yaml")):
            if not path.stem.isdigit():
                continue
            version = int(path.stem)
            if version in found:
                raise InstrumentError(path, [f"version {version} is also defined in {found[version]}"])
            found[version] = path
    return found


def get_instrument(instrument_id: str, version: int | None = None) -> Instrument:
    """Exactly that version (an assessment's pinned one), or the newest when version is None."""
    versions = _versions_of(instrument_id)
    if not versions:
        raise InstrumentError(instrument_id, ["no such instrument"])
    if version is None:
        version = max(versions)
    if version not in versions:
        raise InstrumentError(instrument_id, [f"version {version} not found (have {sorted(versions)})"])
    return load_file(versions[version])


def available_instruments() -> list[Instrument]:
    """The newest version of every instrument, for choosing one. A bad file is logged and left
    out rather than taking every instrument down with it; `qorgau check` and
    `qorgau instruments check` refuse it loudly."""
    roots = instrument_dirs()
    ids = sorted({p.parent.name for p in instrument_files() if p.parent not in roots})
    result = []
    for instrument_id in ids:
        try:
            result.append(get_instrument(instrument_id))
        except InstrumentError as exc:
            logger.error("risk instrument left out: %s", exc)
    return result


def check_all() -> list[InstrumentError]:
    """Validate every file; return the problems (empty when all are good)."""
    errors: list[InstrumentError] = []
    seen: dict[tuple[str, int], Path] = {}
    roots = instrument_dirs()
    for path in instrument_files():
        if path.parent in roots or path.suffix != ".yaml" or not path.stem.isdigit():
            errors.append(InstrumentError(path, ["instrument files must be named <id>/<version>.yaml"]))
            continue
        try:
            instrument = load_file(path)
        except InstrumentError as exc:
            errors.append(exc)
            continue
        key = (instrument.id, instrument.version)
        if key in seen:
            errors.append(
                InstrumentError(path, [f"version {key[1]} of {key[0]} is also defined in {seen[key]}"])
            )
        seen[key] = path
    return errors


def load_file(path: Path) -> Instrument:
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise InstrumentError(path, [f"cannot read the file ({exc.strerror})"]) from exc
    return _load_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _load_cached(path: str, _mtime_ns: int, _size: int) -> Instrument:
    # Keyed by modification time and size as well: an edited file is read again, not served stale.
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InstrumentError(path, [f"cannot read the file ({exc.strerror})"]) from exc
    try:
        data = yaml.load(raw, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise InstrumentError(path, [f"not valid YAML: {exc}"]) from exc
    return _Validator(Path(path), hashlib.sha256(raw).hexdigest()).instrument(data)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice (PyYAML silently keeps the last one)."""

    def construct_mapping(self, node, deep=False):
        keys = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in keys:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice", key_node.start_mark
                )
            keys.add(key)
        return super().construct_mapping(node, deep=deep)


# --- Validation -------------------------------------------------------------------------------------


class _Stop(Exception):
    """The file is too broken to look further."""


class _Validator:
    TOP = {
        "id": True,
        "version": True,
        "title": True,
        "description": False,
        "source": True,
        "max_unknown": True,
        "placeholder_weights": False,
        "levels": True,
        "items": True,
        "rules": True,
    }

    def __init__(self, path: Path, digest: str):
        self.path = path
        self.digest = digest
        self.problems: list[str] = []

    def fail(self, where: str, problem: str) -> None:
        self.problems.append(f"{where}: {problem}" if where else problem)

    def instrument(self, data) -> Instrument:
        try:
            result = self._instrument(data)
        except _Stop:
            result = None
        if self.problems or result is None:
            raise InstrumentError(self.path, self.problems or ["the file is not a valid instrument"])
        return result

    def _mapping(self, value, where: str, spec: dict[str, bool]) -> dict:
        if not isinstance(value, dict):
            self.fail(where, "must be a mapping of keys to values")
            raise _Stop
        for key in value:
            if key not in spec:
                self.fail(where, f"unknown key {key!r} (allowed: {', '.join(spec)})")
        for key, required in spec.items():
            if required and key not in value:
                self.fail(where, f"missing required key {key!r}")
        return value

    def _list(self, value, where: str) -> list:
        if not isinstance(value, list) or not value:
            self.fail(where, "must be a non-empty list")
            raise _Stop
        return value

    def _int(self, value, where: str, minimum: int = 0) -> int | None:
        # bool is an int in Python; "yes" in YAML must not become 1.
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.fail(where, f"must be a whole number of at least {minimum}")
            return None
        return value

    def _text(self, value, where: str) -> dict[str, str]:
        if not isinstance(value, dict):
            self.fail(where, f"must give the wording in {', '.join(LANGUAGE_CODES)}")
            return {}
        for lang in value:
            if lang not in LANGUAGE_CODES:
                self.fail(where, f"unknown language {lang!r} (allowed: {', '.join(LANGUAGE_CODES)})")
        for lang in LANGUAGE_CODES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.fail(where, f"missing the {lang} translation")
        return {lang: str(value.get(lang, "")).strip() for lang in LANGUAGE_CODES}

    def _instrument(self, data) -> Instrument:
        if data is None:
            self.fail("", "the file is empty")
            raise _Stop
        data = self._mapping(data, "", self.TOP)
        instrument_id = data.get("id")
        if not isinstance(instrument_id, str) or not ID_PATTERN.match(instrument_id):
            self.fail("id", "must be lower-case letters, digits and hyphens")
        elif instrument_id != self.path.parent.name:
            self.fail("id", f"{instrument_id!r} does not match the directory {self.path.parent.name!r}")
        version = self._int(data.get("version"), "version", minimum=1)
        if version is not None and str(version) != self.path.stem:
            self.fail("version", f"{version} does not match the file name {self.path.name!r}")
        title = self._text(data.get("title"), "title")
        description = self._text(data["description"], "description") if "description" in data else None
        source = data.get("source")
        if not isinstance(source, str) or not source.strip():
            self.fail("source", "must cite where the instrument's structure and scoring come from")
        max_unknown = self._int(data.get("max_unknown"), "max_unknown")
        placeholder = data.get("placeholder_weights", False)
        if not isinstance(placeholder, bool):
            self.fail("placeholder_weights", "must be true or false")
        levels = self._levels(data.get("levels"))
        items = self._items(data.get("items"))
        rules = self._rules(data.get("rules"), items, levels)
        if max_unknown is not None and max_unknown >= len(items):
            self.fail("max_unknown", f"must be below the number of items ({len(items)})")
        if self.problems or version is None or max_unknown is None:  # required: already a problem
            raise _Stop
        return Instrument(
            id=instrument_id,
            version=version,
            title=title,
            description=description,
            source=" ".join(source.split()),
            max_unknown=max_unknown,
            placeholder_weights=placeholder,
            levels=levels,
            items=items,
            rules=rules,
            digest=self.digest,
            path=str(self.path),
        )

    def _levels(self, value) -> tuple[InstrumentLevel, ...]:
        levels: list[InstrumentLevel] = []
        for n, entry in enumerate(self._list(value, "levels"), start=1):
            where = f"levels[{n}]"
            entry = self._mapping(entry, where, {"key": True, "scale": True, "label": True})
            key, scale = entry.get("key"), entry.get("scale")
            if not isinstance(key, str) or not ITEM_ID_PATTERN.match(key):
                self.fail(where, "key must be lower-case letters, digits and underscores")
                continue
            if any(lv.key == key for lv in levels):
                self.fail(where, f"level {key!r} is defined twice")
                continue
            if scale not in {lv.key for lv in RiskLevel}:
                self.fail(where, f"scale must be one of {', '.join(lv.key for lv in RiskLevel)}")
                continue
            level = InstrumentLevel(key, RiskLevel.from_key(scale), self._text(entry.get("label"), where))
            if levels and level.scale <= levels[-1].scale:
                self.fail(
                    where, "levels must be listed from the lowest, each higher on the scale than the last"
                )
            levels.append(level)
        return tuple(levels)

    def _items(self, value) -> tuple[Item, ...]:
        items: list[Item] = []
        for n, entry in enumerate(self._list(value, "items"), start=1):
            where = f"items[{n}]"
            entry = self._mapping(entry, where, {"id": True, "text": True, "hint": False, "weight": False})
            item_id = entry.get("id")
            if not isinstance(item_id, str) or not ITEM_ID_PATTERN.match(item_id):
                self.fail(where, "id must be lower-case letters, digits and underscores")
                continue
            if any(i.id == item_id for i in items):
                self.fail(where, f"duplicate item id {item_id!r}")
                continue
            weight = self._int(entry.get("weight", 1), f"{where}.weight")
            hint = self._text(entry["hint"], f"{where}.hint") if "hint" in entry else None
            items.append(Item(item_id, n, self._text(entry.get("text"), f"{where}.text"), hint, weight or 0))
        return tuple(items)

    def _rules(self, value, items, levels) -> tuple[Rule, ...]:
        item_ids = [i.id for i in items]
        level_keys = {lv.key: lv for lv in levels}
        rules = []
        for n, entry in enumerate(self._list(value, "rules"), start=1):
            where = f"rules[{n}]"
            kind = entry.get("type") if isinstance(entry, dict) else None
            if kind not in RULE_TYPES:
                self.fail(where, f"type must be one of {', '.join(RULE_TYPES)}")
                continue
            spec = {"type": True, "items": kind not in BANDED, "label": False}
            spec.update({"bands": True} if kind in BANDED else {"level": True})
            if kind == "k_of":
                spec["k"] = True
            entry = self._mapping(entry, where, spec)
            rule_items = self._rule_items(entry.get("items", item_ids), item_ids, where)
            label = self._text(entry["label"], f"{where}.label") if "label" in entry else None
            if kind in BANDED:
                weights = {i.id: i.weight for i in items}
                top = len(rule_items) if kind == "count" else sum(weights.get(i, 0) for i in rule_items)
                bands = self._bands(entry.get("bands"), f"{where}.bands", top, level_keys)
                rules.append(Rule(kind, rule_items, bands=bands, label=label))
                continue
            level = entry.get("level")
            if level not in level_keys:
                self.fail(f"{where}.level", f"unknown level {level!r} (defined: {', '.join(level_keys)})")
            k = None
            if kind == "k_of":
                k = self._int(entry.get("k"), f"{where}.k", minimum=1)
                if k is not None and k > len(rule_items):
                    self.fail(f"{where}.k", f"{k} is more than the rule's {len(rule_items)} items")
            rules.append(Rule(kind, rule_items, level=level, k=k, label=label))
        return tuple(rules)

    def _rule_items(self, value, item_ids: list[str], where: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            self.fail(f"{where}.items", "must be a non-empty list of item ids")
            return ()
        for item_id in value:
            if item_id not in item_ids:
                self.fail(f"{where}.items", f"unknown item {item_id!r}")
        if len(set(value)) != len(value):
            self.fail(f"{where}.items", "an item is listed twice")
        return tuple(i for i in value if i in item_ids)

    def _bands(self, value, where: str, top: int, level_keys: dict) -> tuple[Band, ...]:
        bands: list[Band] = []
        problems_before = len(self.problems)
        for n, entry in enumerate(self._list(value, where), start=1):
            at = f"{where}[{n}]"
            entry = self._mapping(entry, at, {"min": True, "max": False, "level": True})
            low = self._int(entry.get("min"), f"{at}.min")
            high = self._int(entry["max"], f"{at}.max") if "max" in entry else None
            if entry.get("level") not in level_keys:
                self.fail(
                    f"{at}.level", f"unknown level {entry.get('level')!r} (defined: {', '.join(level_keys)})"
                )
                continue
            if low is None or ("max" in entry and high is None):
                continue
            if high is not None and high < low:
                self.fail(at, f"max {high} is below min {low}")
                continue
            bands.append(Band(low, high, entry["level"]))
        if len(self.problems) > problems_before:
            return tuple(bands)
        # Every possible score (0 to the top) in exactly one band, listed from the lowest.
        if bands[0].min > 0:
            self.fail(where, f"gap: {_scores(0, bands[0].min - 1)} no band")
        for before, after in pairwise(bands):
            end = before.max
            if end is None or after.min <= end:
                self.fail(where, f"overlap: bands {_span(before)} and {_span(after)} share scores")
            elif after.min > end + 1:
                self.fail(where, f"gap: {_scores(end + 1, after.min - 1)} no band")
            if level_keys[after.level].scale < level_keys[before.level].scale:
                self.fail(where, f"band {_span(after)} gives a lower level than band {_span(before)}")
        last = bands[-1]
        if last.max is not None and last.max < top:
            self.fail(where, f"gap: {_scores(last.max + 1, top)} no band")
        return tuple(bands)


def _scores(low: int, high: int) -> str:
    return f"score {low} has" if low == high else f"scores {low}–{high} have"


def _span(band: Band) -> str:
    return f"{band.min}+" if band.max is None else f"{band.min}–{band.max}"
