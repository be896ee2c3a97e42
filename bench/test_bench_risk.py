"""How fast the risk engine evaluates an assessment (every case page with a risk history
re-evaluates its stored assessments to explain them)."""

from datetime import date, timedelta

from qorgau.risk.conference import conference_criteria
from qorgau.risk.engine import evaluate, evaluate_pinned
from qorgau.risk.levels import RiskLevel
from qorgau.risk.loader import get_instrument


def _answers(instrument, yes: int, unknown: int = 0):
    ids = [i.id for i in instrument.items]
    return {i: "yes" if n < yes else "unknown" if n < yes + unknown else "no" for n, i in enumerate(ids)}


def test_bench_evaluate_checklist_24(benchmark):
    instrument = get_instrument("checklist-24")
    answers = _answers(instrument, yes=12, unknown=3)  # unknowns make it evaluate twice
    result = benchmark(evaluate, instrument, answers)
    assert result.level == RiskLevel.MEDIUM


def test_bench_evaluate_pinned_from_stored_fields(benchmark):
    """What an Assessment row costs: find the pinned version file (cached by mtime), check its
    digest, evaluate with a professional judgement."""
    instrument = get_instrument("danger-weighted-20")
    stored = {
        "instrument_id": instrument.id,
        "version": instrument.version,
        "digest": instrument.digest,
        "answers": _answers(instrument, yes=9, unknown=2),
        "judgement_level": RiskLevel.HIGH,
        "judgement_reason": "Synthetic reason.",
    }
    result = benchmark(lambda: evaluate_pinned(**stored))
    assert result.level == RiskLevel.HIGH


def test_bench_conference_criteria_200_incidents(benchmark):
    today = date(2026, 3, 15)
    incidents = [today - timedelta(days=3 * n) for n in range(200)]
    check = benchmark(
        lambda: conference_criteria(
            level=RiskLevel.MEDIUM, incident_dates=incidents, last_referral=date(2025, 9, 1), now=today
        )
    )
    assert check.codes == ("escalation", "repeat")
