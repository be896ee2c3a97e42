"""The dashboard's counts read ahead (IncidentCount) are the counts of the facts themselves."""

from datetime import date

import pytest

from qorgau.stats import dimensions, figures, registry
from qorgau.stats.figures import Filters
from qorgau.stats.refresh import rebuild
from qorgau.stats.synthetic import Plan, generate

FLAGS = tuple(f"ctx_{code}" for code, _label in dimensions.CONTEXTS)


def from_facts(filters: Filters, shown) -> tuple:
    rows = figures._incidents(filters)
    return figures._count_sets(
        rows, [("region", "month")] + [("region", figures._column(d)) for d in shown], FLAGS
    )


@pytest.mark.django_db
def test_counts_read_ahead_equal_the_facts_for_every_filter(make_agency):
    make_agency()
    generate(Plan(incidents=1500, end=date(2025, 12, 1), months=24, pathway=False))
    rebuild()
    year = (date(2025, 1, 1), date(2025, 12, 1))
    for filters in (
        Filters(*year),
        Filters(*year, gbv_type="physical_assault"),
        Filters(*year, age_band="26-40"),
        Filters(date(2024, 3, 1), date(2024, 5, 1), gbv_type="rape"),
    ):
        shown = [d for d in dimensions.breakdowns() if d.code not in dict(figures._fixed(filters))]
        ahead = figures._counted_ahead(filters, shown, FLAGS)
        assert ahead is not None and ahead == from_facts(filters, shown)
        assert sum(ahead[0][0].values()) > 0  # incidents by region and month
    # Both a type and an age band: read from the facts.
    assert figures._counted_ahead(Filters(*year, gbv_type="rape", age_band="26-40"), [], FLAGS) is None


@pytest.mark.django_db
def test_a_breakdown_registered_after_the_rebuild_is_counted_from_the_facts(make_agency):
    make_agency()
    generate(Plan(incidents=300, end=date(2025, 12, 1), months=12, pathway=False))
    rebuild()
    registry.register_dimension(
        registry.IncidentDimension(
            code="later", label="Later", choices=lambda: [("none", "None")], values_for=lambda ids: {}
        )
    )
    try:
        filters = Filters(date(2025, 1, 1), date(2025, 12, 1))
        shown = dimensions.breakdowns()
        assert figures._counted_ahead(filters, shown, FLAGS) is None
        tables, _shown = figures.incident_tables(filters)
        assert len(tables) == 1 + len(shown) + len(FLAGS)
    finally:
        registry.DIMENSIONS.pop("later")
