"""The one door: risk work and the risk conference in the matrix (tests/doors.py)."""

from tests.doors import Route, case_staff, either, staff

ORDER = 30

ALLOWED = {
    "qorgau/risk/templates/risk/_chart.html::c.first": "the chart's first date (a key of the dict "
    "risk.selectors.history_chart builds), not a queryset",
    "qorgau/risk/templates/risk/_criteria.html::c.count": "a criterion's incident count "
    "(policies.CriterionView.count), not a queryset",
}

safety = case_staff("own", "granted")  # the holder, and the grant that includes "safety"
holder_lead = staff("caseworker", "supervisor", at=("own",))
referrers = staff("caseworker", "supervisor", "police_officer", at=("own",))
coordinators = staff("conference_coordinator")  # of any region: they may schedule their own
region_coordinators = staff("conference_coordinator", at=("own", "granted"))  # region 71
participants = either(case_staff("own", "granted"), region_coordinators)  # the conference's agencies


def build(world):
    from datetime import timedelta

    from django.utils import timezone
    from tests.risk.helpers import assess

    from qorgau.risk import services
    from qorgau.risk.safety_plan import SafetyPlan

    case, worker = world.data["case"], world.data["worker"]
    assessment = assess(worker, case, yes=16, judgement_level=4, reason="He keeps a rifle. Secret-reason-456")
    services.safety_plan_save(
        actor=worker, case=case, expected_version=0, plan=SafetyPlan(code_word="Secret-word-789")
    )
    coordinator = world.staff_user("conference_coordinator", "own")
    referral = services.conference_refer(actor=worker, case=case, basis="consent")
    conference = services.conference_create(
        actor=coordinator,
        scheduled_for=timezone.now() + timedelta(days=3),
        place="Akimat, room 4",
        agencies=[world.agencies["own"], world.agencies["granted"]],
    )
    services.agenda_add(actor=coordinator, conference=conference, referral_id=referral.pk)
    services.contribution_add(
        actor=world.staff_user("police_officer", "granted"), referral=referral, body="Secret-contribution-777"
    )
    action = services.action_add(
        actor=coordinator,
        referral=referral,
        description="Patrol her street",
        owner_agency=world.agencies["own"],
        due_on=timezone.localdate() + timedelta(days=5),
    )
    world.ids.update(
        assessment_id=assessment.pk,
        conference_id=conference.pk,
        item_id=referral.pk,
        conference_action_id=action.pk,
        instrument_id="checklist-24",
    )
    world.secret("Secret-reason-456", safety)
    world.secret("Secret-word-789", safety)
    world.secret("Secret-contribution-777", participants)


ROUTES = {
    "risk:assess": Route(read=safety, write=safety),
    "risk:assessment": Route(read=safety),
    "risk:safety_plan": Route(read=safety, write=safety, payload={"version": 1}),
    "risk:safety_plan_pdf": Route(read=safety),
    "risk:refer": Route(write=referrers),
    "risk:conferences": Route(read=either(case_staff(), coordinators)),
    "risk:conference_new": Route(read=coordinators, write=coordinators),
    "risk:conference": Route(read=participants),
    "risk:conference_edit": Route(write=region_coordinators),
    "risk:conference_held": Route(write=region_coordinators),
    "risk:agenda_add": Route(write=region_coordinators),
    "risk:conference_agenda_pdf": Route(read=participants),
    "risk:conference_minutes_pdf": Route(read=participants),
    "risk:agenda_item": Route(read=participants),
    "risk:item_contribute": Route(write=case_staff("own", "granted")),
    "risk:item_action_add": Route(write=region_coordinators),
    "risk:item_action_update": Route(
        write=either(region_coordinators, case_staff("own")), params={"action_id": "conference_action_id"}
    ),
    "risk:item_survivor_view": Route(write=holder_lead),
    "risk:item_minutes": Route(write=region_coordinators),
    "api:case_risk": Route(read=safety),
    "api:case_assessments": Route(read=safety, write=safety),
    "api:case_assessment": Route(read=safety),
    "api:case_safety_plan": Route(read=safety, write=safety),
    "api:case_safety_plan_pdf": Route(read=safety),
    "api:case_conference_referral": Route(write=referrers),
    "api:risk_conferences": Route(read=either(case_staff(), coordinators), write=coordinators),
    "api:risk_conference": Route(read=participants),
    "api:risk_conference_agenda": Route(write=region_coordinators),
    "api:risk_agenda_item": Route(read=participants),
    "api:risk_agenda_contributions": Route(write=case_staff("own", "granted")),
    "api:risk_agenda_actions": Route(write=region_coordinators),
    "api:risk_agenda_survivor_view": Route(write=holder_lead),
    "api:risk_agenda_minutes": Route(write=region_coordinators),
    "api:risk_agenda_action": Route(
        write=either(region_coordinators, case_staff("own")), params={"action_id": "conference_action_id"}
    ),
    "api:risk_instruments": Route(read=lambda a: a.user is not None),
    "api:risk_instrument": Route(
        read=lambda a: a.user is not None, params={"instrument_id": "instrument_id"}
    ),
}
