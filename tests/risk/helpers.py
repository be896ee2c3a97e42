"""Helpers for the risk engine's tests."""

from qorgau.risk.levels import Answer


def answers_for(instrument, yes=(), unknown=()):
    """Every question answered: the given ones yes or not known, the rest no."""
    yes, unknown = set(yes), set(unknown)
    return {
        i.id: Answer.YES if i.id in yes else Answer.UNKNOWN if i.id in unknown else Answer.NO
        for i in instrument.items
    }


def first_items(instrument, n):
    return [i.id for i in instrument.items[:n]]


def text(word):
    return {"kk": f"{word} (kk)", "ru": f"{word} (ru)", "en": word}


# A small valid instrument every loader test starts from and breaks in one place.
VALID = {
    "id": "tiny",
    "version": 1,
    "title": text("Tiny"),
    "source": "Invented for tests.",
    "max_unknown": 1,
    "levels": [
        {"key": "low", "scale": "standard", "label": text("Low")},
        {"key": "mid", "scale": "medium", "label": text("Mid")},
        {"key": "top", "scale": "high", "label": text("Top")},
    ],
    "items": [{"id": f"q{n}", "text": text(f"Question {n}")} for n in range(1, 5)],
    "rules": [
        {
            "type": "count",
            "bands": [
                {"min": 0, "max": 1, "level": "low"},
                {"min": 2, "max": 3, "level": "mid"},
                {"min": 4, "level": "top"},
            ],
        }
    ],
}


def assess(actor, case, *, yes=0, unknown=0, instrument_id="checklist-24", judgement_level=None, reason=""):
    """An assessment through the service: the first `yes` questions yes, the next `unknown` not known."""
    from qorgau.risk.loader import get_instrument
    from qorgau.risk.services import assessment_create

    instrument = get_instrument(instrument_id)
    ids = [i.id for i in instrument.items]
    answers = answers_for(instrument, yes=ids[:yes], unknown=ids[yes : yes + unknown])
    return assessment_create(
        actor=actor,
        case=case,
        instrument_id=instrument_id,
        answers=answers,
        judgement_level=judgement_level,
        judgement_reason=reason,
    )


def form_answers(instrument, yes=0, unknown=0) -> dict:
    """POST data for the assessment form."""
    data = {"instrument": instrument.id}
    for n, item in enumerate(instrument.items):
        data[f"a_{item.id}"] = "yes" if n < yes else "unknown" if n < yes + unknown else "no"
    return data
