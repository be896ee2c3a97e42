"""Proceedings and her part in them: articles in the configured format, decisions and the
reconciliation rule, hearings in the future with reminders sent once, and the prosecutor's and
lawyer's dashboard."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from qorgau.accounts.roles import Role
from qorgau.notifications.models import Notification
from qorgau.protection import services
from qorgau.protection.models import Decision, Hearing, Proceeding

pytestmark = pytest.mark.django_db


@pytest.fixture
def lawyer(pw, make_user):
    return make_user(Role.LAWYER, agency=pw["police"], username="p.lawyer")


def open_proceeding(pw, actor, **overrides):
    data = {
        "kind": "criminal",
        "registration_number": "UD-2026-0042",
        "articles": "108-1, 73",
        "interpreter_language": "Uzbek",
        "arrangements": ["separate_room", "video"],
        "tell_how": "lawyer",
        "tell_language": "kk",
    }
    data.update(overrides)
    return services.proceeding_create(actor=actor, case=pw["case"], **data)


def decide(pw, actor, proceeding, **overrides):
    data = {"decided_on": timezone.localdate(), "stage": "court", "text": "Sent to court."}
    data.update(overrides)
    return services.decision_record(
        actor=actor, case=pw["case"], proceeding_id=proceeding.pk, expected_version=proceeding.version, **data
    )


def test_a_lawyer_records_a_proceeding_with_her_part(pw, lawyer):
    p = open_proceeding(pw, lawyer)
    assert p.articles == ["108-1", "73"] and p.stage == "pre_trial"
    assert p.arrangements == ["separate_room", "video"] and p.tell_how == "lawyer"
    assert pw["case"].events.filter(kind="proceeding_opened").exists()


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"articles": "art. one"}, "articles"),
        ({"articles": ""}, "articles"),
        ({"kind": "civil"}, "kind"),
        ({"registration_number": " "}, "registration_number"),
        ({"arrangements": ["a_cage"]}, "arrangements"),
    ],
)
def test_bad_proceedings_are_refused(pw, lawyer, overrides, field):
    with pytest.raises(ValidationError) as exc:
        open_proceeding(pw, lawyer, **overrides)
    assert field in exc.value.message_dict
    assert not Proceeding.objects.exists()


def test_the_article_format_is_configuration(pw, lawyer, settings):
    settings.QORGAU_ARTICLE_PATTERN = r"^\d{3}$"
    with pytest.raises(ValidationError):
        open_proceeding(pw, lawyer, articles="73")
    assert open_proceeding(pw, lawyer, articles="108").articles == ["108"]


def test_a_caseworker_and_a_doctor_may_not_record(pw):
    with pytest.raises(PermissionDenied):
        open_proceeding(pw, pw["worker"])
    from django.http import Http404

    with pytest.raises(Http404):
        open_proceeding(pw, pw["doctor"])  # the safety section only: proceedings are legal


def test_decisions_move_the_stage_and_close_with_an_outcome(pw, lawyer):
    p = open_proceeding(pw, lawyer)
    decide(pw, lawyer, p)
    p.refresh_from_db()
    assert p.stage == "court" and p.version == 2
    with pytest.raises(ValidationError) as exc:
        decide(pw, lawyer, p, stage="closed")
    assert "outcome" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        decide(pw, lawyer, p, decided_on=timezone.localdate() + timedelta(days=1))
    assert "decided_on" in exc.value.message_dict
    decide(pw, lawyer, p, stage="closed", outcome="conviction", told_her=True)
    p.refresh_from_db()
    assert p.outcome == "conviction" and Decision.objects.filter(told_at__isnull=False).count() == 1


def test_reconciliation_after_an_earlier_one_needs_a_supervisors_decision(pw, lawyer, make_user, settings):
    settings.QORGAU_RECONCILIATION_REPEAT_MONTHS = 12
    first = open_proceeding(pw, lawyer, registration_number="AP-1", kind="administrative", articles="73")
    decide(pw, lawyer, first, stage="closed", outcome="reconciliation")
    second = open_proceeding(pw, lawyer, registration_number="UD-2")
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        decide(pw, lawyer, second, stage="closed", outcome="reconciliation")
    messages = exc.value.message_dict["supervisor_reason"]
    assert any("within 12 months" in m for m in messages)
    second.refresh_from_db()
    assert second.stage == "pre_trial" and second.outcome == ""
    chief = make_user(Role.LAWYER, Role.SUPERVISOR, agency=pw["police"])
    decide(
        pw,
        chief,
        second,
        stage="closed",
        outcome="reconciliation",
        supervisor_reason="She insists, safety plan in place.",
    )
    second.refresh_from_db()
    assert second.outcome == "reconciliation"


def test_reconciliation_is_not_allowed_for_violence_against_a_minor(pw, lawyer):
    pw["case"].incidents.update(survivor_age=16)
    p = open_proceeding(pw, lawyer)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        decide(pw, lawyer, p, stage="closed", outcome="reconciliation")
    assert any("minor" in m for m in exc.value.message_dict["supervisor_reason"])
    # Once more than 12 months passed, an earlier reconciliation no longer blocks: the minor does.
    decide(pw, lawyer, p, stage="closed", outcome="conviction")


def test_a_hearing_in_the_past_is_refused(pw, lawyer):
    p = open_proceeding(pw, lawyer)
    with pytest.raises(ValidationError) as exc:
        services.hearing_add(
            actor=lawyer,
            case=pw["case"],
            proceeding_id=p.pk,
            at=timezone.now() - timedelta(hours=1),
            place="Court 2",
        )
    assert "at" in exc.value.message_dict and not Hearing.objects.exists()


def test_hearing_reminders_go_3_and_1_days_before_once_each(pw, lawyer, settings):
    settings.QORGAU_HEARING_REMINDER_DAYS = [3, 1]
    p = open_proceeding(pw, lawyer)
    start = timezone.now()
    services.hearing_add(
        actor=lawyer, case=pw["case"], proceeding_id=p.pk, at=start + timedelta(days=5), place="Court 2"
    )
    assert services.hearing_reminders_send() == 0
    with time_machine.travel(start + timedelta(days=2, hours=1)):
        assert services.hearing_reminders_send() == 2  # her lawyer and her caseworker
        assert services.hearing_reminders_send() == 0
    with time_machine.travel(start + timedelta(days=4, hours=1)):
        assert services.hearing_reminders_send() == 2  # the one-day reminder
        assert services.hearing_reminders_send() == 0
    told = set(
        Notification.objects.filter(kind="protection_hearing_reminder").values_list(
            "user__username", flat=True
        )
    )
    assert told == {"p.lawyer", "p.worker"}


def test_prosecutor_and_lawyer_dashboards_are_not_empty(pw, lawyer, login_client):
    p = open_proceeding(pw, lawyer)
    services.hearing_add(
        actor=lawyer,
        case=pw["case"],
        proceeding_id=p.pk,
        at=timezone.now() + timedelta(days=2),
        place="Court 2",
    )
    for user in (lawyer, pw["prosecutor"]):
        page = login_client(user).get("/dashboard/").content.decode()
        assert "Legal work" in page and pw["case"].number in page, user
        assert "Pre-trial investigation: 1" in page
    page = login_client(pw["doctor"]).get("/dashboard/").content.decode()
    assert "Legal work" not in page


def test_the_proceedings_page_and_api(pw, lawyer, login_client, api_client):
    p = open_proceeding(pw, lawyer)
    page = login_client(lawyer).get(f"/protection/cases/{pw['case'].pk}/proceedings/{p.pk}/")
    assert page.status_code == 200 and "Separate waiting room" in page.content.decode()
    api = api_client(lawyer)
    bad = api.post(
        f"/api/v1/cases/{pw['case'].pk}/proceedings/{p.pk}/hearings/",
        {"at": (timezone.now() - timedelta(days=1)).isoformat(), "place": "Court 2"},
        format="json",
    )
    assert bad.status_code == 400 and "at" in bad.json()["error"]["fields"]
    good = api.post(
        f"/api/v1/cases/{pw['case'].pk}/proceedings/",
        {"kind": "administrative", "registration_number": "AP-9", "articles": "73", "stage": "court"},
        format="json",
    )
    assert good.status_code == 201 and good.json()["articles"] == ["73"]
    assert api_client(pw["doctor"]).get(f"/api/v1/cases/{pw['case'].pk}/proceedings/").status_code == 404
