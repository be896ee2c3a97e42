"""Template helpers for case pages: timeline sentences and care-window countdowns."""

from django import template
from django.utils.translation import gettext_lazy as _

from qorgau.cases import extensions
from qorgau.cases.models import Case, Consent, Incident, Section
from qorgau.people.models import Person

register = template.Library()

EVENT_TEXT = {
    "case_opened": _("Case opened (came through: %(entry_point)s)"),
    "incident_recorded": _("Incident recorded: %(gbv_type)s"),
    "account_recorded": _("Her account was recorded"),
    "note_added": _("Note added in section “%(section)s”"),
    "person_added": _("Person added: %(role)s"),
    "person_updated": _("Person details changed: %(role)s"),
    "status_changed": _("Status changed to “%(status)s”"),
    "assigned": _("Caseworker assigned"),
    "case_updated": _("Case details changed"),
    "consent_recorded": _("Consent recorded: %(purpose)s"),
    "consent_withdrawn": _("Consent withdrawn: %(purpose)s"),
    "emergency_granted": _("Emergency access granted to %(agency)s for %(hours)s hours"),
    "emergency_revoked": _("Emergency access revoked"),
    "emergency_reviewed": _("Emergency access reviewed"),
    "access_requested": _("%(agency)s asked for access"),
}

_LABELS = {
    "entry_point": dict(Case.EntryPoint.choices),
    "gbv_type": dict(Incident.GbvType.choices),
    "section": dict(Section.choices),
    "role": dict(Person.Role.choices),
    "status": dict(Case.Status.choices),
    "purpose": dict(Consent.Purpose.choices),
}


@register.filter
def timeline_text(event) -> str:
    template_text = EVENT_TEXT.get(event.kind) or extensions.EVENT_TEXT.get(event.kind)
    if template_text is None:  # kinds added by other apps carry their own text key
        return event.params.get("text", event.kind)
    params = {key: (_LABELS.get(key) or extensions.EVENT_LABELS.get(key, {})).get(value, value)
              for key, value in event.params.items()}
    if event.kind == "note_added":
        params.setdefault("section", _LABELS["section"].get(event.section, event.section))
    try:
        return str(template_text) % params
    except (KeyError, TypeError, ValueError):
        return str(template_text)


@register.filter
def section_label(code: str) -> str:
    return dict(Section.choices).get(code, code)


@register.filter
def kind_label(code: str) -> str:
    from qorgau.accounts.models import Agency

    return dict(Agency.Kind.choices).get(code, code)


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
