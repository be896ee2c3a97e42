import pytest

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.directory.models import ServiceType
from qorgau.referrals import services


@pytest.fixture
def pathway(make_user, make_agency, open_case):
    """A crisis centre's case, her consent to police and psychological services, and their staff."""
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre")
    police = make_agency(Agency.Kind.POLICE, name="Police")
    psych = make_agency(Agency.Kind.PSYCHOLOGICAL, name="Psych")
    worker = make_user(Role.CASEWORKER, agency=centre, username="cc.worker")
    case = open_case(
        worker,
        consents=[
            {"purpose": "referral", "recipient_kind": "police", "method": "written", "given_by": "survivor"},
            {
                "purpose": "share",
                "recipient_kind": "police",
                "sections": ["general", "legal"],
                "method": "written",
                "given_by": "survivor",
            },
            {
                "purpose": "referral",
                "recipient_kind": "psychological",
                "method": "written",
                "given_by": "survivor",
            },
            {
                "purpose": "share",
                "recipient_kind": "psychological",
                "sections": ["psychological"],
                "method": "written",
                "given_by": "survivor",
            },
        ],
    )
    return {
        "centre": centre,
        "police": police,
        "psych": psych,
        "worker": worker,
        "case": case,
        "supervisor": make_user(Role.SUPERVISOR, agency=centre, username="cc.supervisor"),
        "officer": make_user(Role.POLICE_OFFICER, agency=police, username="police.officer"),
        "police_supervisor": make_user(Role.SUPERVISOR, agency=police, username="police.supervisor"),
        "psychologist": make_user(Role.PSYCHOLOGIST, agency=psych, username="psych.one"),
        "services": ServiceType.objects.in_bulk(),
    }


@pytest.fixture
def send(pathway):
    def make(service="police_report", to="police", **kwargs):
        return services.referral_send(
            actor=pathway["worker"],
            case=pathway["case"],
            service=pathway["services"][service],
            to_agency=pathway[to],
            **kwargs,
        )

    return make
