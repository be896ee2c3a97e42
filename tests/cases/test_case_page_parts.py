"""The long case page: a table of contents, one consent row per recipient for what she agreed to
together, and the heavy consent and emergency forms sent only when opened."""

import re

import pytest
from django.test import Client

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role

pytestmark = pytest.mark.django_db

TOGETHER = [
    {"purpose": "referral", "recipient_kind": "police", "method": "written", "given_by": "survivor"},
    {
        "purpose": "share",
        "recipient_kind": "police",
        "sections": ["general", "legal"],
        "method": "written",
        "given_by": "survivor",
    },
    {"purpose": "contact", "recipient_kind": "police", "method": "written", "given_by": "survivor"},
    {"purpose": "statistics", "method": "written", "given_by": "survivor"},
]


@pytest.fixture
def lead_page(make_user, make_agency, open_case, login_client):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE)
    for _ in range(3):
        make_agency(Agency.Kind.POLICE)
    lead = make_user(Role.CASEWORKER, Role.SUPERVISOR, agency=centre)
    case = open_case(lead, consents=TOGETHER)
    client = login_client(lead, Client(HTTP_ACCEPT_LANGUAGE="en"))
    return client, case


def consent_rows(html: str) -> list[str]:
    table = html.split('id="consent"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)


def test_one_intake_gives_one_row_per_recipient(lead_page):
    client, case = lead_page
    rows = consent_rows(client.get(f"/cases/{case.pk}/").content.decode())
    assert len(rows) == 2  # the police (referral, sharing, contact) and statistics
    police = next(r for r in rows if "Police" in r or "police" in r)
    for purpose in ("Referral", "Sharing", "Contact"):
        assert purpose in police
    assert "General" in police and "Legal" in police
    assert (
        police.count("consent_withdraw") == 0 and police.count("/withdraw/") == 3
    )  # each stays withdrawable


def test_the_page_carries_a_table_of_contents(lead_page):
    client, case = lead_page
    page = client.get(f"/cases/{case.pk}/").content.decode()
    nav = page.split('class="case-toc"', 1)[1].split("</nav>", 1)[0]
    for anchor in ("people", "incidents", "risk", "pathway", "notes", "consent", "sharing", "timeline"):
        assert f'href="#{anchor}"' in nav
        assert f'id="{anchor}"' in page


def test_the_consent_and_emergency_forms_come_on_demand(lead_page):
    client, case = lead_page
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="recipient_agency"' not in page and 'name="recipient_kind"' not in page  # consent
    assert 'name="hours"' not in page  # the emergency grant
    fragment = client.get(f"/cases/{case.pk}/consents/form/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert (
        "<html" not in body
        and f'action="/cases/{case.pk}/consents/"' in body
        and "csrfmiddlewaretoken" in body
    )
    whole = client.get(f"/cases/{case.pk}/consents/form/").content.decode()  # without JavaScript: a page
    assert "<html" in whole and "Record consent" in whole
    grant = client.get(f"/cases/{case.pk}/emergency/form/", HTTP_HX_REQUEST="true").content.decode()
    assert f'action="/cases/{case.pk}/emergency/"' in grant and 'name="hours"' in grant


def test_a_caseworker_who_may_not_grant_gets_no_emergency_form(
    make_user, make_agency, open_case, login_client
):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE)
    worker = make_user(Role.CASEWORKER, agency=centre)
    case = open_case(worker)
    client = login_client(worker, Client(HTTP_ACCEPT_LANGUAGE="en"))
    assert client.get(f"/cases/{case.pk}/emergency/form/").status_code == 403
    assert "/emergency/form/" not in client.get(f"/cases/{case.pk}/").content.decode()
