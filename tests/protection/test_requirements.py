"""Court-imposed special requirements: recorded from a court decision by the legal roles working
on the case, their state derived at both edges of the period, breaches with an order's
consequences, correction-programme attendance by the agency that runs it (and only it), bad input
refused with nothing changed, the API, the dashboard, the case page, the timeline and the audit."""

from datetime import date, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from tests.risk.helpers import assess

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.cases.policies import case_access
from qorgau.core.errors import Conflict
from qorgau.core.models import AuditEvent
from qorgau.notifications.models import Notification
from qorgau.protection import requirement_selectors, requirement_services
from qorgau.protection.models import CourtRequirement, ProgrammeSession, RequirementBreach, RequirementState
from qorgau.risk import selectors as risk_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(pw, make_agency, make_user):
    """A psychological service that runs the court's correction programme, and one that does not."""
    runs = make_agency(Agency.Kind.PSYCHOLOGICAL, name="Programme service")
    elsewhere = make_agency(Agency.Kind.PSYCHOLOGICAL, name="Another service")
    return {
        "agency": runs,
        "psychologist": make_user(Role.PSYCHOLOGIST, agency=runs, username="r.psychologist"),
        "outsider": make_user(Role.PSYCHOLOGIST, agency=elsewhere, username="r.outsider"),
        "elsewhere": elsewhere,
    }


def record(pw, *, actor=None, programme=None, **overrides):
    data = {
        "person_id": pw["perpetrator"].pk,
        "court": "Astana district court No. 2",
        "decision_on": timezone.localdate() - timedelta(days=2),
        "months": 6,
        "conditions": ["no_contact", "no_alcohol"],
        "conditions_text": "Keep away from her sister's flat.",
        "monitoring_agency": pw["police"],
    }
    if programme is not None:
        data["conditions"] = [*data["conditions"], "programme"]
        data["programme_agency"] = programme
    data.update(overrides)
    return requirement_services.requirement_create(actor=actor or pw["prosecutor"], case=pw["case"], **data)


def attend(requirement, actor, kind="attended", on=None, version=None):
    requirement.refresh_from_db()
    return requirement_services.programme_attendance_record(
        actor=actor,
        requirement_id=requirement.pk,
        expected_version=requirement.version if version is None else version,
        kind=kind,
        on=on or timezone.localdate(),
    )


# --- The state, derived, at both edges of the period ------------------------------------------------


def test_the_state_follows_the_calendar_at_both_edges(pw, settings):
    settings.QORGAU_REQUIREMENT_ALERT_DAYS = 14
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, 10, 12)), tick=False):
        requirement = record(pw, decision_on=date(2026, 3, 2), starts_on=date(2026, 3, 12), months=3)
        assert requirement.ends_on == date(2026, 6, 11)  # three calendar months, both ends included
        assert requirement.state == RequirementState.PENDING
    expected = [
        (date(2026, 3, 11), RequirementState.PENDING),
        (date(2026, 3, 12), RequirementState.IN_FORCE),  # the first day
        (date(2026, 5, 28), RequirementState.IN_FORCE),  # 14 days before the last day
        (date(2026, 5, 29), RequirementState.ENDING),  # within 14 days of it
        (date(2026, 6, 11), RequirementState.ENDING),  # the last day still binds
        (date(2026, 6, 12), RequirementState.ENDED),
    ]
    for day, state in expected:
        with time_machine.travel(timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 9))):
            assert CourtRequirement.objects.get().state == state, day
            [view] = requirement_selectors.requirement_list(actor=pw["prosecutor"], case_id=pw["case"].pk)[2]
            assert view.state == state


