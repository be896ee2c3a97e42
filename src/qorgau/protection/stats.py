"""Legal protection in the national statistics (qorgau.stats.registry): orders issued, served and
breached by region and month, and a breach as an outcome the risk levels are checked against.
Only the consented cases stats hands over are read; rows hold codes, regions and months."""

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.protection.models import ProtectiveOrder, Violation

ORDER_EVENTS = (
    ("issued", _("Issued")),
    ("served", _("Served")),
    ("breached", _("Breached")),
)


def order_rows(case_ids):
    from qorgau.stats.registry import FactRow

    orders = ProtectiveOrder.objects.filter(case_id__in=case_ids, issued_at__isnull=False).values_list(
        "pk", "issuing_agency__region_id", "issued_at", "served_at"
    )
    regions = {}
    for pk, region, issued_at, served_at in orders:
        regions[pk] = region
        yield FactRow("protective_order", region, timezone.localdate(issued_at), a="issued")
        if served_at:
            yield FactRow("protective_order", region, timezone.localdate(served_at), a="served")
    for order_id, occurred_at in Violation.objects.filter(case_id__in=case_ids).values_list(
        "order_id", "occurred_at"
    ):
        if order_id in regions:
            yield FactRow(
                "protective_order", regions[order_id], timezone.localdate(occurred_at), a="breached"
            )


def first_breaches(case_ids) -> dict:
    return {
        case_id: timezone.localdate(first)
        for case_id, first in Violation.objects.filter(case_id__in=case_ids)
        .values("case_id")
        .annotate(first=Min("occurred_at"))
        .values_list("case_id", "first")
    }


def register() -> None:
    from qorgau.stats import registry

    registry.register_fact_source(
        registry.FactSource(
            kind="protective_order",
            label=_("Protective orders"),
            rows=order_rows,
            tables=(
                registry.FactTable(
                    title=_("Protective orders issued, served and breached"),
                    a_label=_("Step"),
                    a_choices=lambda: list(ORDER_EVENTS),
                ),
            ),
        )
    )
    registry.register_outcome(
        registry.OutcomeSource(
            code="order_breached", label=_("Protective order breached"), first_dates=first_breaches
        )
    )
