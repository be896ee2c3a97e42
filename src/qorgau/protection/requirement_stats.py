"""Court requirements in the national statistics (qorgau.stats.registry), as `stats.py` does for
orders: requirements issued (by the decision's month) and breached, by the monitoring agency's
region, and whether a correction programme was among the conditions. Only the consented cases
stats hands over are read; rows hold codes, regions and months."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.protection.models import CourtRequirement, RequirementBreach, RequirementCondition

REQUIREMENT_EVENTS = (
    ("issued", _("Imposed by a court")),
    ("breached", _("Breached")),
)


def requirement_rows(case_ids):
    from qorgau.stats.registry import FactRow

    regions, programme = {}, {}
    for pk, region, decided, conditions in CourtRequirement.objects.filter(case_id__in=case_ids).values_list(
        "pk", "monitoring_agency__region_id", "decision_on", "conditions"
    ):
        regions[pk] = region
        programme[pk] = RequirementCondition.PROGRAMME in (conditions or [])
        yield FactRow("court_requirement", region, decided, a="issued", flag=programme[pk])
    for requirement_id, occurred_at in RequirementBreach.objects.filter(case_id__in=case_ids).values_list(
        "requirement_id", "occurred_at"
    ):
        if requirement_id in regions:
            yield FactRow(
                "court_requirement",
                regions[requirement_id],
                timezone.localdate(occurred_at),
                a="breached",
                flag=programme[requirement_id],
            )


def register() -> None:
    from qorgau.stats import registry

    registry.register_fact_source(
        registry.FactSource(
            kind="court_requirement",
            label=_("Court requirements"),
            rows=requirement_rows,
            tables=(
                registry.FactTable(
                    title=_("Court requirements imposed and breached"),
                    a_label=_("Step"),
                    a_choices=lambda: list(REQUIREMENT_EVENTS),
                    flag_label=_("with a correction programme"),
                ),
            ),
        )
    )
