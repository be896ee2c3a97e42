"""The pathway's folded forms on the case page (issue #14): the page carries a link to each, the
form comes when it is opened (a fragment for htmx, a page without JavaScript), and a form the
server refused comes back on the case page, open, with what was typed."""

import pytest

pytestmark = pytest.mark.django_db

FOLDED = {  # the form's path under the case, and a field only that form has
    "services": 'name="delivered_on"',
    "plan/actions": 'name="goal"',
    "wellbeing": 'name="rated_on"',
    "closure": 'name="reason"',
}


def test_the_folded_forms_come_when_opened(pathway, login_client, client):
    case = pathway["case"]
    login_client(pathway["worker"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    for path, field in FOLDED.items():
        url = f"/cases/{case.pk}/{path}/"
        assert field not in page, path
        assert f'hx-get="{url}"' in page and f'<a href="{url}">' in page, path  # works without JavaScript
        fragment = client.get(url, HTTP_HX_REQUEST="true")
        assert fragment.status_code == 200, path
        body = fragment.content.decode()
        assert "<html" not in body and f'action="{url}"' in body and field in body, path
        assert "csrfmiddlewaretoken" in body, path
        whole = client.get(url).content.decode()
        assert "<html" in whole and field in whole and f'href="/cases/{case.pk}/"' in whole, path
    # The table of contents still names every part of the pathway.
    for anchor in ("pathway", "plan", "wellbeing", "closure"):
        assert f'href="#{anchor}"' in page and f'id="{anchor}"' in page


def test_a_refused_form_comes_back_open_with_what_was_typed(pathway, login_client, client):
    case = pathway["case"]
    login_client(pathway["worker"])
    answer = client.post(
        f"/cases/{case.pk}/plan/actions/",
        {"goal": "Safe-housing-goal-7", "action": "", "agency": pathway["centre"].pk, "version": 0},
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    plan = page.split('id="plan"', 1)[1].split("</section>", 1)[0]
    assert "<details open>" in plan and 'value="Safe-housing-goal-7"' in plan and 'name="action"' in plan
    assert 'name="delivered_on"' not in page  # the other folded forms stay folded
