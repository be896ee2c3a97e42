"""Helpers for data that carries its own kk/ru/en wording (regions, agencies, services)."""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = ("kk", "ru", "en")

# A language she speaks, named in the reader's language ("Kazakh", «казахский»); the interface
# language switch names each language in itself instead.
LANGUAGE_NAMES = {
    "kk": _("Kazakh"),
    "ru": _("Russian"),
    "en": _("English"),
    "other": _("another language"),
}


def current_language() -> str:
    lang = (get_language() or "kk").split("-")[0]
    return lang if lang in LANGUAGE_CODES else "kk"


def pick(values: dict, lang: str | None = None) -> str:
    """The value for the active language, falling back to any non-empty one."""
    lang = lang or current_language()
    if values.get(lang):
        return values[lang]
    for code in LANGUAGE_CODES:
        if values.get(code):
            return values[code]
    return ""


class LocalizedNameMixin:
    """For models with name_kk, name_ru and name_en: `obj.name` in the active language."""

    @property
    def name(self) -> str:
        return pick({code: getattr(self, f"name_{code}", "") for code in LANGUAGE_CODES})
