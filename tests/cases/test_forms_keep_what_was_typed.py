"""Every form of the case page comes back, on a refusal, with what was typed and the error beside
it (issue #16: a long note she dictated was lost when the form came back empty)."""

import pytest

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.cases import services
from qorgau.cases.models import CaseShare, Consent, Note

TYPED = "Она рассказала всё подробно, с датами и именами — Synthetic-typed-7731"


@pytest.fixture
def held(make_user, make_agency, open_case, login_client):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre Keep")
    police = make_agency(Agency.Kind.POLICE, name="Police Keep")
    supervisor = make_user(Role.SUPERVISOR, agency=centre, username="keep.supervisor")
    other_supervisor = make_user(Role.SUPERVISOR, agency=centre, username="keep.supervisor2")
    case = open_case(supervisor)
    login_client(supervisor)
    return {"case": case, "police": police, "supervisor": supervisor, "other": other_supervisor}


def _post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 400, response.status_code
    return response.content.decode()


def test_a_refused_note_comes_back_with_what_was_typed(client, held):
    case = held["case"]
    page = _post(client, f"/cases/{case.pk}/notes/", {"section": "no-such-section", "body": TYPED})
    assert TYPED in page
    assert 'id="note-section-error"' in page and "Select a valid choice" in page
    assert all(TYPED not in n.body for n in Note.objects.all())
    page = _post(client, f"/cases/{case.pk}/notes/", {"section": "general", "body": TYPED + "x" * 20000})
    assert TYPED in page and 'id="note-body-error"' in page


def test_a_refused_consent_comes_back_with_what_was_typed(client, held):
    case = held["case"]
    before = Consent.objects.count()
    page = _post(
        client,
        f"/cases/{case.pk}/consents/",
        {"purpose": "referral", "method": "written", "given_by": "guardian", "guardian_name": "Гүлнар Апасы"},
    )
    assert "Гүлнар Апасы" in page
    assert "Choose one receiving agency or one type of agency." in page
    assert "<details open>" in page  # the form is not folded away
    assert Consent.objects.count() == before


def test_a_refused_emergency_grant_comes_back_with_what_was_typed(client, held):
    case = held["case"]
    page = _post(
        client,
        f"/cases/{case.pk}/emergency/",
        {"agency": held["police"].pk, "sections": ["general"], "hours": "500", "reason": TYPED},
    )
    assert TYPED in page and "Ensure this value is less than or equal to 168." in page
    assert f'<option value="{held["police"].pk}" selected>' in page
    assert not CaseShare.objects.filter(case=case, source="emergency").exists()


def test_a_refused_review_note_comes_back_with_what_was_typed(client, held, login_client):
    case = held["case"]
    share = services.emergency_grant(
        actor=held["other"],
        case=case,
        agency=held["police"],
        sections=["general"],
        hours=24,
        reason="Threats to kill her tonight, synthetic.",
    )
    page = _post(client, f"/cases/{case.pk}/emergency/{share.pk}/review/", {"note": "ok"})
    assert 'value="ok"' in page and f'id="review-{share.pk}-error"' in page


@pytest.mark.parametrize(
    "path,data,typed,error",
    [
        (
            "plan/actions/",
            {"goal": TYPED, "action": "Call her weekly", "agency": "", "due_on": "", "version": "0"},
            TYPED,
            "This field is required.",
        ),
        (
            "services/",
            {"service": "legal_aid", "delivered_on": "", "note": TYPED},
            TYPED,
            "This field is required.",
        ),
        ("closure/", {"reason": "no-such-reason", "note": TYPED}, TYPED, "Select a valid choice"),
        (
            "wellbeing/",
            {"moment": "intake", "rated_on": "", "safety": "99", "wellbeing": "3"},
            "intake",
            "valid",
        ),
    ],
)
def test_refused_pathway_forms_come_back_with_what_was_typed(client, held, path, data, typed, error):
    page = _post(client, f"/cases/{held['case'].pk}/{path}", data)
    assert typed in page and error in page
