"""Helpers for data that carries its own kk/ru/en wording (regions, agencies, services)."""

from django.utils.translation import get_language

LANGUAGE_CODES = ("kk", "ru", "en")


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
