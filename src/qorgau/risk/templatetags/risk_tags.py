"""Template helpers for risk pages: level names, badge classes, colours for the chart."""

from django import template

from qorgau.core.i18n import pick
from qorgau.risk.levels import Answer, RiskLevel

register = template.Library()

_CLASS = {1: "low", 2: "medium", 3: "high", 4: "danger"}
# Chart colours (presentation attributes, so the strict CSP holds); contrast checked on white.
_COLOUR = {1: "#1e6b3a", 2: "#8a4b00", 3: "#a11d2b", 4: "#5c0a14"}


def _level(value) -> RiskLevel | None:
    try:
        return RiskLevel(int(value))
    except (TypeError, ValueError):
        return None


@register.filter
def level_class(value) -> str:
    level = _level(value)
    return _CLASS[level] if level else ""


@register.filter
def level_colour(value) -> str:
    level = _level(value)
    return _COLOUR[level] if level else "#55566a"


@register.filter
def level_name(value) -> str:
    level = _level(value)
    return str(level.label) if level else "—"


@register.filter
def answer_label(value) -> str:
    return str(dict(Answer.choices).get(value, value))


@register.filter
def local(values) -> str:
    """A {kk, ru, en} mapping in the reader's language."""
    return pick(values) if isinstance(values, dict) else ""


@register.filter
def instrument_name(instrument_id: str) -> str:
    """The instrument's title in the reader's language (its id if the file is gone)."""
    from qorgau.risk.loader import InstrumentError, get_instrument

    try:
        return get_instrument(instrument_id).name()
    except InstrumentError:
        return instrument_id


@register.filter
def words_for(words: dict, item_id: str) -> str:
    """Her words beside one answer of an assessment."""
    return (words or {}).get(item_id, "")
