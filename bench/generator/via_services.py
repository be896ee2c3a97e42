"""Build one spec'd case through the real services, step by step at the spec's moments.

This is the reference the bulk path is compared with (tests/bench/test_generator.py); it is far
too slow for a million cases (about 60 queries and one audit-head lock per step).
"""

import time_machine

from qorgau.cases import selectors
from qorgau.cases.services import case_open, consents_from_choices, note_add
from qorgau.core.models import Region
from qorgau.directory.models import ServiceType
from qorgau.referrals.services import referral_send, referral_step
from qorgau.risk.loader import get_instrument
from qorgau.risk.safety_plan import SafetyPlan as PlanDocument
from qorgau.risk.services import assessment_create, safety_plan_save

from .bulk import (
    ASSESS_AFTER,
    PLAN_AFTER,
    REASON,
    REFERRAL_STEP,
    VIEW_EVERY,
    answers_for,
    consent_choices,
    referral_outcome,
)
from .spec import REFERRAL_PATHS, CaseSpec
from .world import RegionWorld


def _at(moment):
    return time_machine.travel(moment, tick=False)


def apply_with_services(spec: CaseSpec, rw: RegionWorld):
    worker = rw.caseworkers[spec.index % len(rw.caseworkers)]
    region = Region.objects.get(code=spec.region)
    survivor = {**spec.survivor, "region": region}
    incident = {**spec.incident, "region": region}
    with _at(spec.opened_at):
        case, _w = case_open(
            actor=worker,
            survivor=survivor,
            case_fields=dict(spec.case_fields),
            incident=incident,
            perpetrator=spec.perpetrator,
            account=spec.account,
            consents=consents_from_choices(consent_choices(spec)),
        )
    for ref in spec.referrals:
        with _at(ref.at):
            referral = referral_send(
                actor=worker,
                case=case,
                service=ServiceType.objects.get(code=ref.service),
                to_agency=rw.receivers[ref.to_kind],
                note=ref.note,
            )
        receiver = rw.receiver_staff[ref.to_kind][0]
        for step, action in enumerate(REFERRAL_PATHS[ref.final], start=1):
            actor = worker if action == "withdraw" else receiver
            with _at(ref.at + step * REFERRAL_STEP):
                referral = referral_step(
                    actor=actor,
                    referral_id=referral.pk,
                    expected_version=referral.version,
                    action=action,
                    reason=REASON if action in ("decline", "withdraw") else "",
                    outcome=referral_outcome(action),
                )
    if spec.assessment:
        instrument_id, yes = spec.assessment
        with _at(spec.opened_at + ASSESS_AFTER):
            assessment_create(
                actor=worker,
                case=case,
                instrument_id=instrument_id,
                answers=answers_for(get_instrument(instrument_id), yes),
            )
    if spec.safety_plan:
        with _at(spec.opened_at + PLAN_AFTER):
            safety_plan_save(
                actor=worker, case=case, expected_version=0, plan=PlanDocument.from_dict(spec.safety_plan)
            )
    for section, body, at in spec.notes:
        with _at(at):
            note_add(actor=worker, case=case, section=section, body=body)
    for n in range(spec.views):
        with _at(spec.opened_at + VIEW_EVERY * (n + 1)):
            selectors.case_get(actor=worker, case_id=case.pk, purpose="view")
    return case
