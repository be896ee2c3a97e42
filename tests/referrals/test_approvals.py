"""A supervisor's work: "waiting for my approval" (plans, closures, emergency grants by another
supervisor) on the dashboard, and a plan returned with comments as well as approved."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qorgau.cases import services as case_services
from qorgau.cases.models import Note
from qorgau.core.models import AuditEvent
from qorgau.notifications.models import Notification
from qorgau.referrals import services
from qorgau.referrals.models import CasePlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(pathway, make_user):
    from qorgau.accounts.roles import Role

    case, worker = pathway["case"], pathway["worker"]
    services.plan_action_add(
        actor=worker,
        case=case,
        goal="Safe housing",
        action="Apply to the akimat",
        agency=pathway["centre"],
        person=None,
        due_on=timezone.localdate(),
        expected_version=0,
    )
    plan = CasePlan.objects.get(case=case)
    services.plan_submit(actor=worker, case=case, expected_version=plan.version)
    second = make_user(Role.SUPERVISOR, agency=pathway["centre"], username="cc.supervisor2")
    case_services.emergency_grant(
        actor=second, case=case, agency=pathway["police"], sections=["general"], hours=24, reason="x" * 30
    )
    case_services.case_close_request(actor=worker, case=case, reason="needs_met")
    return pathway


def page(login_client, user, path="/dashboard/"):
    return login_client(user, Client(HTTP_ACCEPT_LANGUAGE="en")).get(path).content.decode()


def test_the_supervisor_sees_what_waits_for_her_approval(waiting, login_client):
    html = page(login_client, waiting["supervisor"])
    panel = html.split('id="approvals"', 1)[1].split("</section>", 1)[0]
    number = waiting["case"].number
    assert "Waiting for my approval" in html
    assert panel.count(number) == 3  # the plan, the closure and the emergency grant
    assert "#plan" in panel and "#closure" in panel and "#sharing" in panel
    assert 'id="approvals"' not in page(login_client, waiting["worker"])  # not a caseworker's panel


def test_the_supervisor_returns_the_plan_with_comments(waiting, login_client):
    case, supervisor, worker = waiting["case"], waiting["supervisor"], waiting["worker"]
    plan = CasePlan.objects.get(case=case)
    client = login_client(supervisor, Client(HTTP_ACCEPT_LANGUAGE="en"))
    case_page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Return with comments" in case_page and "Approve the plan" in case_page
    url = reverse("referrals:plan_return", args=[case.pk])
    assert f'action="{url}"' in case_page
    # Too short a comment, from the case page or the dashboard: nothing changes, and the case
    # page comes back with what she typed beside the error, the comment box open.
    for back in ("", "dashboard"):
        short = client.post(url, {"version": plan.version, "comment": "Not yet", "back": back})
        text = short.content.decode()
        assert short.status_code == 400 and "at least 10 characters" in text
        assert ">Not yet</textarea>" in text and 'aria-describedby="plan-comment-error"' in text
        assert CasePlan.objects.get(case=case).status == "submitted"  # nothing changed
    client.post(url, {"version": plan.version, "comment": "Add a safe route to school for the children."})
    plan = CasePlan.objects.get(case=case)
    assert plan.status == "draft"
    assert (
        Note.objects.filter(case=case, section="general")
        .last()
        .body.endswith("Add a safe route to school for the children.")
    )
    assert AuditEvent.objects.filter(action="plan.return", case_id=case.pk).exists()
    assert Notification.objects.filter(user=worker, kind="plan_returned").exists()
    # The caseworker may not return a plan: nothing changes.
    services.plan_submit(actor=worker, case=case, expected_version=plan.version)
    version = CasePlan.objects.get(case=case).version
    login_client(worker, Client()).post(url, {"version": version, "comment": "x" * 20})
    assert CasePlan.objects.get(case=case).status == "submitted"


RETURN = "Her children's school is not yet told; call the school's psychologist first."


def test_the_supervisor_returns_the_closure_with_comments_from_the_dashboard(waiting, login_client):
    from qorgau.cases.models import CaseClosure, CaseEvent

    case, supervisor, worker = waiting["case"], waiting["supervisor"], waiting["worker"]
    closure = CaseClosure.objects.get(case=case)
    client = login_client(supervisor, Client(HTTP_ACCEPT_LANGUAGE="en"))
    panel = client.get("/dashboard/").content.decode().split('id="approvals"', 1)[1].split("</section>")[0]
    url = reverse("referrals:closure_decide", args=[case.pk, closure.pk])
    assert f'action="{url}"' in panel and "Return with comments" in panel and "Approve closure" in panel
    # Too short a comment: nothing changes, and what she typed comes back beside the error.
    short = client.post(url, {"approve": "0", "comment": "Not yet", "back": "dashboard"})
    assert short.status_code == 400
    assert (
        "at least 10 characters" in short.content.decode() and ">Not yet</textarea>" in short.content.decode()
    )
    assert CaseClosure.objects.get(pk=closure.pk).status == "requested"
    done = client.post(url, {"approve": "0", "comment": RETURN, "back": "dashboard"})
    assert done.status_code == 302 and done["Location"] == "/dashboard/#approvals"
    closure.refresh_from_db()
    assert (closure.status, closure.decision_comment, closure.decided_by) == ("returned", RETURN, supervisor)
    assert case.__class__.objects.get(pk=case.pk).status != "closed"
    # The caseworker reads the comments: on the case page, in a note, on the timeline, notified.
    assert Note.objects.filter(case=case, section="general").last().body.endswith(RETURN)
    assert CaseEvent.objects.filter(case=case, kind="closure_returned").exists()
    assert AuditEvent.objects.filter(action="case.close_return", case_id=case.pk).exists()
    assert Notification.objects.filter(user=worker, kind="closure_returned").exists()
    worker_client = login_client(worker, Client(HTTP_ACCEPT_LANGUAGE="en"))
    page_text = worker_client.get(f"/cases/{case.pk}/").content.decode()
    assert RETURN.replace("'", "&#x27;") in page_text and "Returned with comments" in page_text
    assert "The closure was returned with comments" in page_text  # the timeline entry
    # Returned is decided: she may ask again once the work is done; it is no longer waiting.
    assert "#closure" not in client.get("/dashboard/").content.decode().split('id="approvals"', 1)[1]
    case_services.case_close_request(actor=worker, case=case, reason="needs_met")


def test_a_closure_cannot_be_returned_without_comments_through_the_api(waiting, api_client):
    from qorgau.cases.models import CaseClosure

    case, supervisor = waiting["case"], waiting["supervisor"]
    closure = CaseClosure.objects.get(case=case)
    api = api_client(supervisor)
    url = f"/api/v1/cases/{case.pk}/closure/{closure.pk}/decision/"
    bare = api.post(url, {"approve": False}, format="json")
    assert bare.status_code == 400 and "comment" in bare.json()["error"]["fields"]
    assert api.post(url, {"approve": False, "comment": ["a list"]}, format="json").status_code == 400
    assert CaseClosure.objects.get(pk=closure.pk).status == "requested"  # nothing changed
    returned = api.post(url, {"approve": False, "comment": RETURN}, format="json")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert CaseClosure.objects.get(pk=closure.pk).decision_comment == RETURN


def test_plans_and_emergency_grants_are_decided_from_the_dashboard(waiting, login_client):
    from qorgau.cases.models import CaseShare

    case, supervisor = waiting["case"], waiting["supervisor"]
    client = login_client(supervisor, Client(HTTP_ACCEPT_LANGUAGE="en"))
    panel = client.get("/dashboard/").content.decode().split('id="approvals"', 1)[1].split("</section>")[0]
    share = CaseShare.objects.get(case=case, source="emergency")
    review_url = reverse("cases:emergency_review", args=[case.pk, share.pk])
    assert f'action="{review_url}"' in panel and "Approve the plan" in panel
    plan = CasePlan.objects.get(case=case)
    approved = client.post(
        reverse("referrals:plan_submit", args=[case.pk]),
        {"version": plan.version, "approve": "1", "back": "dashboard"},
    )
    assert approved["Location"] == "/dashboard/#approvals"
    assert CasePlan.objects.get(case=case).status == "approved"
    reviewed = client.post(
        review_url, {"note": "Justified: threats recorded by police.", "back": "dashboard"}
    )
    assert reviewed["Location"] == "/dashboard/#approvals"
    share.refresh_from_db()
    assert share.review_note == "Justified: threats recorded by police."
    # The supervisor who granted it is told, and reads the comments on the case page.
    assert Notification.objects.filter(user=share.granted_by, kind="emergency_reviewed").exists()


def test_a_review_can_end_the_emergency_access_it_finds_unjustified(waiting, login_client):
    from qorgau.cases.models import CaseEvent, CaseShare

    case, supervisor = waiting["case"], waiting["supervisor"]
    share = CaseShare.objects.get(case=case, source="emergency")
    officer = login_client(waiting["officer"], Client(HTTP_ACCEPT_LANGUAGE="en"))
    assert officer.get(f"/cases/{case.pk}/").status_code == 200  # the grant gave police the case
    client = login_client(supervisor, Client(HTTP_ACCEPT_LANGUAGE="en"))
    panel = client.get("/dashboard/").content.decode().split('id="approvals"', 1)[1].split("</section>")[0]
    assert "Record review and end the access" in panel
    url = reverse("cases:emergency_review", args=[case.pk, share.pk])
    # A too-short note changes nothing, whichever button was pressed.
    refused = client.post(url, {"note": "no", "end_access": "1", "back": "dashboard"})
    assert refused.status_code == 400
    share.refresh_from_db()
    assert share.reviewed_at is None and share.revoked_at is None
    done = client.post(
        url, {"note": "Not an emergency: ask through a referral.", "end_access": "1", "back": "dashboard"}
    )
    assert done["Location"] == "/dashboard/#approvals"
    share.refresh_from_db()
    assert share.reviewed_by == supervisor and share.revoked_by == supervisor and not share.is_live()
    assert CaseEvent.objects.filter(case=case, kind="emergency_revoked").exists()
    assert AuditEvent.objects.filter(action="case.emergency_revoke", case_id=case.pk).exists()
    # The police agency it was granted to no longer reaches the case.
    assert officer.get(f"/cases/{case.pk}/").status_code == 404
