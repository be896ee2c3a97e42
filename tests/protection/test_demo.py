"""The demo world's legal protection: every order state, breaches, proceedings at every stage with
hearings, one perpetrator named in two regions; built twice, the same. (Only the builders it
needs: the whole demo, statistics' synthetic history included, took minutes.)"""

import io

from qorgau.protection.models import (
    CourtRequirement,
    Hearing,
    OrderState,
    Proceeding,
    ProgrammeSession,
    ProtectiveOrder,
    RequirementBreach,
    RequirementState,
    Violation,
)
from qorgau.protection.selectors import perpetrator_links


def _build():
    from qorgau.accounts import demo as accounts_demo
    from qorgau.cases import demo as cases_demo
    from qorgau.protection import demo
    from qorgau.referrals import demo as referrals_demo
    from qorgau.risk import demo as risk_demo

    out, world = io.StringIO(), {}
    for builder in (accounts_demo, cases_demo, referrals_demo, risk_demo, demo):
        world.update(builder.build(out, world) or {})


def test_demo_protection_covers_every_state_and_stage(db):
    _build()

    def counts():
        return [
            m.objects.count()
            for m in (ProtectiveOrder, Proceeding, Hearing, CourtRequirement, ProgrammeSession)
        ]

    before = counts()
    _build()
    assert counts() == before
    states = {o.state for o in ProtectiveOrder.objects.all()}
    assert {OrderState.ACTIVE, OrderState.EXPIRING, OrderState.EXPIRED, OrderState.ENDED} <= states
    assert Violation.objects.exists()
    assert set(Proceeding.objects.values_list("stage", flat=True)) == {
        "pre_trial",
        "court",
        "appeal",
        "closed",
    }
    assert Hearing.objects.exists()
    linked = [
        o.person
        for o in ProtectiveOrder.objects.select_related("person")
        if perpetrator_links(o.person).other_case_ids
    ]
    assert linked and {p.case.holding_agency.region_id for p in linked} == {"71", "75"}
    # Court requirements with a correction programme and its attendance, one breached, one ending.
    with_programme = CourtRequirement.objects.filter(programme_agency__isnull=False)
    assert (
        with_programme.exists() and ProgrammeSession.objects.filter(requirement__in=with_programme).exists()
    )
    assert RequirementBreach.objects.exists()
    assert {RequirementState.IN_FORCE, RequirementState.ENDING} <= {
        r.state for r in CourtRequirement.objects.all()
    }
