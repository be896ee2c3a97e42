"""Template helpers for case pages: timeline sentences and care-window countdowns."""

from django import template

from qorgau.cases.models import Section

register = template.Library()


@register.filter
def section_label(code: str) -> str:
    return str(dict(Section.choices).get(code, code))


@register.filter
def kind_label(code: str) -> str:
    from qorgau.accounts.models import Agency

    return str(dict(Agency.Kind.choices).get(code, code))


@register.inclusion_tag("cases/_countdown.html")
def countdown(window):
    return {"w": window}


@register.filter
def hours_part(delta) -> int:
    return int(delta.total_seconds() // 3600)


@register.filter
def minutes_part(delta) -> int:
    return int(delta.total_seconds() % 3600 // 60)


@register.filter
def split_words(text: str) -> list[str]:
    return text.split()


@register.filter
def field(form, name: str):
    """A bound field by name, or None (lets templates lay out fields in groups)."""
    return form[name] if name in form.fields else None


@register.filter
def consent_recipient(consent) -> str:
    """Whom a consent lets her case go to, plainly ("… anywhere in Kazakhstan")."""
    from qorgau.cases.consent_scope import consent_recipient_text

    return consent_recipient_text(consent)
