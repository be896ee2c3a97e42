"""Her safety plan on the case: editing with a version check, the discreet PDF, access."""

import subprocess

import pytest
from django.db import connection

from qorgau.cases.models import CaseEvent
from qorgau.core.models import AuditEvent
from qorgau.risk.models import SafetyPlan

PLAN_POST = {
    "safe_places": "Апасының үйі, Жеңіс көшесі\nДағдарыс орталығы",
    "code_word": "Қызғалдақ",
    "contact_name_0": "Сәуле (көршісі)",
    "contact_phone_0": "8 700 000 00 21",
    "contact_note_0": "knows the code word",
    "bag_suggestions": ["identity_card", "medicines"],
    "emergency_bag": "Баланың дәрісі",
    "children": "Үлкен ұлы 102-ге қоңырау шалуды біледі",
    "digital_safety": "Телефонда геолокация өшірілді",
    "getting_help": "111 — тәулік бойы",
}


def url(case):
    return f"/risk/cases/{case.pk}/safety-plan/"


def test_the_plan_is_saved_encrypted_and_shown_again(risk_world, client, login_client):
    worker, case = risk_world["worker"], risk_world["case"]
    login_client(worker)
    response = client.post(url(case), {**PLAN_POST, "version": "0"})
    assert response.status_code == 302
    plan = SafetyPlan.objects.get(case=case)
    assert plan.version == 1
    assert plan.content["code_word"] == "Қызғалдақ"
    assert plan.content["trusted_contacts"] == [
        {"name": "Сәуле (көршісі)", "phone": "+77000000021", "note": "knows the code word"}
    ]
    assert plan.content["bag_items"] == ["identity_card", "medicines"]  # codes, not the worker's words
    assert plan.content["emergency_bag"] == ["Баланың дәрісі"]  # her own words, as written
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM risk_safetyplan")
        assert "Қызғалдақ" not in cursor.fetchone()[0]
    page = client.get(url(case)).content.decode()
    assert "Қызғалдақ" in page and 'value="1"' in page and "Апасының үйі" in page
    assert CaseEvent.objects.filter(case=case, kind="safety_plan_saved", section="safety").count() == 1
    assert AuditEvent.objects.filter(action="safety_plan.update", case_id=case.pk).exists()


def test_a_stale_save_gets_a_conflict_and_loses_nothing(risk_world, client, login_client):
    worker, supervisor, case = risk_world["worker"], risk_world["supervisor"], risk_world["case"]
    login_client(worker)
    client.post(url(case), {**PLAN_POST, "version": "0"})
    # Both open version 1; the supervisor saves first.
    from django.test import Client

    other = login_client(supervisor, Client(HTTP_ACCEPT_LANGUAGE="en"))
    other.post(url(case), {**PLAN_POST, "code_word": "Жұлдыз", "version": "1"})
    stale = client.post(url(case), {**PLAN_POST, "safe_places": "Құрбысының пәтері", "version": "1"})
    body = stale.content.decode()
    assert stale.status_code == 409
    assert "Someone else saved this safety plan while you were editing it" in body
    assert "Құрбысының пәтері" in body  # what she typed is still in the form
    assert "The plan as saved now" in body and "Жұлдыз" in body
    assert 'name="version" value="2"' in body  # the next save is a deliberate one
    plan = SafetyPlan.objects.get(case=case)
    assert (plan.version, plan.content["code_word"], plan.content["safe_places"][0]) == (
        2,
        "Жұлдыз",
        "Апасының үйі, Жеңіс көшесі",
    )
    again = client.post(url(case), {**PLAN_POST, "safe_places": "Құрбысының пәтері", "version": "2"})
    assert again.status_code == 302
    assert SafetyPlan.objects.get(case=case).content["safe_places"] == ["Құрбысының пәтері"]


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"contact_phone_0": "12345"}, "contact_phone_0", "This is not a valid phone number."),
        ({"contact_name_0": ""}, "contact_name_0", "Write the contact&#x27;s name."),
        ({"code_word": "x" * 301}, "code_word", "Ensure this value has at most 300 characters"),
        (
            {"getting_help": "\n".join(f"line {n}" for n in range(21))},
            "getting_help",
            "Write at most 20 lines here.",
        ),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    risk_world, client, login_client, change, field, message
):
    login_client(risk_world["worker"])
    response = client.post(url(risk_world["case"]), {**PLAN_POST, "version": "0", **change})
    body = response.content.decode()
    assert response.status_code == 400 and message in body
    assert f'id="id_{field}"' in body and "has-error" in body
    assert not SafetyPlan.objects.exists()


