"""The categories incidents are counted by: each with its values in display order and labels.

Codes are the case data's own (cases.models, people.models); age bands are GBVIMS's. Dimensions
other apps contribute (registry.register_dimension) are added after the built-in ones.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from qorgau.cases.classification import CONTEXT_LABELS, DELAY_BANDS
from qorgau.cases.models import Case, Incident, IncidentPerpetrator
from qorgau.core.models import Region
from qorgau.people.models import Person
from qorgau.stats import registry

AGE_BANDS = (
    ("0-11", _("0–11 years")),
    ("12-17", _("12–17 years")),
    ("18-25", _("18–25 years")),
    ("26-40", _("26–40 years")),
    ("41-60", _("41–60 years")),
    ("61+", _("61 years and over")),
    ("unknown", _("Age not known")),
)


def age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    for limit, band in ((11, "0-11"), (17, "12-17"), (25, "18-25"), (40, "26-40"), (60, "41-60")):
        if age <= limit:
            return band
    return "61+"


@dataclass(frozen=True)
class Dimension:
    code: str  # the IncidentFact field, or "extra:<code>" for a registered one
    label: object
    choices: tuple  # ((code, label), ...)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(code for code, _label in self.choices)

    def label_of(self, value: str) -> str:
        return str(dict(self.choices).get(value, value))


def regions() -> tuple:
    return tuple((r.code, r.name) for r in Region.objects.filter(is_active=True).order_by("sort", "code"))


GBV_TYPES = tuple(Incident.GbvType.choices)


def builtin() -> list[Dimension]:
    return [
        Dimension("gbv_type", _("Type of violence"), GBV_TYPES),
        Dimension("age_band", _("Age band"), AGE_BANDS),
        Dimension("sex", _("Sex"), tuple(Person.Sex.choices)),
        Dimension("disability", _("Disability"), tuple(Person.Disability.choices)),
        Dimension(
            "relationship",
            _("Perpetrator's relationship to her"),
            tuple(IncidentPerpetrator.Relationship.choices),
        ),
        Dimension("delay_band", _("Reporting delay"), tuple(DELAY_BANDS.items())),
        Dimension("entry_point", _("Entry point"), tuple(Case.EntryPoint.choices)),
    ]


def contributed() -> list[Dimension]:
    return [Dimension(f"extra:{d.code}", d.label, tuple(d.choices())) for d in registry.DIMENSIONS.values()]


def breakdowns() -> list[Dimension]:
    """Every dimension a dashboard breaks incidents down by (region and period aside)."""
    return builtin() + contributed()


CONTEXTS = tuple((code, label) for code, label in CONTEXT_LABELS.items())
