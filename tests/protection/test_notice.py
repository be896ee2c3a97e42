"""The order notice handed to the man it binds: kk, ru and en, text extractable with the Kazakh
letters intact, the order's facts and what a breach means — and nothing of her: no name, no
address, no phone. Printing it is recorded as an export."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.helpers import SURVIVOR_NAME, SURVIVOR_PHONE
from tests.protection.conftest import issue, serve

from qorgau.core.models import AuditEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed"),
]


def _text(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


@pytest.fixture
def order(pw):
    pw["police"].duty_phone = "+77000009102"
    pw["police"].save()
    return serve(
        pw,
        issue(
            pw,
            number="PO-77",
            conditions=["no_contact", "no_approach"],
            approach_metres=200,
            issued_at=timezone.now() - timedelta(hours=2),
        ),
    )


def _get(pw, login_client, order, lang, who="officer"):
    client = login_client(pw[who])
    return client.get(reverse("protection:order_notice", args=[pw["case"].pk, order.pk]) + f"?lang={lang}")


@pytest.mark.parametrize(
    "lang, words",
    [
        ("kk", ["Қорғау нұсқамасы", "Бұзу"]),
        ("ru", ["Защитное предписание", "нарушение"]),
        ("en", ["Protective order No. PO-77", "What a breach means"]),
    ],
)
def test_the_notice_in_each_language_has_the_order_and_nothing_of_her(pw, login_client, order, lang, words):
    response = _get(pw, login_client, order, lang)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    for word in words:
        assert word.lower() in text.lower(), (word, text)
    assert "PO-77" in text and "District police, unit 3" in text and "+7 700 000 9102" in text
    assert "461" in text  # the breach article (QORGAU_PROTECTIVE_ORDER_BREACH_ARTICLE)
    assert "Жандосов Ерлан" in text  # addressed to him
    # Nothing of her: not her names, her address or her phone.
    for secret in (*SURVIVOR_NAME, "Сарыарқа", "12-үй", SURVIVOR_PHONE[-4:], "Aigul"):
        assert secret not in text, secret


def test_kazakh_letters_survive_extraction(pw, login_client, order):
    text = _text(_get(pw, login_client, order, "kk").content)
    assert set("әғқңөұүі") & set(text.lower()) >= set("әқңұі")


def test_printing_is_audited_as_an_export(pw, login_client, order):
    _get(pw, login_client, order, "ru")
    assert AuditEvent.objects.filter(action="case.export", case_id=pw["case"].pk).exists()
    event = AuditEvent.objects.get(action="protective_order.export")
    assert event.detail == {"document": "notice", "lang": "ru"} and event.object_id == str(order.pk)


def test_only_those_who_see_whom_it_binds_may_print(pw, login_client, order):
    # The health worker's emergency grant has the safety section (she sees the order), not legal.
    assert _get(pw, login_client, order, "en", who="doctor").status_code == 404
    assert _get(pw, login_client, order, "en", who="stranger").status_code == 404
    assert not AuditEvent.objects.filter(action="protective_order.export").exists()


def test_a_draft_has_no_notice(pw, login_client):
    draft = issue(pw, number="PO-DRAFT", issue=False)
    assert _get(pw, login_client, draft, "en").status_code == 404
