"""Words, not codes, on staff pages (issue #16: "active: 6 · closed: 1 · open: 2" on the
supervisor's dashboard, her preferred language shown as "kk")."""

import re

import pytest
from django.test import Client
from django.utils import translation

from qorgau.accounts.roles import Role
from qorgau.cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_agency_caseload_counts_cases_by_status_in_words(lang, make_user, open_case, login_client):
    worker = make_user(Role.CASEWORKER)
    supervisor = make_user(Role.SUPERVISOR, agency=worker.agency)
    open_case(worker)
    supervisor.language = lang
    supervisor.save(update_fields=["language"])
    html = login_client(supervisor, Client(HTTP_ACCEPT_LANGUAGE=lang)).get("/dashboard/").content.decode()
    panel = html.split('id="sup-h"', 1)[1].split("</p>", 1)[0]
    with translation.override(lang):
        words = [str(label) for label in Case.Status.labels]
    assert any(f"{w}: <strong>" in panel for w in words), panel
    assert not re.search(r"\b(open|active|closed|reopened):", panel), panel


@pytest.mark.parametrize(("lang", "name"), [("kk", "Қазақ"), ("ru", "казах"), ("en", "Kazakh")])
def test_her_preferred_language_is_named_not_coded(lang, name, make_user, open_case, login_client):
    worker = make_user(Role.CASEWORKER)
    case = open_case(worker)  # she prefers "kk"
    worker.language = lang
    worker.save(update_fields=["language"])
    html = login_client(worker, Client(HTTP_ACCEPT_LANGUAGE=lang)).get(f"/cases/{case.pk}/").content.decode()
    row = re.search(r"<dd>([^<]*)</dd>", html.split(str(_preferences_label(lang)), 1)[1]).group(1)
    assert name.casefold() in row.casefold() and not re.search(r"\bkk\b", row), row


def _preferences_label(lang):
    with translation.override(lang):
        return translation.gettext("Preferences")
