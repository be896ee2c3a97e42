"""Referrals across agencies: consent, shared sections, access that ends at once, deadlines and
the escalation job, services given, the plan, her ratings, closure."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from tests.helpers import referral_take

from qorgau.cases import policies, selectors
from qorgau.cases import services as case_services
from qorgau.cases.models import CaseShare, Note
from qorgau.core.errors import Conflict
from qorgau.notifications.models import Notification
from qorgau.referrals import services
from qorgau.referrals.models import CasePlan, Referral


def test_refused_without_her_consent(pathway, send, make_agency):
    from qorgau.accounts.models import Agency

    shelter = make_agency(Agency.Kind.SHELTER)
    pathway["shelter"] = shelter
    with pytest.raises(ValidationError) as exc:
        send("shelter", to="shelter")
    assert "to_agency" in exc.value.message_dict and not Referral.objects.exists()


def test_emergency_grant_allows_a_referral_without_consent(pathway, send, make_agency):
    from qorgau.accounts.models import Agency

    shelter = make_agency(Agency.Kind.SHELTER)
    pathway["shelter"] = shelter
    case_services.emergency_grant(
        actor=pathway["supervisor"],
        case=pathway["case"],
        agency=shelter,
        sections=["general", "safety"],
        hours=12,
        reason="He is looking for her tonight; she needs a bed now.",
    )
    assert send("shelter", to="shelter").status == "sent"


def test_a_referral_carries_only_the_sections_the_service_needs(pathway, send):
    referral = send(sections=["general", "legal", "health", "psychological"])
    assert referral.sections == ["general", "legal"]  # police report: general + legal only


def test_deadline_comes_from_the_service(pathway, send):
    service = pathway["services"]["police_report"]
    with time_machine.travel(timezone.now(), tick=False):
        normal = send()
        urgent = send(urgent=True)
        assert normal.due_at - normal.sent_at == timedelta(hours=service.deadline_hours)
        assert urgent.due_at - urgent.sent_at == timedelta(hours=service.urgent_deadline_hours)


def test_sexual_violence_in_the_window_makes_medical_urgent(pathway, make_user, open_case):
    from qorgau.accounts.models import Agency

    worker = pathway["worker"]
    case = open_case(
        worker,
        incident={"occurred_on": timezone.localdate() - timedelta(days=1), "q_penetration": True},
        consents=[
            {"purpose": "referral", "recipient_kind": "health", "method": "verbal", "given_by": "survivor"}
        ],
    )
    hospital = pathway["police"].__class__.objects.create(
        kind=Agency.Kind.HEALTH, region_id="71", name_kk="H", name_ru="H", name_en="Hospital X"
    )
    referral = services.referral_send(
        actor=worker, case=case, service=pathway["services"]["medical"], to_agency=hospital
    )
    assert referral.urgent
    assert referral.due_at - referral.sent_at == timedelta(
        hours=pathway["services"]["medical"].urgent_deadline_hours
    )


def test_acceptance_opens_exactly_the_shared_sections(pathway, send):
    case, officer = pathway["case"], pathway["officer"]
    case_services.note_add(
        actor=pathway["worker"], case=case, section="psychological", body="Private session notes"
    )
    referral = send()
    assert not policies.case_access(officer, case).can_view  # not before acceptance
    referral_take(actor=officer, referral=referral, action="accept")
    access = policies.case_access(officer, case)
    assert access.via == ("referral",) and access.sections == {"general", "legal"}
    detail = selectors.case_detail(actor=officer, case_id=case.pk)
    assert "Private session notes" not in [n.body for notes in detail.notes.values() for n in notes]
    assert detail.survivor.phones is None  # no contact consent


def test_consent_withdrawn_in_the_middle_of_an_accepted_referral(pathway, send):
    case, officer = pathway["case"], pathway["officer"]
    referral = send()
    referral_take(actor=officer, referral=referral, action="accept")
    assert policies.case_access(officer, case).can_view
    case_services.consent_withdraw(
        actor=pathway["worker"],
        case=case,
        consent_id=case.consents.get(purpose="referral", recipient_kind="police").pk,
    )
    assert not policies.case_access(officer, case).can_view
    assert selectors.case_list(actor=officer) == []
    # She can still see that the referral exists (its record), not her case.
    assert services.Referral.objects.get(pk=referral.pk).status == "accepted"


@pytest.mark.parametrize("steps", [["withdraw"], ["complete"], ["not_attended"]])
def test_access_ends_when_the_referral_ends(pathway, send, steps):
    case, officer = pathway["case"], pathway["officer"]
    referral = send()
    referral_take(actor=officer, referral=referral, action="accept")
    for step in steps:
        actor = pathway["worker"] if step == "withdraw" else officer
        referral_take(actor=actor, referral=referral, action=step, reason="Reason given", outcome="Done well")
    assert not policies.case_access(officer, case).can_view
    assert CaseShare.objects.get(referral_id=referral.pk).revoked_at is not None


def test_escalation_with_a_frozen_clock_notifies_once(pathway, send, django_capture_on_commit_callbacks):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        referral = send()  # police report: 72 hours
    due = referral.due_at
    with time_machine.travel(due - timedelta(minutes=1), tick=False):
        assert services.escalate_overdue_referrals() == 0
    with (
        time_machine.travel(due + timedelta(minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.escalate_overdue_referrals() == 1
        assert services.escalate_overdue_referrals() == 0  # the job running twice
    with time_machine.travel(due + timedelta(hours=5), tick=False):
        assert services.escalate_overdue_referrals() == 0  # and again later, after a restart
    overdue = Notification.objects.filter(kind="referral_overdue")
    assert sorted(n.user.username for n in overdue) == ["cc.worker", "police.supervisor"]
    referral.refresh_from_db()
    assert referral.escalated_at is not None


def test_the_periodic_job_is_registered_and_runs(pathway, send):
    from qorgau.referrals.tasks import check_overdue_referrals

    referral = send()
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(minutes=5))
    assert check_overdue_referrals.call_local() == 1
    assert check_overdue_referrals.call_local() == 0


def test_finished_referrals_are_not_escalated(pathway, send):
    referral = send()
    referral_take(actor=pathway["officer"], referral=referral, action="decline", reason="Not our area")
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert services.escalate_overdue_referrals() == 0


def test_supervisor_dashboard_shows_overdue_work(pathway, send, client, login_client):
    referral = send()
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(hours=1))
    login_client(pathway["police_supervisor"])
    page = client.get("/dashboard/").content.decode()
    assert "Overdue" in page and f"/referrals/{referral.pk}/" in page


def test_new_referral_notifies_the_receiving_agency_without_details(
    pathway, send, django_capture_on_commit_callbacks
):
    pathway["officer"].email = "officer@example.invalid"
    pathway["officer"].save()
    with django_capture_on_commit_callbacks(execute=True):
        send(note="Her husband threatened her with a knife")
    assert Notification.objects.filter(user=pathway["officer"], kind="referral_new").exists()
    [message] = mail.outbox
    assert "knife" not in message.body and pathway["case"].number not in message.body


def test_receiver_records_a_service_in_the_right_section(pathway, send):
    case, psychologist = pathway["case"], pathway["psychologist"]
    referral = send("psychological", to="psych")
    referral_take(actor=psychologist, referral=referral, action="accept")
    delivery = services.service_log(
        actor=psychologist,
        case=case,
        service=pathway["services"]["psychological"],
        delivered_on=timezone.localdate(),
        note="First session held.",
        referral_id=referral.pk,
    )
    assert delivery.note.section == "psychological" and delivery.agency == pathway["psych"]
    referral.refresh_from_db()
    assert referral.status == "in_progress"  # recording a service starts the work
    with pytest.raises(PermissionDenied):  # police has no psychological section
        services.service_log(
            actor=pathway["officer"],
            case=case,
            service=pathway["services"]["psychological"],
            delivered_on=timezone.localdate(),
            note="x",
        )
    with pytest.raises(ValidationError):
        services.service_log(
            actor=psychologist,
            case=case,
            service=pathway["services"]["psychological"],
            delivered_on=timezone.localdate() + timedelta(days=1),
            note="x",
        )


def test_plan_needs_a_supervisor_and_detects_stale_edits(pathway):
    case, worker, supervisor = pathway["case"], pathway["worker"], pathway["supervisor"]
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
    with pytest.raises(Conflict):
        services.plan_submit(actor=worker, case=case, expected_version=plan.version - 1)
    plan = services.plan_submit(actor=worker, case=case, expected_version=plan.version)
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=worker, case=case, expected_version=plan.version)
    plan = services.plan_approve(actor=supervisor, case=case, expected_version=plan.version)
    assert plan.status == "approved" and plan.approved_by == supervisor
    services.plan_action_add(
        actor=worker,
        case=case,
        goal="Work",
        action="Training course",
        agency=pathway["centre"],
        person=None,
        due_on=timezone.localdate(),
        expected_version=plan.version,
    )
    assert CasePlan.objects.get(case=case).status == "draft"  # a changed plan is approved again


def test_plan_person_must_work_at_the_responsible_agency(pathway):
    with pytest.raises(ValidationError) as exc:
        services.plan_action_add(
            actor=pathway["worker"],
            case=pathway["case"],
            goal="g",
            action="a",
            agency=pathway["centre"],
            person=pathway["officer"],
            due_on=timezone.localdate(),
            expected_version=0,
        )
    assert "person" in exc.value.message_dict


def test_wellbeing_ratings_are_checked_and_drawn(pathway, client, login_client):
    case, worker = pathway["case"], pathway["worker"]
    with pytest.raises(ValidationError) as exc:
        services.wellbeing_record(
            actor=worker,
            case=case,
            moment="intake",
            safety=0,
            wellbeing=11,
            rated_on=timezone.localdate(),
            scale_max=10,
        )
    assert set(exc.value.message_dict) == {"safety", "wellbeing"}
    for moment, safety in (("intake", 2), ("three_months", 6)):
        services.wellbeing_record(
            actor=worker,
            case=case,
            moment=moment,
            safety=safety,
            wellbeing=5,
            rated_on=timezone.localdate(),
            scale_max=10,
        )
    login_client(worker)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "<polyline" in page and "6 / 10" in page


def test_closure_with_supervisor_approval_and_reopening(pathway, send):
    case, worker, supervisor = pathway["case"], pathway["worker"], pathway["supervisor"]
    referral = send()
    closure = case_services.case_close_request(actor=worker, case=case, reason="needs_met")
    with pytest.raises(PermissionDenied):
        case_services.case_close_decide(actor=worker, case=case, closure_id=closure.pk, approve=True)
    with pytest.raises(ValidationError):  # an open referral first
        case_services.case_close_decide(actor=supervisor, case=case, closure_id=closure.pk, approve=True)
    referral_take(actor=worker, referral=referral, action="withdraw", reason="She moved to another city")
    case_services.case_close_decide(actor=supervisor, case=case, closure_id=closure.pk, approve=True)
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_at
    with pytest.raises(ValidationError):
        services.referral_send(
            actor=worker, case=case, service=pathway["services"]["police_report"], to_agency=pathway["police"]
        )
    case_services.case_reopen(actor=worker, case=case, reason="She came back after a new incident")
    case.refresh_from_db()
    assert case.status == "reopened" and case.closures.count() == 1  # history kept
    assert Note.objects.filter(case=case, body__isnull=False).count() >= 2


def test_other_closure_reason_needs_a_note(pathway):
    with pytest.raises(ValidationError) as exc:
        case_services.case_close_request(
            actor=pathway["worker"], case=pathway["case"], reason="other", note=""
        )
    assert "note" in exc.value.message_dict


def test_suggestions_follow_the_facts(pathway, client, login_client):
    login_client(pathway["worker"])
    page = client.get(f"/cases/{pathway['case'].pk}/").content.decode()
    assert "Suggested from what we know" in page
    assert "Children were present" in page  # the fixture's incident had children present


def test_timeline_names_agencies_and_services_in_the_readers_language(pathway, send, client, login_client):
    police = pathway["police"]
    police.name_ru, police.name_en = "Департамент полиции Б", "Police Department B"
    police.save()
    send()
    worker = pathway["worker"]
    worker.language = "ru"
    worker.save()
    login_client(worker)
    timeline = client.get(f"/cases/{pathway['case'].pk}/").content.decode().split('id="timeline"')[1]
    assert "Департамент полиции Б" in timeline and "Police Department B" not in timeline
    assert pathway["services"]["police_report"].name_ru in timeline and "police_report" not in timeline


def test_dashboard_shows_what_is_due(pathway, client, login_client):
    from datetime import timedelta

    import time_machine

    from qorgau.cases.models import Case

    case, worker = pathway["case"], pathway["worker"]
    services.plan_action_add(
        actor=worker,
        case=case,
        goal="Housing",
        action="Apply",
        agency=pathway["centre"],
        person=None,
        due_on=timezone.localdate() - timedelta(days=2),
        expected_version=0,
    )
    plan = CasePlan.objects.get(case=case)
    services.plan_submit(
        actor=worker, case=case, expected_version=plan.version, next_follow_up=timezone.localdate()
    )
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(days=90))
    login_client(worker)
    page = client.get("/dashboard/").content.decode()
    assert "What is due" in page and "Plan follow-up" in page and "Plan action of your agency" in page
    assert "about 3 months since intake" in page
    services.wellbeing_record(
        actor=worker,
        case=case,
        moment="three_months",
        safety=5,
        wellbeing=5,
        rated_on=timezone.localdate(),
        scale_max=10,
    )
    assert "about 3 months since intake" not in client.get("/dashboard/").content.decode()
    with time_machine.travel(timezone.now() - timedelta(days=30)):
        login_client(worker)
        assert "Plan follow-up" not in client.get("/dashboard/").content.decode()


def test_another_agency_sees_only_its_own_referrals_in_the_timeline(pathway, send, api_client):
    """The case page shows another agency only its own referrals; the timeline must not tell it
    either that she was also sent to, say, a psychologist or a shelter, or which one."""
    psych = pathway["psych"]
    psych.name_en = "Hidden Psychological Service"
    psych.save()
    police_referral = send()
    send(service="psychological", to="psych")
    referral_take(actor=pathway["officer"], referral=police_referral, action="accept")
    case_id = pathway["case"].pk
    officer_events = api_client(pathway["officer"]).get(f"/api/v1/cases/{case_id}/timeline/").json()
    agencies = {e["params"].get("agency_id") for e in officer_events if e["kind"].startswith("referral_")}
    assert agencies == {pathway["police"].pk}
    holder_events = api_client(pathway["worker"]).get(f"/api/v1/cases/{case_id}/timeline/").json()
    assert psych.pk in {e["params"].get("agency_id") for e in holder_events}
