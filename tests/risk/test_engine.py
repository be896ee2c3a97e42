"""The engine on the three shipped instruments: every rule at its edges, judgement, not-known
answers, bad input, and version pinning."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from tests.risk.helpers import VALID, answers_for, first_items

from qorgau.risk.engine import evaluate, evaluate_pinned, judgement_choices
from qorgau.risk.levels import Answer, RiskLevel
from qorgau.risk.loader import InstrumentError, get_instrument

TRIGGERS = ["weapon", "threat_kill", "might_kill"]
FURTHER = [
    "gun",
    "choking",
    "jealous_control",
    "separated",
    "unemployed",
    "abuser_suicide",
    "child_not_abusers",
    "stalking",
]


@pytest.fixture(scope="module")
def checklist():
    return get_instrument("checklist-24")


@pytest.fixture(scope="module")
def screen():
    return get_instrument("danger-screen-11")


@pytest.fixture(scope="module")
def weighted():
    return get_instrument("danger-weighted-20")


def run(instrument, yes=(), unknown=(), **kwargs):
    return evaluate(instrument, answers_for(instrument, yes, unknown), **kwargs)


# --- Count rule: 24 questions, <=9 standard, 10-13 medium, >=14 high ----------------------------------


@pytest.mark.parametrize(
    ("yes", "level", "key"),
    [
        (0, RiskLevel.STANDARD, "standard"),
        (9, RiskLevel.STANDARD, "standard"),
        (10, RiskLevel.MEDIUM, "medium"),
        (13, RiskLevel.MEDIUM, "medium"),
        (14, RiskLevel.HIGH, "high"),
        (24, RiskLevel.HIGH, "high"),
    ],
)
def test_count_bands_at_their_edges(checklist, yes, level, key):
    result = run(checklist, first_items(checklist, yes))
    assert result.level == result.actuarial_level == level
    assert result.instrument_level.key == key
    assert result.score == result.yes_count == yes


def test_count_explanation_names_the_yes_answers_and_the_band(checklist):
    yes = first_items(checklist, 14)
    result = run(checklist, yes)
    (deciding,) = result.deciding
    assert deciding.yes_items == tuple(yes)
    assert (deciding.band.min, deciding.band.max) == (14, None)
    with translation.override("en"):
        assert deciding.describe(checklist) == "Yes answers: 14 of 24 (14 or more): High risk"
    with translation.override("ru"):
        assert deciding.describe(checklist) == "Ответы «да»: 14 из 24 (14 и более): Высокий риск"


def test_which_questions_are_yes_does_not_matter_to_the_count(checklist):
    assert run(checklist, [i.id for i in checklist.items[-14:]]).level == RiskLevel.HIGH


# --- Trigger rule and "4 of 8": the first-responder screen -------------------------------------------


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_each_trigger_question_alone_means_high_danger(screen, trigger):
    result = run(screen, [trigger])
    assert result.level == RiskLevel.HIGH
    assert result.instrument_level.key == "high_danger"
    (deciding,) = result.deciding
    assert deciding.rule.type == "trigger"
    assert deciding.yes_items == (trigger,)
    number = screen.item(trigger).number
    with translation.override("en"):
        assert deciding.describe(screen) == f"Yes to a deciding question ({number}): High danger"


def test_no_trigger_and_no_further_answers_is_not_high(screen):
    result = run(screen)
    assert result.level == RiskLevel.STANDARD
    assert result.instrument_level.key == "not_high"
    assert result.deciding == ()


def test_three_of_eight_further_answers_is_not_high_danger(screen):
    result = run(screen, FURTHER[:3])
    assert result.level == RiskLevel.STANDARD
    k_of = result.outcomes[1]
    assert (k_of.score, k_of.fired) == (3, False)


def test_four_of_eight_further_answers_is_high_danger(screen):
    result = run(screen, FURTHER[-4:])
    assert result.level == RiskLevel.HIGH
    (deciding,) = result.deciding
    assert deciding.rule.type == "k_of"
    assert deciding.yes_items == tuple(FURTHER[-4:])
    with translation.override("en"):
        assert deciding.describe(screen) == (
            "4 of 8 listed answers are yes (questions: 8, 9, 10, 11); 4 or more give High danger"
        )


def test_a_trigger_and_four_further_answers_both_explain_the_result(screen):
    result = run(screen, ["might_kill", *FURTHER[:4]])
    assert [o.rule.type for o in result.deciding] == ["trigger", "k_of"]


# --- Weighted rule: <8 variable, 8-13 increased, 14-17 severe, >=18 extreme --------------------------


@pytest.mark.parametrize(
    ("yes", "level", "key"),
    [
        (7, RiskLevel.STANDARD, "variable"),
        (8, RiskLevel.MEDIUM, "increased"),
        (13, RiskLevel.MEDIUM, "increased"),
        (14, RiskLevel.HIGH, "severe"),
        (17, RiskLevel.HIGH, "severe"),
        (18, RiskLevel.EXTREME, "extreme"),
    ],
)
def test_weighted_bands_at_their_edges(weighted, yes, level, key):
    result = run(weighted, first_items(weighted, yes))
    assert (result.level, result.instrument_level.key, result.score) == (level, key, yes)


def test_weights_come_from_the_file(instrument_dir, valid_data):
    valid_data["items"][0]["weight"] = 3
    valid_data["rules"] = [
        {
            "type": "weighted",
            "bands": [{"min": 0, "max": 2, "level": "low"}, {"min": 3, "level": "top"}],
        }
    ]
    instrument_dir(valid_data)
    tiny = get_instrument("tiny")
    assert run(tiny, ["q2", "q3"]).level == RiskLevel.STANDARD  # 1 + 1
    result = run(tiny, ["q1"])  # 3
    assert (result.score, result.level) == (3, RiskLevel.HIGH)
    with translation.override("en"):
        assert result.deciding[0].describe(tiny) == "Weighted score: 3 (3 or more): Top"


def test_placeholder_weights_are_said_on_every_result(weighted, checklist):
    with translation.override("en"):
        assert any("placeholders" in n for n in run(weighted).notices())
        assert not run(checklist).notices()


# --- Professional judgement: raises with a reason, never lowers --------------------------------------


def test_judgement_raises_the_level_and_keeps_the_actuarial_result(checklist):
    result = run(
        checklist,
        first_items(checklist, 11),
        judgement_level=RiskLevel.HIGH,
        judgement_reason="  She says he bought a hunting rifle last week.  ",
    )
    assert result.level == RiskLevel.HIGH
    assert result.actuarial_level == RiskLevel.MEDIUM
    assert result.instrument_level.key == "medium"
    assert result.raised_by_judgement
    assert result.judgement_reason == "She says he bought a hunting rifle last week."
    with translation.override("en"):
        assert result.label() == "High risk"


def test_judgement_may_raise_beyond_the_instruments_own_levels(checklist):
    result = run(
        checklist, first_items(checklist, 14), judgement_level=RiskLevel.EXTREME, judgement_reason="x"
    )
    assert result.level == RiskLevel.EXTREME
    with translation.override("en"):
        assert result.label() == "Extreme"


def test_the_screens_responder_belief_is_professional_judgement(screen):
    result = run(
        screen, FURTHER[:2], judgement_level=RiskLevel.HIGH, judgement_reason="Fresh marks on the neck."
    )
    assert (result.level, result.actuarial_level) == (RiskLevel.HIGH, RiskLevel.STANDARD)


@pytest.mark.parametrize("lower", [RiskLevel.STANDARD, RiskLevel.MEDIUM, RiskLevel.HIGH])
def test_judgement_cannot_lower_or_restate_an_actuarial_result(checklist, lower):
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        run(checklist, first_items(checklist, 14), judgement_level=lower, judgement_reason="She seems calm.")
    message = caught.value.message_dict["judgement_level"][0]
    assert "can only raise" in message and "High" in message


def test_judgement_needs_a_written_reason(checklist):
    for reason in ("", "   \n "):
        with pytest.raises(ValidationError) as caught:
            run(checklist, judgement_level=RiskLevel.HIGH, judgement_reason=reason)
        assert set(caught.value.message_dict) == {"judgement_reason"}


def test_a_reason_without_a_level_is_refused(checklist):
    with pytest.raises(ValidationError) as caught:
        run(checklist, judgement_reason="Something worries me.")
    assert set(caught.value.message_dict) == {"judgement_level"}


@pytest.mark.parametrize("bad", [0, 5, "high", "x", 3.5j])
def test_judgement_level_must_be_a_level(checklist, bad):
    with pytest.raises(ValidationError) as caught:
        run(checklist, judgement_level=bad, judgement_reason="r")
    assert "judgement_level" in caught.value.message_dict


def test_judgement_level_from_a_form_string(checklist):
    assert run(checklist, judgement_level="3", judgement_reason="r").level == RiskLevel.HIGH


def test_judgement_reason_has_a_limit(checklist):
    with pytest.raises(ValidationError) as caught:
        run(checklist, judgement_level=RiskLevel.HIGH, judgement_reason="x" * 2001)
    assert "judgement_reason" in caught.value.message_dict


def test_judgement_choices_offer_only_higher_levels(checklist):
    with translation.override("en"):
        assert judgement_choices(checklist, RiskLevel.MEDIUM) == [(3, "High risk"), (4, "Extreme")]
        assert judgement_choices(checklist, RiskLevel.EXTREME) == []


# --- Not-known answers -----------------------------------------------------------------------------


def test_not_known_is_counted_and_never_counts_as_yes(checklist):
    yes = first_items(checklist, 13)
    unknown = [i.id for i in checklist.items[13:16]]
    result = run(checklist, yes, unknown)
    assert result.level == RiskLevel.MEDIUM  # 13 yes; three unknowns do not make 14
    assert result.unknown_items == tuple(unknown)
    assert result.unknown_count == 3
    assert result.possible_level == RiskLevel.HIGH
    assert not result.too_many_unknown
    with translation.override("en"):
        assert result.notices() == ["If the answers that are not known were yes, the level would be High."]


def test_not_known_never_fires_a_trigger(screen):
    result = run(screen, unknown=TRIGGERS)
    assert result.level == RiskLevel.STANDARD
    assert result.possible_level == RiskLevel.HIGH


def test_too_many_not_known_answers_flag_the_result(checklist):
    limit = checklist.max_unknown
    at_limit = run(checklist, unknown=first_items(checklist, limit))
    assert not at_limit.too_many_unknown
    over = run(checklist, unknown=first_items(checklist, limit + 1))
    assert over.too_many_unknown
    with translation.override("en"):
        assert over.notices()[0] == (
            f"Answers not known: {limit + 1}, more than {limit}: this result may understate the risk."
        )


# --- Bad answers: a clear error naming the field ------------------------------------------------------


def test_every_question_must_be_answered(checklist):
    answers = answers_for(checklist)
    del answers["injury"], answers["weapons"]
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        evaluate(checklist, answers)
    assert caught.value.message_dict == {"answers": ["Answer every question; not answered: 1, 13"]}


def test_answers_must_be_yes_no_or_not_known(checklist):
    answers = answers_for(checklist) | {"injury": "maybe", "fears": True, "nonsense": "yes"}
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        evaluate(checklist, answers)
    assert caught.value.message_dict == {
        "answers": [
            "These answers are not questions of this instrument: nonsense",
            "Answer yes, no or not known to questions: 1, 3",
        ]
    }


def test_answers_must_be_a_mapping(checklist):
    with pytest.raises(ValidationError) as caught:
        evaluate(checklist, ["yes"] * 24)
    assert "answers" in caught.value.message_dict


def test_answers_accept_the_plain_strings_a_form_or_json_sends(checklist):
    answers = {i.id: "yes" for i in checklist.items}
    assert evaluate(checklist, answers).level == RiskLevel.HIGH
    assert Answer.YES == "yes"


# --- Version pinning ----------------------------------------------------------------------------------


def test_an_old_assessment_is_evaluated_by_the_version_it_was_made_with(instrument_dir, valid_data):
    instrument_dir(valid_data)
    v1 = get_instrument("tiny")
    answers = answers_for(v1, ["q1", "q2"])
    stored = {"instrument_id": "tiny", "version": 1, "digest": v1.digest, "answers": answers}
    assert evaluate_pinned(**stored).level == RiskLevel.MEDIUM

    # Version 2 moves the bands and adds a question; the newest is now 2.
    v2 = valid_data | {"version": 2}
    v2["items"] = [*valid_data["items"], {"id": "q5", "text": VALID["items"][0]["text"]}]
    v2["rules"] = [{"type": "count", "bands": [{"min": 0, "level": "low"}]}]
    instrument_dir(v2)
    assert get_instrument("tiny").version == 2

    result = evaluate_pinned(**stored)
    assert result.instrument.version == 1
    assert result.level == RiskLevel.MEDIUM
    assert result.as_dict()["version"] == 1


def test_a_version_edited_in_place_is_refused(instrument_dir, valid_data):
    path = instrument_dir(valid_data)
    v1 = get_instrument("tiny")
    answers = answers_for(v1, ["q1", "q2"])
    valid_data["rules"][0]["bands"] = [{"min": 0, "level": "top"}]
    path.write_text(__import__("yaml").safe_dump(valid_data), encoding="utf-8")
    with pytest.raises(InstrumentError, match="changed after assessments were made"):
        evaluate_pinned(instrument_id="tiny", version=1, answers=answers, digest=v1.digest)


def test_a_missing_version_is_a_clear_error(instrument_dir, valid_data):
    instrument_dir(valid_data)
    with pytest.raises(InstrumentError, match=r"tiny: version 7 not found \(have \[1\]\)"):
        evaluate_pinned(instrument_id="tiny", version=7, answers={})
    with pytest.raises(InstrumentError, match="no such instrument"):
        get_instrument("../../etc")


def test_result_as_dict_is_plain_data(screen):
    data = run(screen, ["weapon"], ["gun"]).as_dict()
    assert data["instrument"] == "danger-screen-11"
    assert data["level"] == "high" and data["instrument_level"] == "high_danger"
    assert data["yes"] == ["weapon"] and data["unknown"] == ["gun"]
    assert data["rules"][0] == {
        "type": "trigger",
        "score": 1,
        "yes": ["weapon"],
        "level": "high_danger",
        "band": None,
    }
    assert data["digest"] == screen.digest and len(data["digest"]) == 64
