"""The risk form (issue #16): an optional text answer per question ("in her words what she
fears"), a progress indicator, a server-side draft that resumes (encrypted: it holds her words),
and questions the incident already answers pre-filled and marked so."""

import pytest
from django.db import connection

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.risk.loader import get_instrument
from qorgau.risk.models import Assessment, AssessmentDraft

ITEMS = get_instrument("checklist-24").items
FEARS = "Она боится, что он вернётся ночью с ножом — synthetic-fear-5521"


@pytest.fixture
def assessing(make_user, make_agency, open_case, login_client, client):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre Risk Form")
    worker = make_user(Role.CASEWORKER, agency=centre, username="risk.form.worker")
    case = open_case(worker, incident={"weapon": "knife", "injuries": "none"})
    login_client(worker)
    return {"case": case, "worker": worker, "url": f"/risk/cases/{case.pk}/assessments/new/"}


def _answers(yes=0, **extra):
    data = {"instrument": "checklist-24"}
    for n, item in enumerate(ITEMS):
        data[f"a_{item.id}"] = "yes" if n < yes else "no"
    data.update(extra)
    return data


def test_every_question_has_a_box_for_her_words_and_the_fears_box_says_so(client, assessing):
    page = client.get(assessing["url"]).content.decode()
    for item in ITEMS:
        assert f'name="w_{item.id}"' in page
    assert "Note in her own words what she is afraid of." in page  # the box the question asks for


def test_her_words_are_kept_with_the_assessment_encrypted(client, assessing):
    response = client.post(assessing["url"], _answers(yes=3, w_fears=FEARS, save="1"))
    assert response.status_code == 302
    assessment = Assessment.objects.get(case=assessing["case"])
    assert assessment.words == {"fears": FEARS}
    with connection.cursor() as cursor:
        cursor.execute("SELECT words FROM risk_assessment")
        assert "synthetic-fear" not in str(cursor.fetchone()[0])
    page = client.get(response["Location"]).content.decode()
    assert FEARS in page


def test_the_form_shows_how_many_of_the_24_are_answered(client, assessing):
    page = client.get(assessing["url"]).content.decode()
    assert 'max="24"' in page and "1 of 24 answered" in page  # the weapon, pre-filled
    data = _answers(yes=0)
    for item in ITEMS[10:]:
        del data[f"a_{item.id}"]
    page = client.post(assessing["url"], {**data, "preview": "1"}).content.decode()
    assert "10 of 24 answered" in page


def test_a_draft_is_kept_on_the_server_encrypted_and_resumes(client, assessing):
    partial = {"instrument": "checklist-24", "a_injury": "no", "a_frightened": "yes", "w_fears": FEARS}
    response = client.post(assessing["url"], {**partial, "draft": "1"})
    assert response.status_code == 302
    draft = AssessmentDraft.objects.get(case=assessing["case"], owner=assessing["worker"])
    assert draft.data["a_frightened"] == "yes" and draft.data["w_fears"] == FEARS
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM risk_assessmentdraft")
        assert "synthetic-fear" not in str(cursor.fetchone()[0])
    page = client.get(assessing["url"]).content.decode()
    assert "Resumed from your saved draft." in page
    assert FEARS in page
    assert 'name="a_frightened" value="yes" required id="id_a_frightened_0" checked' in page
    assert "2 of 24 answered" in page
    client.post(assessing["url"], _answers(yes=2, save="1"))
    assert not AssessmentDraft.objects.exists()  # saved: the draft is gone


def test_a_colleague_does_not_see_my_draft(client, assessing, make_user, login_client):
    client.post(assessing["url"], {"instrument": "checklist-24", "w_fears": FEARS, "draft": "1"})
    colleague = make_user(Role.CASEWORKER, agency=assessing["worker"].agency, username="risk.form.other")
    login_client(colleague)
    page = client.get(assessing["url"]).content.decode()
    assert FEARS not in page and "Resumed from your saved draft." not in page


def test_a_weapon_recorded_in_the_incident_is_pre_filled_and_marked(client, assessing):
    page = client.get(assessing["url"]).content.decode()
    assert 'name="a_weapons" value="yes" required id="id_a_weapons_0" checked' in page
    assert "Pre-filled from the incident of" in page
    assert 'name="a_injury" value="yes" required id="id_a_injury_0" checked' not in page  # none recorded
