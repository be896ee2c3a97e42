"""The cyber-violence subtype as a dimension of the national statistics (stats.registry)."""

from django.utils.translation import gettext_lazy as _

NONE = "none"


def cyber_choices() -> list[tuple[str, object]]:
    from qorgau.cases.models import CyberSubtype

    return [(NONE, _("No cyber-violence recorded")), *((s.code, s.label) for s in CyberSubtype.objects.all())]


def cyber_values(incident_ids: list) -> dict:
    """{incident id: its first kind of cyber-violence in display order}; the others get "none"."""
    from qorgau.cases.models import CyberSubtype, IncidentCyber

    order = {code: i for i, code in enumerate(CyberSubtype.objects.values_list("code", flat=True))}
    found = {}
    for start in range(0, len(incident_ids), 5000):
        chunk = incident_ids[start : start + 5000]
        for incident_id, subtypes in IncidentCyber.objects.filter(incident_id__in=chunk).values_list(
            "incident_id", "subtypes"
        ):
            known = sorted((c for c in subtypes or [] if c in order), key=order.__getitem__)
            if known:
                found[incident_id] = known[0]
    return found
