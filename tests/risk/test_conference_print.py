"""The risk conference on paper: the agenda and the minutes in kk/ru/en, with a confidentiality
notice, only what a participant sees on the conference pages, and each printout recorded."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from tests.risk.test_conferences import SECRETS, conference_world  # noqa: F401  (the fixture)

from qorgau.core.models import AuditEvent
from qorgau.risk import services

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")


def pdf_text(data: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


@pytest.fixture
def held(conference_world):  # noqa: F811
    w = conference_world
    referral = w["referral"]
    services.contribution_add(actor=w["officer"], referral=referral, body="Екі рет шақырылды: Contrib-31")
    services.action_add(
        actor=w["coordinator"],
        referral=referral,
        description="Көшесін күзету: Action-42",
        owner_agency=w["police"],
        due_on=timezone.localdate() + timedelta(days=5),
    )
    referral.refresh_from_db()
    services.minutes_save(
        actor=w["coordinator"],
        referral=referral,
        text="Келісілді: Minutes-53",
        expected_version=referral.version,
    )
    return w


def get(login_client, user, path):
    return login_client(user, Client(HTTP_ACCEPT_LANGUAGE="en")).get(path)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("kk", ("ҚҰПИЯ", "Тәуекел кеңесінің күн тәртібі", "Күн тәртібі")),
        ("ru", ("КОНФИДЕНЦИАЛЬНО", "Повестка конференции по рискам", "Повестка")),
        ("en", ("CONFIDENTIAL", "Risk conference agenda", "Agenda")),
    ],
)
def test_the_agenda_prints_in_each_language_with_case_numbers_only(held, login_client, lang, words):
    w = held
    response = get(
        login_client, w["doctor"], f"/risk/conferences/{w['conference'].pk}/agenda.pdf?lang={lang}"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for word in words:
        assert word in text
    assert w["case"].number in text and "Akimat, room 4" in text
    for secret in SECRETS:
        assert secret not in text
    assert "Contrib-31" not in text  # the agenda lists the cases; what was shared is in the minutes
    event = AuditEvent.objects.get(action="conference.print")
    assert event.detail == {"document": "agenda", "lang": lang, "items": 1}


def test_the_minutes_carry_what_was_shared_agreed_and_recorded(held, login_client):
    w = held
    response = get(login_client, w["officer"], f"/risk/conferences/{w['conference'].pk}/minutes.pdf?lang=ru")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Протокол конференции по рискам" in text
    for shown in ("Contrib-31", "Action-42", "Minutes-53", w["case"].number):
        assert shown in text
    for secret in SECRETS:
        assert secret not in text
    assert AuditEvent.objects.filter(
        action="conference.item_print", case_id=w["case"].pk, purpose="minutes"
    ).exists()


def test_someone_outside_the_conference_gets_404(held, login_client, make_user, make_agency):
    from qorgau.accounts.models import Agency
    from qorgau.accounts.roles import Role

    outsider = make_user(Role.POLICE_OFFICER, agency=make_agency(Agency.Kind.POLICE, name="Elsewhere"))
    for document in ("agenda", "minutes"):
        path = f"/risk/conferences/{held['conference'].pk}/{document}.pdf?lang=kk"
        assert get(login_client, outsider, path).status_code == 404
    assert not AuditEvent.objects.filter(action="conference.print").exists()


def test_the_conference_page_offers_both_printouts(held, login_client):
    page = get(
        login_client, held["coordinator"], f"/risk/conferences/{held['conference'].pk}/"
    ).content.decode()
    for document in ("agenda", "minutes"):
        for lang in ("kk", "ru", "en"):
            assert f"/risk/conferences/{held['conference'].pk}/{document}.pdf?lang={lang}" in page