def test_lifted_early_by_a_later_decision(pw):
    requirement = record(pw)
    requirement_services.requirement_end(
        actor=pw["prosecutor"],
        case=pw["case"],
        requirement_id=requirement.pk,
        expected_version=requirement.version,
        ended_on=timezone.localdate(),
        reason="The appeal court lifted them.",
    )
    requirement.refresh_from_db()
    assert requirement.state == RequirementState.ENDED_EARLY
    with pytest.raises(ValidationError):
        requirement_services.requirement_end(
            actor=pw["prosecutor"],
            case=pw["case"],
            requirement_id=requirement.pk,
            expected_version=requirement.version,
            ended_on=timezone.localdate(),
            reason="Lifted once more, by mistake.",
        )
    kinds = list(pw["case"].events.values_list("kind", flat=True))
    assert {"court_requirement_recorded", "court_requirement_ended"} <= set(kinds)
    actions = set(AuditEvent.objects.filter(case_id=pw["case"].pk).values_list("action", flat=True))
    assert {"court_requirement.create", "court_requirement.end"} <= actions


# --- Who records them; bad input ----------------------------------------------------------------------


def test_legal_roles_working_on_the_case_record_them_others_may_not(pw, make_user):
    record(pw, actor=pw["officer"])
    record(pw, actor=pw["prosecutor"])
    for who in ("doctor", "worker"):  # the doctor sees safety only; a caseworker is not a legal role
        with pytest.raises((PermissionDenied, Http404)):
            record(pw, actor=pw[who])
    with pytest.raises(Http404):
        record(pw, actor=pw["stranger"])
    assert CourtRequirement.objects.count() == 2


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"months": 2}, "months"),
        ({"months": 13}, "months"),
        ({"months": "six"}, "months"),
        ({"decision_on": date.today() + timedelta(days=3)}, "decision_on"),
        ({"starts_on": date.today() - timedelta(days=30)}, "starts_on"),
        ({"court": "  "}, "court"),
        ({"conditions": ["curfew_on_mars"]}, "conditions"),
        ({"conditions": [], "conditions_text": ""}, "conditions"),
        ({"conditions": ["programme"]}, "programme_agency"),
        ({"programme_agency": "given"}, "programme_agency"),  # without the programme condition
        ({"monitoring_agency": "centre"}, "monitoring_agency"),  # a crisis centre does not monitor
        ({"person_id": "survivor"}, "person"),  # she is not a perpetrator
        ({"person_id": "00000000-0000-0000-0000-000000000000"}, "person"),
    ],
)
def test_bad_input_is_refused_by_field_and_changes_nothing(pw, programme, overrides, field):
    values = {
        "survivor": pw["case"].people.get(role="survivor").pk,
        "centre": pw["centre"],
        "given": programme["agency"],
    }
    overrides = {k: values.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    if overrides.get("decision_on") and overrides["decision_on"] > date.today():
        overrides["decision_on"] = timezone.localdate() + timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        record(pw, **overrides)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert not CourtRequirement.objects.exists()
    assert not pw["case"].events.filter(kind="court_requirement_recorded").exists()


def test_the_period_range_is_configuration(pw, settings):
    settings.QORGAU_REQUIREMENT_MIN_MONTHS, settings.QORGAU_REQUIREMENT_MAX_MONTHS = 1, 24
    assert record(pw, months=1).months == 1
    assert record(pw, months=24).ends_on == record(pw, months=24).starts_on + relativedelta(
        months=24
    ) - timedelta(days=1)
    settings.QORGAU_REQUIREMENT_MIN_MONTHS, settings.QORGAU_REQUIREMENT_MAX_MONTHS = 3, 12
    assert record(pw, months=3).months == 3 and record(pw, months=12).months == 12  # both edges allowed


# --- Breaches: the order's consequences -----------------------------------------------------------------


def breach(pw, requirement, *, actor=None, occurred_at=None, **overrides):
    data = {
        "description": "He came drunk to her door.",
        "reported_by": "survivor",
        "evidence_reference": "114/26",
    }
    data.update(overrides)
    return requirement_services.requirement_breach_record(
        actor=actor or pw["prosecutor"],
        case=pw["case"],
        requirement_id=requirement.pk,
        occurred_at=occurred_at or timezone.now() - timedelta(hours=1),
        **data,
    )


def test_a_breach_brings_the_reassessment_the_conference_and_the_notifications(pw, settings):
    case, worker = pw["case"], pw["worker"]
    assess(worker, case, yes=3)
    requirement = record(pw)
    assert not risk_selectors.case_risk_get(actor=worker, case=case, access=case_access(worker, case)).overdue
    assert "order_breached" not in risk_selectors.proposal_for(case).check.codes
    breach(pw, requirement)
    summary = risk_selectors.case_risk_get(actor=worker, case=case, access=case_access(worker, case))
    assert summary.overdue and summary.next_due <= timezone.now()
    assert "order_breached" in risk_selectors.proposal_for(case).check.codes
    told = set(
        Notification.objects.filter(kind="protection_requirement_breached").values_list(
            "user__username", flat=True
        )
    )
    assert told == {"p.officer", "p.colleague", "p.worker"}  # the monitoring police and her caseworker
    assert case.events.filter(kind="court_requirement_breached").exists()
    assert AuditEvent.objects.filter(action="requirement_breach.create", case_id=case.pk).exists()
    settings.QORGAU_CONFERENCE_BREACH_CRITERION = False
    assert "order_breached" not in risk_selectors.proposal_for(case).check.codes


def test_her_caseworker_records_a_breach_the_doctor_may_not(pw):
    requirement = record(pw)
    breach(pw, requirement, actor=pw["worker"])
    with pytest.raises(PermissionDenied):
        breach(pw, requirement, actor=pw["doctor"])
    assert RequirementBreach.objects.count() == 1


def test_a_breach_outside_the_period_is_refused_and_changes_nothing(pw):
    assess(pw["worker"], pw["case"], yes=3)
    requirement = record(pw, starts_on=timezone.localdate() + timedelta(days=2))
    for moment in (timezone.now() - timedelta(hours=1), timezone.now() + timedelta(days=3)):
        with pytest.raises(ValidationError) as exc:
            breach(pw, requirement, occurred_at=moment)
        assert "occurred_at" in exc.value.message_dict
    assert not RequirementBreach.objects.exists() and not Notification.objects.exists()
    assert pw["case"].risk_assessments.get(is_current=True).reassess_by is None


@pytest.mark.parametrize(
    "overrides,field", [({"description": "  "}, "description"), ({"reported_by": "rumour"}, "reported_by")]
)
def test_a_breach_without_what_happened_or_who_said_it_is_refused(pw, overrides, field):
    requirement = record(pw)
    with pytest.raises(ValidationError) as exc:
        breach(pw, requirement, **overrides)
    assert field in exc.value.message_dict
    assert not RequirementBreach.objects.exists() and not Notification.objects.exists()


# --- Correction-programme attendance ---------------------------------------------------------------------


def test_the_programme_agency_records_attendance_and_completion(pw, programme):
    requirement = record(pw, programme=programme["agency"])
    psychologist = programme["psychologist"]
    attend(requirement, psychologist, "attended", timezone.localdate() - timedelta(days=1))
    attend(requirement, psychologist, "missed")
    attend(requirement, psychologist, "attended")
    view = requirement_selectors.programme_get(actor=psychologist, requirement_id=requirement.pk)
    assert (view.attended, view.missed, view.completed_on) == (2, 1, None)
    attend(requirement, psychologist, "completed")
    view = requirement_selectors.programme_get(actor=psychologist, requirement_id=requirement.pk)
    assert view.completed_on == timezone.localdate() and not view.may_record
    with pytest.raises(ValidationError):
        attend(requirement, psychologist, "attended")
    # The case's legal people read the attendance on the requirement.
    [row] = requirement_selectors.requirement_list(actor=pw["prosecutor"], case_id=pw["case"].pk)[2]
    assert (row.programme.attended, row.programme.missed, row.programme.completed_on) == (
        2,
        1,
        timezone.localdate(),
    )
    assert AuditEvent.objects.filter(action="programme_attendance.create", case_id=pw["case"].pk).count() == 4


def test_only_the_programme_agency_records_and_it_never_sees_the_case(pw, programme, login_client):
    requirement = record(pw, programme=programme["agency"])
    for someone in (programme["outsider"], pw["officer"], pw["prosecutor"], pw["worker"]):
        with pytest.raises(Http404):
            attend(requirement, someone)
        with pytest.raises(Http404):
            requirement_selectors.programme_get(actor=someone, requirement_id=requirement.pk)
    assert not ProgrammeSession.objects.exists()
    psychologist = programme["psychologist"]
    assert not case_access(psychologist, pw["case"]).can_view
    client = login_client(psychologist)
    assert client.get(f"/cases/{pw['case'].pk}/").status_code == 404
    page = client.get(f"/protection/programmes/{requirement.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "Жандосов Ерлан" in text and "Astana district court No. 2" in text
    for hidden in (pw["case"].number, "Keep away from her sister", "Жандосова"):
        assert hidden not in text, hidden
    listing = client.get("/protection/programmes/").content.decode()
    assert "Жандосов Ерлан" in listing and pw["case"].number not in listing


def test_bad_attendance_is_refused_and_changes_nothing(pw, programme):
    requirement = record(pw, programme=programme["agency"])
    psychologist = programme["psychologist"]
    with pytest.raises(Conflict):
        attend(requirement, psychologist, version=requirement.version + 1)
    for kind, on, field in (
        ("attended", timezone.localdate() + timedelta(days=1), "on"),
        ("attended", requirement.decision_on - timedelta(days=1), "on"),
        ("skipped", None, "kind"),
    ):
        with pytest.raises(ValidationError) as exc:
            attend(requirement, psychologist, kind, on)
        assert field in exc.value.message_dict
    assert not ProgrammeSession.objects.exists()
    requirement.refresh_from_db()
    assert requirement.version == 1


def test_a_stale_version_on_ending_is_a_conflict(pw):
    requirement = record(pw)
    breach(pw, requirement)  # someone else changed it since it was read (version 2)
    with pytest.raises(Conflict):
        requirement_services.requirement_end(
            actor=pw["prosecutor"],
            case=pw["case"],
            requirement_id=requirement.pk,
            expected_version=1,
            ended_on=timezone.localdate(),
            reason="The appeal court lifted them.",
        )
    requirement.refresh_from_db()
    assert requirement.ended_on is None


# --- The API ------------------------------------------------------------------------------------------------


def _url(pw, requirement=None, tail=""):
    base = f"/api/v1/cases/{pw['case'].pk}/requirements/"
    return f"{base}{requirement.pk}/{tail}" if requirement else base


def _body(pw, **overrides):
    data = {
        "person": str(pw["perpetrator"].pk),
        "court": "Almaty city court",
        "decision_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "months": 4,
        "conditions": ["stay_away", "home_at_night"],
        "monitoring_agency": pw["police"].pk,
    }
    data.update(overrides)
    return data


def test_the_api_records_reads_breaches_and_ends(pw, api_client):
    api = api_client(pw["prosecutor"])
    answer = api.post(_url(pw), _body(pw), format="json")
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["state"] == "in_force" and data["person_name"] == "Жандосов Ерлан" and data["months"] == 4
    requirement = CourtRequirement.objects.get()
    breached = api.post(
        _url(pw, requirement, "breaches/"),
        {
            "occurred_at": timezone.now().isoformat(),
            "description": "He stayed out all night.",
            "reported_by": "police",
        },
        format="json",
    )
    assert breached.status_code == 201, breached.content
    stale = api.post(
        _url(pw, requirement, "end/"),
        {
            "version": data["version"],
            "ended_on": timezone.localdate().isoformat(),
            "reason": "Lifted on appeal.",
        },
        format="json",
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    ended = api.post(
        _url(pw, requirement, "end/"),
        {
            "version": data["version"] + 1,
            "ended_on": timezone.localdate().isoformat(),
            "reason": "Lifted on appeal.",
        },
        format="json",
    )
    assert ended.status_code == 200 and ended.json()["state"] == "ended_early"
    # The doctor (safety section only) reads them without his name.
    [seen] = api_client(pw["doctor"]).get(_url(pw)).json()
    assert seen["person"] is None and seen["person_name"] is None
    assert api_client(pw["stranger"]).get(_url(pw)).status_code == 404


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"months": 13}, "months"),
        ({"months": "many"}, "months"),
        ({"decision_on": "2099-01-01"}, "decision_on"),
        ({"person": "survivor"}, "person"),
        ({"monitoring_agency": 999999}, "monitoring_agency"),
        ({"conditions": ["fly_away"]}, "conditions"),
    ],
)
def test_api_bad_input_answers_400_in_russian_and_changes_nothing(pw, api_client, overrides, field):
    if overrides.get("person") == "survivor":
        overrides = {"person": str(pw["case"].people.get(role="survivor").pk)}
    answer = api_client(pw["prosecutor"]).post(
        _url(pw), _body(pw, **overrides), format="json", HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert answer.status_code == 400, answer.content
    error = answer.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    words = " ".join(error["fields"][field]).lower()
    assert any("а" <= ch <= "я" for ch in words), words
    assert not CourtRequirement.objects.exists()


def test_the_programme_api_serves_the_programme_agency_only(pw, programme, api_client):
    requirement = record(pw, programme=programme["agency"])
    api = api_client(programme["psychologist"])
    [row] = api.get("/api/v1/correction-programmes/").json()
    assert row["person_name"] == "Жандосов Ерлан" and "conditions_text" not in row and "case" not in row
    url = f"/api/v1/correction-programmes/{requirement.pk}/attendance/"
    done = api.post(
        url, {"version": 1, "kind": "attended", "on": timezone.localdate().isoformat()}, format="json"
    )
    assert done.status_code == 201 and done.json()["attended"] == 1
    stale = api.post(
        url, {"version": 1, "kind": "missed", "on": timezone.localdate().isoformat()}, format="json"
    )
    assert stale.status_code == 409
    future = api.post(
        url,
        {"version": 2, "kind": "missed", "on": (timezone.localdate() + timedelta(days=2)).isoformat()},
        format="json",
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert future.status_code == 400 and "on" in future.json()["error"]["fields"]
    outsider = api_client(programme["outsider"])
    assert outsider.get(f"/api/v1/correction-programmes/{requirement.pk}/").status_code == 404
    refused = outsider.post(
        url, {"version": 2, "kind": "missed", "on": timezone.localdate().isoformat()}, format="json"
    )
    assert refused.status_code == 404
    assert outsider.get("/api/v1/correction-programmes/").json() == []
    assert api_client(pw["officer"]).get("/api/v1/correction-programmes/").status_code == 403
    assert ProgrammeSession.objects.count() == 1


# --- The dashboard and the case page -------------------------------------------------------------------------


def test_requirements_ending_on_the_legal_work_panel_and_the_case_page(pw, login_client, settings, make_user):
    settings.QORGAU_REQUIREMENT_ALERT_DAYS = 14
    lawyer = make_user(Role.LAWYER, agency=pw["police"], username="p.lawyer")
    soon = record(
        pw,
        court="Court ending soon",
        decision_on=timezone.localdate() - relativedelta(months=3) + timedelta(days=5),
        months=3,
    )
    record(pw, court="Court far off", months=12)
    assert soon.state == RequirementState.ENDING
    from qorgau.protection.selectors import legal_work_get

    work = legal_work_get(actor=lawyer)
    ending = requirement_selectors.legal_requirements_ending(actor=lawyer, case_ids=work.case_ids)
    assert [e.court for e in ending] == ["Court ending soon"]
    assert AuditEvent.objects.filter(action="court_requirement.list", actor_id=lawyer.pk).exists()
    dashboard = login_client(pw["prosecutor"]).get("/dashboard/").content.decode()
    assert "Court requirements ending" in dashboard and "Court ending soon" in dashboard
    assert "Court far off" not in dashboard
    page = login_client(pw["prosecutor"]).get(f"/cases/{pw['case'].pk}/").content.decode()
    assert "Court far off" in page and "Record court requirements" in page
    page = login_client(pw["doctor"]).get(f"/cases/{pw['case'].pk}/").content.decode()
    assert "Court far off" in page and "Record court requirements" not in page


def test_the_screens_record_requirements_and_attendance(pw, programme, login_client):
    client = login_client(pw["prosecutor"])
    form = client.get(f"/protection/cases/{pw['case'].pk}/requirements/new/")
    text = form.content.decode()
    assert form.status_code == 200 and pw["police"].name in text and "Programme service" in text
    data = {
        "person": str(pw["perpetrator"].pk),
        "court": "Karaganda city court",
        "decision_on": timezone.localdate().isoformat(),
        "months": "14",
        "conditions": ["no_contact", "programme"],
        "monitoring_agency": pw["police"].pk,
        "programme_agency": programme["agency"].pk,
    }
    refused = client.post(f"/protection/cases/{pw['case'].pk}/requirements/new/", data)
    assert (
        refused.status_code == 400 and "The period must be from 3 to 12 months." in refused.content.decode()
    )
    assert not CourtRequirement.objects.exists()
    done = client.post(f"/protection/cases/{pw['case'].pk}/requirements/new/", {**data, "months": "5"})
    requirement = CourtRequirement.objects.get()
    assert done.status_code == 302 and done["Location"].endswith(f"/requirements/{requirement.pk}/")
    page = client.get(done["Location"]).content.decode()
    assert "Karaganda city court" in page and "Programme service" in page and "In force" in page
    client = login_client(programme["psychologist"])
    posted = client.post(
        f"/protection/programmes/{requirement.pk}/attendance/",
        {"version": 1, "kind": "attended", "on": timezone.localdate().isoformat()},
    )
    assert posted.status_code == 302 and ProgrammeSession.objects.count() == 1
    assert "Жандосов Ерлан" in client.get("/dashboard/").content.decode()  # the programmes panel


# --- Statistics ---------------------------------------------------------------------------------------------


def test_statistics_count_requirements_imposed_and_breached_of_the_cases_given_only(pw, programme):
    from qorgau.protection import requirement_stats
    from qorgau.stats import registry

    assert registry.FACT_SOURCES["court_requirement"].rows is requirement_stats.requirement_rows
    record(pw)
    with_programme = record(pw, programme=programme["agency"])
    breach(pw, with_programme)
    rows = list(requirement_stats.requirement_rows([pw["case"].pk]))
    assert sorted((r.a, r.flag) for r in rows) == [("breached", True), ("issued", False), ("issued", True)]
    assert {r.region for r in rows} == {"71"} and {r.kind for r in rows} == {"court_requirement"}
    assert list(requirement_stats.requirement_rows([])) == []


def test_the_timeline_tells_each_step_in_words(pw, programme):
    from qorgau.cases.timeline import timeline_entries

    requirement = record(pw, programme=programme["agency"])
    attend(requirement, programme["psychologist"], "missed")
    breach(pw, requirement)
    from django.utils import translation

    with translation.override("en"):
        texts = [text for _event, text in timeline_entries(pw["case"].events.all())]
    assert "Court requirements recorded for 6 months" in texts
    assert "Correction programme: Session missed" in texts
    assert "Court requirements breached (reported by: She reported it)" in texts
