"""The printable case summary: kk/ru/en, a confidentiality notice on every page, only what the
reader may see of the case, and every printout recorded as an export of the case."""

import shutil
import subprocess

import pytest
from django.test import Client
from tests.helpers import SURVIVOR_IIN

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.core.models import AuditEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed"),
]


def pdf_text(data: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


@pytest.fixture
def world(make_user, make_agency, open_case, login_client):
    from tests.risk.helpers import assess

    from qorgau.cases import services

    centre = make_agency(Agency.Kind.CRISIS_CENTRE)
    police = make_agency(Agency.Kind.POLICE)
    stranger = make_agency(Agency.Kind.POLICE)
    worker = make_user(Role.CASEWORKER, agency=centre)
    supervisor = make_user(Role.SUPERVISOR, agency=centre)
    officer = make_user(Role.POLICE_OFFICER, agency=police)
    outsider = make_user(Role.POLICE_OFFICER, agency=stranger)
    case = open_case(worker)
    services.note_add(
        actor=worker, case=case, section="psychological", body="Сессиялар апта сайын: Secret-psy-11"
    )
    services.note_add(
        actor=worker, case=case, section="general", body="Баспанаға орналастырылды: Note-general-22"
    )
    services.emergency_grant(
        actor=supervisor, case=case, agency=police, sections=["general"], hours=24, reason="x" * 30
    )
    assess(worker, case, yes=16)
    return {
        "case": case,
        "worker": login_client(worker, Client()),
        "officer": login_client(officer, Client()),
        "outsider": login_client(outsider, Client()),
    }


def url(case, lang=""):
    return f"/cases/{case.pk}/summary.pdf" + (f"?lang={lang}" if lang else "")


def test_the_holder_prints_the_whole_case_in_kazakh_and_the_export_is_recorded(world):
    case = world["case"]
    response = world["worker"].get(url(case, "kk"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{case.number}-kk.pdf"'
    assert response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    assert "ҚҰПИЯ" in text  # the confidentiality notice, in Kazakh
    assert f"Іс қорытындысы {case.number}" in text
    for shown in ("Жандосова Айгүл", SURVIVOR_IIN, "Secret-psy-11", "Note-general-22", "Жандосов"):
        assert shown in text
    assert "Тәуекел және қауіпсіздік" in text  # the risk part, for a reader of the safety section
    assert "Confidential" not in text and "Case summary" not in text  # nothing left in English
    event = AuditEvent.objects.get(action="case.export")
    assert event.case_id == case.pk and event.purpose == "export" and event.detail["lang"] == "kk"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("ru", ("КОНФИДЕНЦИАЛЬНО", "Сводка по делу", "Записи")),
        ("en", ("CONFIDENTIAL", "Case summary", "Notes")),
    ],
)
def test_each_language_prints_wholly_in_that_language(world, lang, words):
    text = pdf_text(world["worker"].get(url(world["case"], lang)).content)
    for word in words:
        assert word in text


def test_an_agency_with_a_grant_of_the_general_section_prints_only_what_it_sees(world):
    case = world["case"]
    response = world["officer"].get(url(case, "ru"))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Жандосова Айгүл" in text and "Note-general-22" in text
    assert "Secret-psy-11" not in text  # the psychological section was not granted
    assert SURVIVOR_IIN not in text  # nor the legal or health section (her IIN)
    assert "Жандосов" not in text.replace("Жандосова", "")  # the perpetrator's identity is legal
    assert "Риск и безопасность" not in text  # no safety section: no risk level
    assert "Согласие" not in text  # her consents are the holder's


def test_an_agency_without_access_gets_404_and_the_attempt_is_recorded(world):
    case = world["case"]
    assert world["outsider"].get(url(case, "kk")).status_code == 404
    assert not AuditEvent.objects.filter(action="case.export").exists()
    assert AuditEvent.objects.filter(action="case.view_denied", case_id=case.pk, purpose="export").exists()


def test_an_unknown_language_falls_back_to_the_page_language(world):
    from qorgau.accounts.models import User

    User.objects.filter(pk=world["case"].assigned_to_id).update(language="ru")  # her screens are Russian
    response = world["worker"].get(url(world["case"], "xx"))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('-ru.pdf"')
    assert "КОНФИДЕНЦИАЛЬНО" in pdf_text(response.content)


def test_the_case_page_offers_the_printout_in_three_languages(world):
    page = world["worker"].get(f"/cases/{world['case'].pk}/").content.decode()
    for lang in ("kk", "ru", "en"):
        assert url(world["case"], lang) in page
