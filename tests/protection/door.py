"""The one door: legal protection in the matrix (tests/doors.py)."""

from tests.doors import Route, case_staff, either, staff

ORDER = 40

readers = case_staff("own", "granted")  # the holder, and the emergency grant of the safety section
police = staff("police_officer", at=("own",))  # works on the case and sees its legal section
breach_recorders = either(police, staff("caseworker", "supervisor", at=("own",)))
legal = case_staff("own")  # the legal section: the holder only (the grant has general and safety)
legal_writers = staff("lawyer", "prosecutor", "police_officer", at=("own",))
any_police = staff("police_officer")  # the scene look-up: any police officer, wherever she works
requirement_breach_recorders = either(legal_writers, staff("caseworker", "supervisor", at=("own",)))
# The correction programme runs at the "other" agency, which has nothing of the case.
programme_staff = staff("psychologist", "caseworker", "supervisor")
programme_runners = staff("psychologist", "caseworker", "supervisor", at=("other",))


def build(world):
    from datetime import timedelta

    from django.utils import timezone

    from qorgau.protection import services

    case = world.data["case"]
    officer = world.staff_user("police_officer", "own")
    person = case.people.get(role="perpetrator")
    now = timezone.now()
    order = services.protective_order_create(
        actor=officer,
        case=case,
        person_id=person.pk,
        number="PO-MATRIX-1",
        issuing_unit="Matrix district police",
        conditions=["no_contact", "no_approach"],
        approach_metres=200,
        conditions_text="Secret-order-condition-31",
        issued_at=now - timedelta(days=2),
    )
    order = services.protective_order_serve(
        actor=officer,
        case=case,
        order_id=order.pk,
        expected_version=order.version,
        served_at=now - timedelta(days=1),
        served_how="in_person",
    )
    services.violation_record(
        actor=officer,
        case=case,
        order_id=order.pk,
        occurred_at=now - timedelta(hours=3),
        description="He came to her door. Secret-breach-32",
        reported_by="survivor",
        evidence_reference="Secret-evidence-33",
    )
    lawyer = world.staff_user("lawyer", "own")
    proceeding = services.proceeding_create(
        actor=lawyer,
        case=case,
        kind="criminal",
        registration_number="UD-MATRIX-1",
        articles="108-1, 73",
        representative="Secret-representative-42",
        arrangements=["separate_room"],
    )
    decision = services.decision_record(
        actor=lawyer,
        case=case,
        proceeding_id=proceeding.pk,
        expected_version=1,
        decided_on=timezone.localdate(),
        stage="court",
        text="Sent to court.",
    )
    services.hearing_add(
        actor=lawyer,
        case=case,
        proceeding_id=proceeding.pk,
        at=now + timedelta(days=2),
        place="Secret-hearing-place-41",
    )
    world.ids.update(order_id=order.pk, proceeding_id=proceeding.pk, decision_id=decision.pk)
    world.ids.update(requirement_id=_requirement(world, case, lawyer, now).pk)
    world.secret("Secret-hearing-place-41", legal)
    world.secret("Secret-representative-42", legal)
    world.secret("Secret-order-condition-31", readers)
    world.secret("Secret-breach-32", readers)
    world.secret("Secret-evidence-33", readers)


def _requirement(world, case, lawyer, now):
    """Court requirements on a second perpetrator of the case, with the correction programme at
    the "other" agency (it sees his name and the attendance, nothing of the case)."""
    from datetime import timedelta

    from django.utils import timezone

    from qorgau.people.services import person_create
    from qorgau.protection import requirement_services

    man, _warnings = person_create(
        case=case, role="perpetrator", data={"family_name": "Secret-programme-man-51", "given_name": "Арман"}
    )
    today = timezone.localdate()
    requirement = requirement_services.requirement_create(
        actor=lawyer,
        case=case,
        person_id=man.pk,
        court="Matrix district court",
        decision_on=today - timedelta(days=20),
        months=6,
        conditions=["no_contact", "programme"],
        conditions_text="Secret-requirement-condition-52",
        monitoring_agency=world.agencies["granted"],
        programme_agency=world.agencies["other"],
    )
    requirement_services.requirement_breach_record(
        actor=lawyer,
        case=case,
        requirement_id=requirement.pk,
        occurred_at=now - timedelta(hours=5),
        description="He called her twice. Secret-requirement-breach-53",
        reported_by="survivor",
    )
    requirement_services.programme_attendance_record(
        actor=world.staff_user("psychologist", "other"),
        requirement_id=requirement.pk,
        expected_version=2,
        kind="attended",
        on=today - timedelta(days=3),
    )
    world.secret("Secret-programme-man-51", either(legal, programme_runners))
    world.secret("Secret-requirement-condition-52", readers)
    world.secret("Secret-requirement-breach-53", readers)
    return requirement


ROUTES = {
    "protection:order_new": Route(read=police, write=police),
    "protection:order": Route(read=readers),
    "protection:order_edit": Route(read=police, write=police, read_answers=frozenset({302})),
    "protection:order_issue": Route(write=police),
    "protection:order_serve": Route(write=police),
    "protection:order_extend": Route(write=police),
    "protection:order_end": Route(write=police),
    "protection:violation_new": Route(write=breach_recorders),
    "api:case_protective_orders": Route(read=readers, write=police),
    "api:case_protective_order": Route(read=readers, write=police),
    "api:case_protective_order_steps": Route(write=police),
    "api:case_protective_order_violations": Route(write=breach_recorders),
    "api:case_perpetrator_links": Route(read=readers),
    "protection:proceeding_new": Route(read=legal_writers, write=legal_writers),
    "protection:proceeding": Route(read=legal),
    "protection:decision_new": Route(write=legal_writers),
    "protection:decision_told": Route(write=legal_writers),
    "protection:hearing_new": Route(write=legal_writers),
    "api:case_proceedings": Route(read=legal, write=legal_writers),
    "api:case_proceeding": Route(read=legal),
    "api:case_proceeding_decisions": Route(write=legal_writers),
    "api:case_proceeding_hearings": Route(write=legal_writers),
    # At the scene (protection/scene.py): the form and the look-up (a POST, so his IIN stays out of
    # URLs); the order's notice names him, so it follows the legal section.
    "protection:scene_lookup": Route(read=any_police, write=any_police),
    "protection:order_notice": Route(read=legal),
    "api:scene_lookup": Route(write=any_police),
    "protection:requirement_new": Route(read=legal_writers, write=legal_writers),
    "protection:requirement": Route(read=readers),
    "protection:requirement_end": Route(write=legal_writers),
    "protection:requirement_breach_new": Route(write=requirement_breach_recorders),
    "protection:programmes": Route(read=programme_staff),
    "protection:programme": Route(read=programme_runners),
    "protection:programme_attendance": Route(write=programme_runners),
    "api:case_requirements": Route(read=readers, write=legal_writers),
    "api:case_requirement": Route(read=readers),
    "api:case_requirement_end": Route(write=legal_writers),
    "api:case_requirement_breaches": Route(write=requirement_breach_recorders),
    "api:correction_programmes": Route(read=programme_staff),
    "api:correction_programme": Route(read=programme_runners),
    "api:correction_programme_attendance": Route(write=programme_runners),
}
