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
