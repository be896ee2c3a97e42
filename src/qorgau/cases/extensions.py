"""Where other apps plug into the case page (risk, referrals) without editing its template.

Call these from an AppConfig.ready(); each callable gets (request, detail) — detail is the
CaseDetail the selector built, already limited to what the viewer may see — and returns a dict
{"template": ..., **context} or None when it has nothing to show.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

_SECTIONS: list[tuple[int, Callable]] = []
_BADGES: list[tuple[int, Callable]] = []
_SUMMARY_PARTS: list[tuple[int, Callable]] = []
LIST_COLUMNS: dict = {}  # key -> ListColumn, in the order registered


@dataclass(frozen=True)
class ListColumn:
    """A column another app adds to the case list, computed in the list's one query.

    `annotation()` is a query expression over the case; the list shows it only for cases whose
    `section` the reader sees (NULL otherwise, so neither the value nor the sort order or a
    filter reveals it). `display(value)` is what the cell shows; `filters` are (code, label,
    Q over the annotation) choices."""

    key: str
    label: object
    section: str
    annotation: Callable
    display: Callable
    css: Callable = lambda value: ""
    filters: tuple = field(default_factory=tuple)


EVENT_TEXT: dict = {}
PARAM_LABELS: dict = {}


def _register(registry, func, order):
    if all(existing is not func for _, existing in registry):
        registry.append((order, func))
        registry.sort(key=lambda pair: pair[0])


def register_case_section(func: Callable, order: int = 100) -> None:
    """A section of the case page (rendered after the incidents, before the notes)."""
    _register(_SECTIONS, func, order)


def register_case_badge(func: Callable, order: int = 100) -> None:
    """A badge in the case page's header, e.g. the current risk level."""
    _register(_BADGES, func, order)


def register_summary_part(func: Callable, order: int = 100) -> None:
    """A part of the printed case summary: func(actor, detail) returns (heading, [(label, value)])
    in the active language, or None (e.g. the risk level, for readers who see the safety section)."""
    _register(_SUMMARY_PARTS, func, order)


def register_list_column(column: ListColumn) -> None:
    LIST_COLUMNS[column.key] = column


def register_event_texts(texts: dict) -> None:
    """Timeline sentences for event kinds an app writes ({kind: lazy translated text})."""
    EVENT_TEXT.update(texts)


def register_param_labels(labels: dict) -> None:
    """Translated names for the codes an app's timeline entries carry ({param: {code: lazy text}}),
    e.g. {"level": {"high": _("High")}}: entries keep codes, the reader sees words."""
    for param, choices in labels.items():
        PARAM_LABELS.setdefault(param, {}).update(choices)


def case_sections(request, detail) -> list[dict]:
    return [s for _, func in _SECTIONS if (s := func(request, detail)) is not None]


def case_badges(request, detail) -> list[dict]:
    return [b for _, func in _BADGES if (b := func(request, detail)) is not None]


def summary_parts(actor, detail) -> list:
    return [p for _, func in _SUMMARY_PARTS if (p := func(actor, detail)) is not None]
