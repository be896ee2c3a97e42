"""The one door: the cases app in the matrix (tests/doors.py)."""

from tests.doors import Route, case_staff, either, staff

ORDER = 10
PERPETRATOR = "Серікбаев"  # invented; not a substring of her name

holder = case_staff("own")
viewers = case_staff("own", "granted")  # the holder and the agency with the emergency grant
holder_lead = staff("caseworker", "supervisor", at=("own",))
holder_supervisor = staff("supervisor", at=("own",))
draft_owner = staff("caseworker", at=("own",))  # the world's draft is this actor's


def build(world):
    from tests.helpers import CASE_FIELDS, SURVIVOR_IIN, SURVIVOR_NAME, incident_data, survivor_data

    from qorgau.cases import services
    from qorgau.cases.models import AccessRequest, IntakeDraft

    own, granted, other = (world.agencies[r] for r in ("own", "granted", "other"))
    worker, supervisor = world.staff_user("caseworker", "own"), world.staff_user("supervisor", "own")
    case, _warnings = services.case_open(
        actor=worker,
        survivor=survivor_data(),
        case_fields=dict(CASE_FIELDS),
        incident=incident_data(),
        perpetrator=("current_partner", {"family_name": PERPETRATOR, "given_name": "Ерболат", "sex": "M"}),
        account="Ол үйде ұрды. Secret-account-321",
        consents=[
            {"purpose": "statistics", "method": "written", "given_by": "survivor"},
            {"purpose": "referral", "recipient_agency": granted, "method": "written", "given_by": "survivor"},
        ],
    )
    services.note_add(
        actor=worker, case=case, section="psychological", body="Sessions weekly. Secret-note-123"
    )
    share = services.emergency_grant(
        actor=supervisor,
        case=case,
        agency=granted,
        sections=["general", "safety"],
        hours=48,
        reason="Threats to kill her tonight; Secret-grant-reason-654",
    )
    request = AccessRequest.objects.create(
        case=case,
        requested_by=world.staff_user("police_officer", "other"),
        requesting_agency=other,
        reason="matrix",
    )
    draft = IntakeDraft.objects.create(
        owner=world.actor("own", "caseworker").user,
        agency=own,
        data={"1": {"family_name": ["Draftova"], "given_name": ["Secret-draft-888"]}},
        step=2,
    )
    world.data.update(case=case, worker=worker, supervisor=supervisor)
    world.ids.update(
        case_id=case.pk,
        consent_id=case.consents.get(purpose="statistics").pk,
        person_id=case.people.get(role="perpetrator").pk,
        share_id=share.pk,
        request_id=request.pk,
        draft_id=draft.pk,
        step=1,
    )
    # Who may know what: by section and consent (cases.policies.case_access).
    number_knowers = either(viewers, staff("conference_coordinator", at=("own", "granted")))
    world.secret(case.number, number_knowers)
    world.secret(SURVIVOR_NAME[1], viewers)
    world.secret(SURVIVOR_IIN, holder)  # legal and health sections only
    world.secret("7000000101", viewers)  # her phone: the emergency grant opens contact
    world.secret("Secret-account-321", viewers)  # general section
    world.secret("Secret-note-123", holder)  # psychological section
    world.secret(PERPETRATOR, holder)  # legal section
    world.secret("Secret-grant-reason-654", holder)
    world.secret("Secret-draft-888", draft_owner)


ROUTES = {
    "cases:list": Route(read=case_staff()),
    "cases:intake": Route(read=case_staff(), write=case_staff()),
    "cases:intake_step": Route(read=draft_owner, write=draft_owner),
    "cases:identity_check": Route(read=case_staff()),
    "cases:access_request_create": Route(),
    "cases:access_request_answer": Route(write=holder_supervisor),
    "cases:detail": Route(read=viewers),
    "cases:edit": Route(read=holder, write=holder),
    "cases:note_add": Route(write=viewers),
    "cases:consent_record": Route(write=holder_lead),
    "cases:consent_withdraw": Route(write=holder_lead),
    "cases:person_add": Route(read=holder, write=holder),
    "cases:person_edit": Route(read=holder, write=holder),
    "cases:incident_add": Route(read=holder, write=holder),
    "cases:emergency_grant": Route(write=holder_supervisor),
    "cases:emergency_revoke": Route(write=holder_supervisor),
    "cases:emergency_review": Route(write=holder_supervisor),
    "cases:access_log": Route(read=holder_lead),
    "cases:summary_pdf": Route(read=viewers),
    "cases:consent_form": Route(read=holder_lead),
    "cases:emergency_form": Route(read=holder_supervisor),
    "api:cases": Route(read=case_staff(), write=case_staff()),
    "api:case_search": Route(read=case_staff()),
    "api:case": Route(read=viewers, write=holder),
    "api:case_notes": Route(read=viewers, write=viewers),
    "api:case_consents": Route(read=holder, write=holder_lead),
    "api:case_consent_withdraw": Route(write=holder_lead),
    "api:case_people": Route(write=holder),
    "api:case_person": Route(write=holder),
    "api:case_incidents": Route(write=holder),
    "api:case_emergency": Route(write=holder_supervisor),
    "api:case_timeline": Route(read=viewers),
    "api:case_access_log": Route(read=holder_lead),
    "api:identity_check": Route(read=case_staff()),
}
