"""Digital-safety steps in the safety plan (issue 11): codes with kk/ru/en text on the screen,
plain everyday words in the discreet PDF, unknown codes refused naming the field."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from tests.risk.test_safety_plan import GIVEAWAYS, needs_pdftotext, pdf_text

from qorgau.risk.safety_plan import DIGITAL_STEPS, SafetyPlan, safety_plan_pdf

STEPS = ["secure_accounts", "check_spyware", "check_trackers", "safe_device"]


def test_the_steps_cover_accounts_spyware_trackers_and_safe_devices():
    assert {"secure_accounts", "check_spyware", "check_trackers", "safe_device"} <= set(DIGITAL_STEPS)


@pytest.mark.parametrize(
    "lang,words",
    [
        ("en", "Check her phone for spyware"),
        ("kk", "тыңшы бағдарлама"),
        ("ru", "шпионск"),
    ],
)
def test_the_screen_names_each_step_in_her_language(lang, words):
    plan = SafetyPlan.from_dict({"digital_steps": STEPS, "digital_safety": ["Жаңа SIM-карта"]})
    with translation.override(lang):
        shown = plan.digital_shown
    assert any(words in line for line in shown) and shown[-1] == "Жаңа SIM-карта"


@needs_pdftotext
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_discreet_pdf_lists_the_steps_in_plain_words(lang):
    plan = SafetyPlan.from_dict({"digital_steps": STEPS, "digital_safety": ["Жаңа SIM-карта"]})
    text = pdf_text(safety_plan_pdf(plan, lang))
    expected = {
        "kk": "Басқа телефонды пайдалану",
        "ru": "Пользоваться другим телефоном",
        "en": "Use the other phone",
    }
    assert expected[lang] in text and "Жаңа SIM-карта" in text
    lowered = text.casefold()
    for word in [*GIVEAWAYS, "spyware", "tracker", "шпион", "трекер", "тыңшы"]:
        assert word.casefold() not in lowered, word


def test_unknown_steps_are_refused_naming_the_field():
    with pytest.raises(ValidationError) as caught:
        SafetyPlan.from_dict({"digital_steps": ["secure_accounts", "hack_him"]})
    assert set(caught.value.message_dict) == {"digital_steps"}


def test_an_older_plan_without_steps_still_opens():
    plan = SafetyPlan.from_dict({"digital_safety": ["Телефонның құпиясөзін ауыстыру"]})
    assert plan.digital_steps == () and plan.digital_shown == ["Телефонның құпиясөзін ауыстыру"]
