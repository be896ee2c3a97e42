"""Court requirements at the scene (protection/scene.py): the same look-up shows the requirements
in force (or decided and not yet in force) that bind him — conditions, period, the court, her first
name and the monitoring police unit's duty phone; nothing else of the case."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.protection.scene import SceneItem, _display_phone, first_names, register_source


def court_requirements_source(actor, person_ids: list, now: datetime) -> list[SceneItem]:
    from qorgau.cases.policies import case_access
    from qorgau.protection import policies
    from qorgau.protection.models import REQUIREMENT_IN_FORCE, CourtRequirement, RequirementCondition

    if not person_ids:
        return []
    today = timezone.localdate(now)
    requirements = list(
        CourtRequirement.objects.filter(person_id__in=person_ids, ends_on__gte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .select_related("monitoring_agency", "case")
    )
    names = first_names({r.case_id for r in requirements})
    labels = dict(RequirementCondition.choices)
    zone = timezone.get_current_timezone()
    items = []
    for requirement in requirements:
        state = requirement.state_at(today)
        phone = requirement.monitoring_agency.duty_phone
        breach_url = ""
        if requirement.monitoring_agency_id == actor.agency_id and policies.can_record_requirement_breach(
            actor, requirement.case, case_access(actor, requirement.case)
        ):
            breach_url = reverse(
                "protection:requirement_breach_new", args=[requirement.case_id, requirement.pk]
            )
        items.append(
            SceneItem(
                kind_label=str(_("Court requirements")),
                number="",  # the court is named as the issuing unit
                state=str(state),
                state_label=str(state.label),
                in_force=state in REQUIREMENT_IN_FORCE,
                starts_at=datetime.combine(requirement.starts_on, time.min, tzinfo=zone),
                ends_at=datetime.combine(requirement.ends_on, time.max, tzinfo=zone),
                conditions=[str(labels.get(code, code)) for code in requirement.conditions],
                conditions_text=requirement.conditions_text or "",
                protected_first_name=names.get(requirement.case_id, ""),
                issuing_unit=requirement.court,
                issuing_agency=requirement.monitoring_agency.name,
                duty_phone=_display_phone(phone),
                duty_phone_e164=phone,
                breach_url=breach_url,
                case_id=requirement.case_id,
            )
        )
    return items


register_source("court_requirements", court_requirements_source)
