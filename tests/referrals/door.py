"""The one door: the referral pathway in the matrix (tests/doors.py)."""

from tests.doors import Route, case_staff, staff

ORDER = 20

holder = case_staff("own")
viewers = case_staff("own", "granted")
parties = case_staff("own", "granted")  # the sender holds the case; the referral went to "granted"
holder_supervisor = staff("supervisor", at=("own",))


def build(world):
    from django.utils import timezone

    from qorgau.cases import services as case_services
    from qorgau.directory.models import ServiceType
    from qorgau.referrals import services

    case, worker = world.data["case"], world.data["worker"]
    referral = services.referral_send(
        actor=worker,
        case=case,
        service=ServiceType.objects.get(code="police_report"),
        to_agency=world.agencies["granted"],
        note="Report the threats. Secret-referral-note-42",
    )
    services.referral_accept(
        actor=world.staff_user("police_officer", "granted"), referral_id=referral.pk, expected_version=1
    )
    item = services.plan_action_add(
        actor=worker,
        case=case,
        goal="Safe housing",
        action="Apply to the akimat. Secret-plan-action-55",
        agency=world.agencies["own"],
        person=None,
        due_on=timezone.localdate(),
        expected_version=0,
    )
    closure = case_services.case_close_request(actor=worker, case=case, reason="needs_met")
    world.ids.update(referral_id=referral.pk, plan_action_id=item.pk, closure_id=closure.pk)
    world.secret("Secret-referral-note-42", parties)
    world.secret("Secret-plan-action-55", holder)


# The case page's folded forms (service, plan action, rating, closure request) answer GET with the
# form alone: a fragment when opened, a page without JavaScript.
ROUTES = {
    "referrals:list": Route(read=case_staff()),
    # Without a case it sends everyone to the case list; with her case, the holder's form.
    "referrals:create": Route(
        read=case_staff(), read_answers=frozenset({302}), write=holder, payload={"case": "{case_id}"}
    ),
    "referrals:detail": Route(read=parties),
    "referrals:act": Route(write=parties, payload={"action": "start", "version": 2}),
    "referrals:service_log": Route(read=viewers, write=viewers),
    "referrals:plan_action_add": Route(read=holder, write=holder),
    "referrals:plan_action_status": Route(write=holder, params={"action_id": "plan_action_id"}),
    "referrals:plan_submit": Route(write=holder),
    "referrals:plan_return": Route(write=holder),
    "referrals:wellbeing": Route(read=holder, write=holder),
    "referrals:closure_request": Route(read=holder, write=holder),
    "referrals:closure_decide": Route(write=holder_supervisor),
    "referrals:reopen": Route(write=holder),
    "api:referrals": Route(read=case_staff(), write=holder, payload={"case": "{case_id}"}),
    "api:referral": Route(read=parties),
    "api:referral_action": Route(write=parties, payload={"action": "start", "version": 2}),
    "api:case_services": Route(write=viewers),
    "api:case_plan": Route(read=holder, write=holder),
    "api:case_plan_decision": Route(write=holder),
    "api:case_wellbeing": Route(read=holder, write=holder),
    "api:case_closure": Route(write=holder),
    "api:case_closure_decision": Route(write=holder_supervisor),
    "api:case_reopen": Route(write=holder),
}
