"""The one door: cyber-violence on incidents and the evidence locker in the matrix (tests/doors.py)."""

from tests.doors import Route, case_staff, either, staff

ORDER = 70

REFERENCE_MODELS = {
    "cases.CyberSubtype": "the kinds of cyber-violence, a code list seeded by migration",
}

holder = case_staff("own")
general = case_staff("own", "granted")  # the holder, and the emergency grant of "general" and "safety"
exporters = either(
    staff("prosecutor", "lawyer", at=("own", "granted")),
    staff("supervisor", at=("own",)),
)
LINK = {
    "section": "general",
    "url": "https://example.org/post/1",
    "observed_at": "2026-01-05T10:00",
    "observed_by": "Her sister",
}

EXEMPT = {
    "evidence:signing_key": "the platform's public signing key for evidence packages: public by design",
    "her_upload:upload": (
        "her own upload page: no account, the secret token in the address is the capability; "
        "closed, unknown and limited links are walked in tests/evidence/test_upload_link.py"
    ),
}
TAKEDOWN = {
    "item": "{evidence_id}",
    "platform": "telegram",
    "ask": "takedown",
    "sent_on": "2026-01-05",
    "status": "sent",
}


def build(world):
    import datetime

    from qorgau.cases import services as case_services
    from qorgau.evidence import services

    case, worker = world.data["case"], world.data["worker"]
    incident = case.incidents.get()
    case_services.incident_cyber_update(
        actor=worker,
        case=case,
        incident_id=incident.pk,
        expected_version=0,
        subtypes=["online_threats"],
        accounts=[
            {"platform": "telegram", "handle": "@Secret-his-handle-4410", "owner": "perpetrator"},
            {"platform": "instagram", "handle": "@Secret-her-handle-4411", "owner": "survivor"},
        ],
    )
    shown = services.evidence_message_add(
        actor=worker, case=case, section="general", text="I will find you. Secret-message-4412"
    )
    services.evidence_message_add(
        actor=worker, case=case, section="legal", text="His second threat. Secret-legal-message-4413"
    )
    link, _token = services.upload_link_create(actor=worker, case=case, section="general", max_files=2)
    takedown = services.takedown_add(
        actor=worker,
        case=case,
        item_id=shown.pk,
        platform="telegram",
        ask="preservation",
        sent_on=datetime.date(2026, 1, 5),
        reference="Secret-ticket-4414",
    )
    world.ids.update(
        incident_id=incident.pk, evidence_id=shown.pk, upload_link_id=link.pk, takedown_id=takedown.pk
    )
    world.secret("Secret-ticket-4414", general)
    world.secret("Secret-his-handle-4410", holder)  # a perpetrator's identity: legal section
    world.secret("Secret-her-handle-4411", general)
    world.secret("Secret-message-4412", general)
    world.secret("Secret-legal-message-4413", holder)


ROUTES = {
    "cases:incident_cyber": Route(read=holder, write=holder, payload={"version": 1}),
    "api:case_incident_cyber": Route(read=holder, write=holder, payload={"version": 1}),
    "evidence:case": Route(read=general),
    "evidence:upload": Route(write=general),
    "evidence:add_url": Route(write=general, payload=LINK),
    "evidence:add_message": Route(
        write=general, payload={"message_text": "You are mine", "section": "general"}
    ),
    "evidence:export": Route(read=exporters, write=exporters, read_answers=frozenset({302})),
    "evidence:item": Route(read=general),
    "evidence:download": Route(read=general),
    "evidence:preview": Route(),  # a message has no preview: 404 for everyone
    "api:case_evidence": Route(read=general, write=general, payload={"kind": "url", **LINK}),
    "api:case_evidence_item": Route(read=general),
    "api:case_evidence_original": Route(read=general, read_answers=frozenset({400})),
    "api:case_evidence_export": Route(write=exporters),
    "evidence:upload_link_create": Route(write=general, payload={"section": "general", "max_files": 1}),
    "evidence:upload_link_revoke": Route(write=general),
    "evidence:takedown_add": Route(write=general, payload=TAKEDOWN),
    "evidence:takedown_update": Route(
        write=general, payload={"status": "acknowledged", "response_on": "2026-01-06"}
    ),
    "api:case_evidence_takedowns": Route(read=general, write=general, payload=TAKEDOWN),
    "api:case_evidence_takedown": Route(
        write=general, payload={"status": "done", "response_on": "2026-01-07"}
    ),
}
