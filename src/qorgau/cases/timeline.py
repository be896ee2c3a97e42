"""The case timeline in words: each event kind has a sentence; its parameters (codes and ids,
never names or free text) are turned into labels in the reader's language, in bulk."""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from qorgau.cases import extensions
from qorgau.cases.models import Case, CaseClosure, CaseOutcome, Consent, Incident, Section
from qorgau.people.models import Person

EVENT_TEXT = {
    "case_opened": _("Case opened (came through: %(entry_point)s)"),
    "case_imported": _("Case opened from the agency's earlier register"),
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
    "outcome_recorded": _("Outcome recorded: %(outcome)s"),
}

# Parameters whose codes have fixed labels.
LABELS = {
    "entry_point": dict(Case.EntryPoint.choices),
    "gbv_type": dict(Incident.GbvType.choices),
    "section": dict(Section.choices),
    "role": dict(Person.Role.choices),
    "status": dict(Case.Status.choices),
    "purpose": dict(Consent.Purpose.choices),
    "reason": dict(CaseClosure.Reason.choices),
    "outcome": dict(CaseOutcome.Kind.choices),
}


def _agency_names(ids) -> dict:
    from qorgau.accounts.models import Agency

    return {a.pk: a.name for a in Agency.objects.filter(pk__in=ids)}


def _service_names(codes) -> dict:
    from qorgau.directory.models import ServiceType

    return {s.code: s.name for s in ServiceType.objects.filter(code__in=codes)}


# Parameters whose values name rows: resolved with one query per kind for the whole timeline.
RESOLVERS = {"agency_id": ("agency", _agency_names), "service": ("service", _service_names)}


def timeline_entries(events) -> list[tuple]:
    """(event, sentence) for each event, with every name in the active language."""
    events = list(events)
    wanted = defaultdict(set)
    for event in events:
        for key, value in event.params.items():
            if key in RESOLVERS:
                wanted[key].add(value)
    resolved = {key: RESOLVERS[key][1](values) for key, values in wanted.items()}
    return [(event, _sentence(event, resolved)) for event in events]


def _sentence(event, resolved) -> str:
    template = EVENT_TEXT.get(event.kind) or extensions.EVENT_TEXT.get(event.kind)
    if template is None:
        return event.kind
    labels = {**LABELS, **extensions.PARAM_LABELS}
    params = {}
    for key, value in event.params.items():
        if key in RESOLVERS:
            name, _resolver = RESOLVERS[key]
            params[name] = resolved[key].get(value, "—")
        else:
            params[key] = labels.get(key, {}).get(value, value)
    if event.kind == "note_added":
        params.setdefault("section", LABELS["section"].get(event.section, event.section))
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)
