"""Suggested referrals from what is known about her case (the needs assessment at intake).

Rules of practice, kept small and visible: what happened and what she agreed to point to
services; after sexual violence within the care windows, medical care is urgent. Suggestions
never decide anything — the caseworker refers, with her.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from qorgau.cases.care import open_care_windows
from qorgau.cases.classification import SEXUAL_TYPES
from qorgau.directory.models import ServiceType

# The agency types she agreed to be referred to, and the service each usually gives.
KIND_SERVICES = {
    "police": "police_report",
    "health": "medical",
    "legal_aid": "legal_aid",
    "psychological": "psychological",
    "shelter": "shelter",
    "social_services": "social_benefits",
}


@dataclass(frozen=True)
class Suggestion:
    service: ServiceType
    reason: str
    urgent: bool = False


def suggest(case, incidents, consents, already: set[str]) -> list[Suggestion]:
    found: dict[str, tuple[str, bool]] = {}

    def add(code, reason, urgent=False):
        if code not in already and (code not in found or urgent):
            found[code] = (reason, urgent or found.get(code, ("", False))[1])

    for incident in incidents:
        if incident.gbv_type in SEXUAL_TYPES:
            urgent = bool(open_care_windows(incident))
            reason = _("Sexual violence: the care windows are still open") if urgent else _("Sexual violence")
            add("medical", reason, urgent)
            add("forensic", reason, urgent)
            add("psychological", _("Sexual violence"))
        if incident.injuries in ("serious", "life_threatening"):
            add("medical", _("Serious injuries"), urgent=True)
        elif incident.injuries == "minor":
            add("medical", _("Injuries"))
        if incident.weapon in ("firearm", "knife") or incident.abduction:
            add("police_report", _("A weapon was used, or she was held"))
            add("protective_order", _("A weapon was used, or she was held"))
        if incident.children_present:
            add("child_protection", _("Children were present"))
        if "ipv" in incident.contexts:
            add("protective_order", _("Violence by a partner"))
        if incident.gbv_type == "denial":
            add("social_benefits", _("Denial of resources"))
            add("employment", _("Denial of resources"))
    for code in case.needs or []:
        add(code, _("She asked for this help"))
    for consent in consents:
        if consent.purpose == "referral" and consent.recipient_kind in KIND_SERVICES and consent.is_active():
            add(KIND_SERVICES[consent.recipient_kind], _("She agreed to this referral"))
    services = ServiceType.objects.in_bulk(list(found))
    return sorted(
        (
            Suggestion(services[code], str(reason), urgent)
            for code, (reason, urgent) in found.items()
            if code in services
        ),
        key=lambda s: (not s.urgent, s.service.sort),
    )
