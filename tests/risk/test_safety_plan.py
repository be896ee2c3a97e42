"""The safety plan: validation naming the field, and a discreet PDF that keeps Kazakh letters."""

import shutil
import subprocess
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from pypdf import PdfReader

from qorgau.risk.safety_plan import SafetyPlan, TrustedContact, safety_plan_pdf

needs_pdftotext = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed"
)

PLAN = {
    "safe_places": ["Әпкемнің үйі, Ұлытау көшесі", "Дүкен қасындағы дәріхана"],
    "trusted_contacts": [
        {"name": "Гүлнәр Сәрсенқызы", "phone": "+7 700 000 01 01", "note": "кешке қоңырау шалу"}
    ],
    "code_word": "Өрік пісті",
    "emergency_bag": "Жеке куәлік\nБалалардың туу туралы куәліктері\n\n",
    "children": ["Ұлым мектептен кейін көршіде қалады"],
    "digital_safety": [
        "Телефонның құпиясөзін ауыстыру",
        "Құпиясөз кеңесі: Ә Ғ Қ Ң Ө Ұ Ү Һ І ә ғ қ ң ө ұ ү һ і",
    ],
    "getting_help": ["102", "111"],
}

# Words that must never appear in the discreet PDF, in any language.
GIVEAWAYS = [
    "violence",
    "safety",
    "plan",
    "qorgau",
    "насили",
    "безопасн",
    "зорлық",
    "қауіпсіз",
    "жоспар",
    "план",
]


