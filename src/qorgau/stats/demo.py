"""Demo figures for the analyst: a synthetic history of three years, then the facts rebuilt.

The history is held by inactive "synthetic history" agencies that nobody works at, so no
caseworker's list shows it; the demo's own cases (cases.demo) are counted too where consented.
"""

from datetime import date

from django.utils import timezone

from qorgau.accounts.models import Agency
from qorgau.cases.classification import add_months
from qorgau.stats.refresh import rebuild
from qorgau.stats.synthetic import Plan, generate
from qorgau.stats.tasks import prepare_default_views


def build(out, world: dict) -> dict:
    if Agency.objects.filter(name_en__startswith="Synthetic history").exists():
        out.write("already built")
        return {}
    today = timezone.localdate()
    end = add_months(date(today.year, today.month, 1), -1)
    made = generate(Plan(incidents=6000, end=end, months=36, seed=2026))
    refresh = rebuild()
    prepare_default_views()
    out.write(f"{made['incidents']} synthetic incidents, {refresh.incidents_counted} counted")
    return {}
