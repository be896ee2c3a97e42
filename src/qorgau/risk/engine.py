"""Evaluate an assessment: answers in, a level out, with the answers that produced it.

An Assessment row stores ``instrument_id``, ``version``, ``digest``, ``answers`` ({item id: "yes" |
"no" | "unknown"}), ``judgement_level`` and ``judgement_reason``; ``evaluate_pinned`` turns them
back into the same Result, by the same version of the instrument, for as long as the row exists.

Rules of the engine (docs/risk-instruments.md):
- the actuarial level is the highest level any rule gives, never below the instrument's lowest;
- "not known" is counted and shown, never counted as "yes"; more of them than the instrument's
  ``max_unknown`` flags the result, and the result says how high it could be if they were all yes;
- professional judgement may raise the level, with a written reason, and never lower it.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qorgau.risk.levels import Answer, RiskLevel
from qorgau.risk.loader import Band, Instrument, InstrumentError, InstrumentLevel, Rule, get_instrument

REASON_MAX_LENGTH = 2000
_ANSWERS = frozenset(Answer.values)


@dataclass(frozen=True)
class RuleOutcome:
    """What one rule made of the answers: the explanation a user sees."""

    rule: Rule
    score: int  # yes answers among the rule's items, or their summed weights (weighted rule)
    yes_items: tuple[str, ...]  # the rule's items answered yes: the answers behind the score
    level: InstrumentLevel | None  # what the rule gives; None when it did not fire
    band: Band | None = None  # count and weighted rules: the band the score fell in

    @property
    def fired(self) -> bool:
        return self.level is not None

    def describe(self, instrument: Instrument) -> str:
        """One translated sentence, e.g. "Yes answers: 14 of 24 (14 or more): High risk"."""
        rule = self.rule
        level = self.level.name() if self.level else ""
        if rule.type in ("count", "weighted"):
            assert self.band is not None  # count and weighted outcomes always carry their band
            if self.band.max is None:
                band = _("%(min)s or more") % {"min": self.band.min}
            else:
                band = _("%(min)s to %(max)s") % {"min": self.band.min, "max": self.band.max}
            values = {"score": self.score, "total": len(rule.items), "band": band, "level": level}
            if rule.type == "count":
                return _("Yes answers: %(score)s of %(total)s (%(band)s): %(level)s") % values
            return _("Weighted score: %(score)s (%(band)s): %(level)s") % values
        numbers = ", ".join(str(instrument.item(i).number) for i in self.yes_items) or "—"
        if rule.type == "trigger":
            if self.fired:
                return _("Yes to a deciding question (%(numbers)s): %(level)s") % {
                    "numbers": numbers,
                    "level": level,
                }
            return _("No deciding question answered yes")
        assert rule.level is not None  # k_of rules name their level (the loader checked)
        target = instrument.level(rule.level).name()
        text = _(
            "%(score)s of %(total)s listed answers are yes (questions: %(numbers)s); %(k)s or more give %(level)s"
        )
        return text % {
            "score": self.score,
            "total": len(rule.items),
            "numbers": numbers,
            "k": rule.k,
            "level": target,
        }


@dataclass(frozen=True)
class Result:
    instrument: Instrument
    level: RiskLevel  # the assessment's level: the actuarial one, or higher by judgement
    actuarial_level: RiskLevel  # what the instrument's rules give; never lowered
    instrument_level: InstrumentLevel  # the instrument's own name for the actuarial level
    score: int  # the first count/weighted rule's score; otherwise the number of yes answers
    yes_items: tuple[str, ...]
    unknown_items: tuple[str, ...]
    too_many_unknown: bool  # more "not known" answers than the instrument allows
    possible_level: RiskLevel  # the actuarial level if every "not known" were "yes"
    outcomes: tuple[RuleOutcome, ...]
    judgement_level: RiskLevel | None
    judgement_reason: str

    @property
    def yes_count(self) -> int:
        return len(self.yes_items)

    @property
    def unknown_count(self) -> int:
        return len(self.unknown_items)

    @property
    def raised_by_judgement(self) -> bool:
        return self.judgement_level is not None

    @property
    def deciding(self) -> tuple[RuleOutcome, ...]:
        """The rules that gave the actuarial level: what to show first."""
        return tuple(o for o in self.outcomes if o.level == self.instrument_level)

    def label(self) -> str:
        """The level's name in the instrument's own words where it has one (a judgement may raise
        a result beyond the instrument's levels: then the shared scale's name)."""
        if self.raised_by_judgement:
            own = self.instrument.level_on_scale(self.level)
            return own.name() if own else str(self.level.label)
        return self.instrument_level.name()

    def notices(self) -> list[str]:
        """Translated warnings to show beside the level."""
        notes = []
        if self.too_many_unknown:
            notes.append(
                _("Answers not known: %(count)s, more than %(max)s: this result may understate the risk.")
                % {"count": self.unknown_count, "max": self.instrument.max_unknown}
            )
        if self.possible_level > self.actuarial_level:
            notes.append(
                _("If the answers that are not known were yes, the level would be %(level)s.")
                % {"level": self.possible_level.label}
            )
        if self.instrument.placeholder_weights:
            notes.append(
                _(
                    "This instrument's weights are placeholders, not the licensed ones: read its score with care."
                )
            )
        return notes

    def as_dict(self) -> dict:
        """Plain data for the API and for storing a snapshot beside the answers."""
        return {
            "instrument": self.instrument.id,
            "version": self.instrument.version,
            "digest": self.instrument.digest,
            "level": self.level.key,
            "actuarial_level": self.actuarial_level.key,
            "instrument_level": self.instrument_level.key,
            "score": self.score,
            "yes": list(self.yes_items),
            "unknown": list(self.unknown_items),
            "too_many_unknown": self.too_many_unknown,
            "possible_level": self.possible_level.key,
            "judgement_level": self.judgement_level.key if self.judgement_level else None,
            "judgement_reason": self.judgement_reason,
            "rules": [
                {
                    "type": o.rule.type,
                    "score": o.score,
                    "yes": list(o.yes_items),
                    "level": o.level.key if o.level else None,
                    "band": [o.band.min, o.band.max] if o.band else None,
                }
                for o in self.outcomes
            ],
        }


def evaluate(
    instrument: Instrument,
    answers: Mapping[str, str],
    *,
    judgement_level: RiskLevel | int | None = None,
    judgement_reason: str = "",
) -> Result:
    """The result of one assessment. Raises ValidationError naming the field on bad input:
    ``answers`` (missing, unknown or invalid answers), ``judgement_level`` (not a level, or not
    above the actuarial one) and ``judgement_reason`` (missing or too long)."""
    _check_answers(instrument, answers)
    yes = frozenset(i for i, a in answers.items() if a == Answer.YES)
    outcomes = tuple(_apply(instrument, rule, yes) for rule in instrument.rules)
    own_level = _highest(instrument, outcomes)
    unknown = tuple(i.id for i in instrument.items if answers[i.id] == Answer.UNKNOWN)
    possible = own_level.scale
    if unknown:
        everything = yes | frozenset(unknown)
        possible = _highest(instrument, [_apply(instrument, r, everything) for r in instrument.rules]).scale
    judged, reason = _check_judgement(own_level.scale, judgement_level, judgement_reason)
    first_banded = next((o for o in outcomes if o.band is not None), None)
    return Result(
        instrument=instrument,
        level=judged or own_level.scale,
        actuarial_level=own_level.scale,
        instrument_level=own_level,
        score=first_banded.score if first_banded else len(yes),
        yes_items=tuple(i.id for i in instrument.items if i.id in yes),
        unknown_items=unknown,
        too_many_unknown=len(unknown) > instrument.max_unknown,
        possible_level=possible,
        outcomes=outcomes,
        judgement_level=judged,
        judgement_reason=reason,
    )


def evaluate_pinned(
    *,
    instrument_id: str,
    version: int,
    answers: Mapping[str, str],
    judgement_level: RiskLevel | int | None = None,
    judgement_reason: str = "",
    digest: str = "",
) -> Result:
    """Evaluate a stored assessment by the instrument version it was made with. With the stored
    digest, an instrument version edited in place since is refused instead of silently giving a
    different result (publish a new version instead)."""
    instrument = get_instrument(instrument_id, version)
    if digest and digest != instrument.digest:
        raise InstrumentError(
            instrument.path,
            [
                f"version {version} was changed after assessments were made with it; restore it and publish a new version"
            ],
        )
    return evaluate(instrument, answers, judgement_level=judgement_level, judgement_reason=judgement_reason)


def judgement_choices(instrument: Instrument, actuarial_level: RiskLevel) -> list[tuple[int, str]]:
    """The levels professional judgement may raise a result to (for a form's choices)."""
    return [
        (level.value, own.name() if (own := instrument.level_on_scale(level)) else str(level.label))
        for level in RiskLevel
        if level > actuarial_level
    ]


def _apply(instrument: Instrument, rule: Rule, yes: frozenset[str]) -> RuleOutcome:
    hits = tuple(i for i in rule.items if i in yes)
    if rule.type in ("trigger", "k_of") and rule.level is None:
        raise AssertionError("the loader requires a level for trigger and k_of rules")
    if rule.type == "trigger" and rule.level is not None:
        return RuleOutcome(rule, len(hits), hits, instrument.level(rule.level) if hits else None)
    if rule.type == "k_of" and rule.level is not None and rule.k is not None:
        fired = len(hits) >= rule.k
        return RuleOutcome(rule, len(hits), hits, instrument.level(rule.level) if fired else None)
    score = len(hits) if rule.type == "count" else sum(instrument.item(i).weight for i in hits)
    band = next(b for b in rule.bands if b.holds(score))  # the loader proved the bands cover every score
    return RuleOutcome(rule, score, hits, instrument.level(band.level), band)


def _highest(instrument: Instrument, outcomes) -> InstrumentLevel:
    fired = [o.level for o in outcomes if o.level is not None]
    return max(fired, key=lambda lv: lv.scale, default=instrument.levels[0])


def _check_answers(instrument: Instrument, answers) -> None:
    if not isinstance(answers, Mapping):
        raise ValidationError({"answers": _("Answer every question with yes, no or not known.")})
    problems = []
    unknown_ids = sorted(set(answers) - set(instrument.items_by_id))
    if unknown_ids:
        problems.append(
            _("These answers are not questions of this instrument: %(ids)s")
            % {"ids": ", ".join(map(str, unknown_ids))}
        )
    missing = [str(i.number) for i in instrument.items if i.id not in answers]
    if missing:
        problems.append(
            _("Answer every question; not answered: %(numbers)s") % {"numbers": ", ".join(missing)}
        )
    invalid = [str(i.number) for i in instrument.items if i.id in answers and answers[i.id] not in _ANSWERS]
    if invalid:
        problems.append(
            _("Answer yes, no or not known to questions: %(numbers)s") % {"numbers": ", ".join(invalid)}
        )
    if problems:
        raise ValidationError({"answers": problems})


def _check_judgement(actuarial: RiskLevel, level, reason) -> tuple[RiskLevel | None, str]:
    reason = reason.strip() if isinstance(reason, str) else ""
    if level in (None, ""):
        if reason:
            raise ValidationError(
                {"judgement_level": _("Choose the level your professional judgement raises the result to.")}
            )
        return None, ""
    try:
        level = RiskLevel(int(level))
    except (TypeError, ValueError):
        raise ValidationError({"judgement_level": _("Choose one of the risk levels.")}) from None
    if level <= actuarial:
        raise ValidationError(
            {
                "judgement_level": _(
                    "Professional judgement can only raise the level. The instrument gives %(level)s, "
                    "and that result is never lowered."
                )
                % {"level": actuarial.label}
            }
        )
    if not reason:
        raise ValidationError({"judgement_reason": _("Write the reason for your professional judgement.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"judgement_reason": _("Keep the reason under %(max)s characters.") % {"max": REASON_MAX_LENGTH}}
        )
    return level, reason
