"""Template filters every app uses."""

from django import template

from qorgau.core.i18n import LANGUAGE_NAMES

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    """A language code she chose ("kk") as the reader says it ("Kazakh", «казахский»)."""
    return str(LANGUAGE_NAMES.get(code, code or ""))