def test_the_printed_plan_is_discreet_in_kazakh_and_its_printing_is_recorded(
    risk_world, client, login_client, tmp_path
):
    worker, case = risk_world["worker"], risk_world["case"]
    login_client(worker)
    assert client.get(f"{url(case)}print/?lang=kk").status_code == 404  # no plan yet
    client.post(url(case), {**PLAN_POST, "version": "0"})
    response = client.get(f"{url(case)}print/?lang=kk")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="notes.pdf"'
    pdf = tmp_path / "notes.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Қызғалдақ" in text and "Апасының үйі" in text and "Сәуле" in text
    assert "Жеке куәлік немесе паспорт" in text and "Баланың дәрісі" in text
    for giveaway in ("Qorgau", "Centre R", case.number, "safety", "қауіпсіздік"):
        assert giveaway not in text
    audit = AuditEvent.objects.get(action="safety_plan.print")
    assert audit.case_id == case.pk and audit.detail == {"lang": "kk"}


def test_the_api_saves_with_a_version_and_answers_conflicts(risk_world, api):
    worker, case = risk_world["worker"], risk_world["case"]
    client = api(worker)
    endpoint = f"/api/v1/cases/{case.pk}/risk/safety-plan/"
    assert client.get(endpoint).json()["version"] == 0
    plan = {
        "safe_places": ["Апасының үйі"],
        "trusted_contacts": [{"name": "Сәуле", "phone": "+77000000021"}],
        "code_word": "Қызғалдақ",
    }
    saved = client.put(endpoint, {"version": 0, "plan": plan}, format="json")
    assert saved.status_code == 200 and saved.json() == {"version": 1}
    stale = client.put(endpoint, {"version": 0, "plan": plan}, format="json")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    bad = client.put(
        endpoint,
        {"version": 1, "plan": {**plan, "trusted_contacts": [{"name": "X", "phone": "1"}]}},
        format="json",
    )
    assert bad.status_code == 400 and "plan.trusted_contacts" in bad.json()["error"]["fields"]
    missing = client.put(endpoint, {"plan": plan}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()["error"]["fields"]
    read = client.get(endpoint).json()
    assert read["version"] == 1 and read["plan"]["trusted_contacts"][0]["phone"] == "+77000000021"


def test_without_the_safety_section_there_is_no_plan_to_see(risk_world, client, login_client, api):
    from tests.risk.test_assessments import _share

    worker, case, officer = risk_world["worker"], risk_world["case"], risk_world["officer"]
    login_client(worker)
    client.post(url(case), {**PLAN_POST, "version": "0"})
    _share(risk_world, ["general", "legal"])
    login_client(officer)
    for path in (url(case), f"{url(case)}print/?lang=ru"):
        response = client.get(path)
        assert response.status_code == 404 and "Қызғалдақ" not in response.content.decode()
    assert client.post(url(case), {**PLAN_POST, "version": "1"}).status_code == 404
    assert api(officer).get(f"/api/v1/cases/{case.pk}/risk/safety-plan/").status_code == 404
    assert SafetyPlan.objects.get(case=case).version == 1


def test_a_plan_saved_in_russian_prints_its_ticked_items_in_kazakh(
    risk_world, client, login_client, tmp_path
):
    """The worker's screen was Russian; the Kazakh printout names every ticked item in Kazakh."""
    worker, case = risk_world["worker"], risk_world["case"]
    login_client(worker)
    client.post(url(case), {**PLAN_POST, "version": "0"}, HTTP_ACCEPT_LANGUAGE="ru")
    page = client.get(url(case), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    import re

    assert re.search(r'value="identity_card"[^>]*checked', page)  # the ticks come back from the codes
    assert not re.search(r'value="keys"[^>]*checked', page)
    texts = {}
    for lang in ("kk", "ru", "en"):
        response = client.get(f"{url(case)}print/?lang={lang}")
        pdf = tmp_path / f"{lang}.pdf"
        pdf.write_bytes(response.content)
        texts[lang] = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    assert "Жеке куәлік немесе паспорт" in texts["kk"] and "Дәрі-дәрмек және рецепттер" in texts["kk"]
    assert "Удостоверение" not in texts["kk"] and "Identity" not in texts["kk"]
    assert "Удостоверение личности или паспорт" in texts["ru"] and "Лекарства и рецепты" in texts["ru"]
    assert "Identity card or passport" in texts["en"] and "Medicines and prescriptions" in texts["en"]
    for text in texts.values():
        assert "Баланың дәрісі" in text  # her own words are printed as she said them
