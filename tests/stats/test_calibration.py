"""Risk levels checked against outcomes, on a seeded synthetic history where one level fails."""

from datetime import date

import pytest
from django.utils import timezone

from qorgau.stats.figures import calibration_figures, wilson
from qorgau.stats.refresh import rebuild
from qorgau.stats.synthetic import Plan, generate


def test_wilson_interval_matches_the_textbook():
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4) and high == pytest.approx(0.9433, abs=1e-4)
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == pytest.approx(1.0)


@pytest.mark.django_db
def test_a_level_that_under_predicts_is_seen(make_agency):
    make_agency()  # regions
    today = timezone.localdate()
    end = date(today.year - 1, today.month, 1)
    # "high" is followed by new incidents no more often than "standard": it fails to predict.
    rates = {1: 0.10, 2: 0.25, 3: 0.10, 4: 0.60}
    generate(
        Plan(
            incidents=2600,
            end=end,
            months=12,
            seed=11,
            consent_share=1.0,
            assessed_share=0.9,
            repeat_rate=rates,
            pathway=False,
        )
    )
    rebuild()
    data = calibration_figures(today=today, follow_up_months=12)
    ((version, rows),) = data.by_version
    assert version == "checklist-24:1"
    by_level = {row.code: row for row in rows}
    medium, high, extreme = by_level["medium"], by_level["high"], by_level["extreme"]
    assert high.share < medium.share and high.high < medium.low  # seen, beyond chance
    assert extreme.low > medium.high
    assert all(row.value is None or row.value >= 5 for row in rows)
    # Per region too, suppressed where small.
    assert len(data.by_region) == 20
    assert any(row.value is None for _region, region_rows in data.by_region for row in region_rows)
    assert data.release.verify().ok