def pdf_text(data: bytes) -> str:
    """The PDF's text with line wrapping undone (a long line may wrap on the small page)."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())


def test_a_plan_from_form_data():
    plan = SafetyPlan.from_dict(PLAN)
    assert plan.trusted_contacts == (
        TrustedContact("Гүлнәр Сәрсенқызы", "+77000000101", "кешке қоңырау шалу"),
    )
    assert plan.emergency_bag == ("Жеке куәлік", "Балалардың туу туралы куәліктері")  # blank lines dropped
    assert SafetyPlan.from_dict(plan.to_dict()) == plan  # stores and reloads as JSON-ready data
    assert SafetyPlan().is_empty and not plan.is_empty


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"trusted_contacts": [{"name": "Айша", "phone": "not a phone"}]}, "trusted_contacts"),
        ({"trusted_contacts": [{"name": "", "phone": "+7 700 000 01 02"}]}, "trusted_contacts"),
        (
            {"trusted_contacts": [{"name": "Айша", "phone": "+7 700 000 01 02", "address": "x"}]},
            "trusted_contacts",
        ),
        ({"trusted_contacts": "Айша"}, "trusted_contacts"),
        ({"code_word": ["a", "b"]}, "code_word"),
        ({"safe_places": ["x" * 301]}, "safe_places"),
        ({"children": [str(n) for n in range(21)]}, "children"),
        ({"digital_safety": 5}, "digital_safety"),
        ({"weapons": ["x"]}, "non_field_errors"),
    ],
)
def test_bad_input_names_the_field(change, field):
    with pytest.raises(ValidationError) as caught:
        SafetyPlan.from_dict(PLAN | change)
    assert set(caught.value.message_dict) == {field}


def test_a_bad_contact_says_which_one():
    contacts = [PLAN["trusted_contacts"][0], {"name": "Айша", "phone": "12"}]
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        SafetyPlan.from_dict(PLAN | {"trusted_contacts": contacts})
    assert caught.value.message_dict["trusted_contacts"] == ["Contact 2: this is not a valid phone number."]
    with pytest.raises(ValidationError) as caught, translation.override("kk"):
        SafetyPlan.from_dict(PLAN | {"trusted_contacts": contacts})
    assert caught.value.message_dict["trusted_contacts"] == ["2-адам: телефон нөмірі дұрыс емес."]


@needs_pdftotext
def test_kazakh_pdf_keeps_every_kazakh_letter_and_looks_like_notes():
    data = safety_plan_pdf(SafetyPlan.from_dict(PLAN), "kk")
    text = pdf_text(data)
    for line in [
        "Жазбалар",
        "Әпкемнің үйі, Ұлытау көшесі",
        "Гүлнәр Сәрсенқызы — +7 700 000 0101 — кешке қоңырау шалу",
        "Өрік пісті",
        "Ұлым мектептен кейін көршіде қалады",
        "Нөмірлер",
    ]:
        assert line in text
    assert "Ә Ғ Қ Ң Ө Ұ Ү Һ І ә ғ қ ң ө ұ ү һ і" in text
    meta = PdfReader(BytesIO(data)).metadata
    assert meta.title == "Жазбалар"
    everything = (text + " ".join(str(v) for v in meta.values())).lower()
    assert not [w for w in GIVEAWAYS if w in everything]


@needs_pdftotext
def test_russian_pdf_has_russian_headings_and_keeps_kazakh_content():
    data = safety_plan_pdf(SafetyPlan.from_dict(PLAN), "ru")
    text = pdf_text(data)
    assert "Заметки" in text and "Места" in text and "Люди" in text
    assert "Гүлнәр Сәрсенқызы" in text and "Өрік пісті" in text
    assert PdfReader(BytesIO(data)).metadata.title == "Заметки"
    assert not [w for w in GIVEAWAYS if w in text.lower()]


@needs_pdftotext
def test_english_pdf_and_empty_sections_left_out():
    text = pdf_text(safety_plan_pdf(SafetyPlan(code_word="Apricots are ripe"), "en"))
    assert "Notes" in text and "Word" in text and "Apricots are ripe" in text
    assert "Places" not in text and "People" not in text


@needs_pdftotext
def test_markup_in_what_she_wrote_is_printed_as_written():
    text = pdf_text(safety_plan_pdf(SafetyPlan(safe_places=("<b>Aunt</b> & co",)), "en"))
    assert "<b>Aunt</b> & co" in text


@needs_pdftotext
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_ticked_items_are_printed_in_the_language_of_the_pdf(lang):
    plan = SafetyPlan.from_dict(
        {"bag_items": ["identity_card", "charger"], "emergency_bag": ["Ұлының ингаляторы"]}
    )
    text = pdf_text(safety_plan_pdf(plan, lang))
    expected = {
        "kk": ("Жеке куәлік немесе паспорт", "Телефонның зарядтағышы", "Дайын ұстау керек"),
        "ru": ("Удостоверение личности или паспорт", "Зарядное устройство для телефона", "Держать наготове"),
        "en": ("Identity card or passport", "Phone charger", "To keep ready"),
    }[lang]
    for words in expected:
        assert words in text
    assert "Ұлының ингаляторы" in text
    others = {"kk": "Удостоверение", "ru": "Жеке куәлік", "en": "Удостоверение"}
    assert others[lang] not in text


def test_unknown_bag_codes_are_refused_naming_the_field():
    with pytest.raises(ValidationError) as caught:
        SafetyPlan.from_dict({"bag_items": ["identity_card", "rifle"]})
    assert set(caught.value.message_dict) == {"bag_items"}
    with pytest.raises(ValidationError):
        SafetyPlan.from_dict({"bag_items": "identity_card"})


def test_older_plans_move_their_ticked_words_to_codes_in_any_language():
    import importlib

    migration = importlib.import_module("qorgau.risk.migrations.0004_safety_plan_codes")
    old = {
        "code_word": "w",
        "emergency_bag": [
            "Удостоверение личности или паспорт",
            "Қосалқы кілттер",
            "Phone charger",
            "Ингалятор",
        ],
    }
    moved = migration.split_bag(old)
    assert moved["bag_items"] == ["identity_card", "keys", "charger"]
    assert moved["emergency_bag"] == ["Ингалятор"]
    assert migration.split_bag(moved) == moved  # running it twice changes nothing
    plan = SafetyPlan.from_dict(moved)
    assert "Жеке куәлік немесе паспорт" in pdf_text(safety_plan_pdf(plan, "kk"))


def pdf_pages_text(data: bytes) -> list[str]:
    """Each printed page's text as pdftotext reads it (a page of only whitespace is an empty sheet)."""
    pages = len(PdfReader(BytesIO(data)).pages)
    return [
        subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-f", str(n), "-l", str(n), "-", "-"],
            input=data,
            capture_output=True,
            check=True,
        ).stdout.decode()
        for n in range(1, pages + 1)
    ]


@needs_pdftotext
def test_no_page_of_the_printout_is_empty():
    """Up to the longest plan the form accepts, every printed page carries text: a trailing
    spacer (or anything after the last line) that does not fit used to be carried to a sheet of
    its own, and she printed an empty second page. Every length is tried, so each page boundary
    falls once right after the last line."""
    for n in range(0, 21):
        for lines in (
            {"safe_places": [f"Орын {i}" for i in range(n)]},
            {"children": [f"Бала {i}" for i in range(n)]},
        ):
            pages = pdf_pages_text(safety_plan_pdf(SafetyPlan.from_dict(PLAN | lines), "kk"))
            assert all(page.strip() for page in pages), (n, [len(p.strip()) for p in pages])
    assert len(pdf_pages_text(safety_plan_pdf(SafetyPlan.from_dict(PLAN), "kk"))) == 1
