"""A small campaign world: the National Commission, two akimats, two NGOs, their staff, and the
2026 "16 Days" campaign. The clock stands at 24 November 2026, noon in Astana."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.campaigns import services
from qorgau.campaigns.models import Campaign, Event
from qorgau.core.models import Region

TZ = ZoneInfo("Asia/Almaty")
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=TZ)
K = Agency.Kind


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def world(make_agency, make_user):
    a = {
        "commission": make_agency(K.NATIONAL_COMMISSION, "71", "Commission"),
        "akimat_astana": make_agency(K.REGIONAL_AKIMAT, "71", "Astana Akimat"),
        "akimat_almaty": make_agency(K.REGIONAL_AKIMAT, "75", "Almaty Akimat"),
        "ngo_astana": make_agency(K.NGO, "71", "Astana NGO"),
        "ngo_almaty": make_agency(K.NGO, "75", "Almaty NGO"),
        "operator": make_agency(K.OPERATOR, "71", "Operator"),
    }
    cc = Role.CAMPAIGN_COORDINATOR
    u = {
        "national": make_user(cc, agency=a["commission"], username="national"),
        "national2": make_user(cc, agency=a["commission"], username="national2"),
        "regional": make_user(cc, agency=a["akimat_astana"], username="regional"),
        "regional2": make_user(cc, agency=a["akimat_astana"], username="regional2"),
        "regional_almaty": make_user(cc, agency=a["akimat_almaty"], username="regional_almaty"),
        "organiser": make_user(Role.CASEWORKER, agency=a["ngo_astana"], username="organiser"),
        "colleague": make_user(Role.PSYCHOLOGIST, agency=a["ngo_astana"], username="colleague"),
        "almaty_organiser": make_user(Role.CASEWORKER, agency=a["ngo_almaty"], username="almaty_organiser"),
        "analyst": make_user(Role.ANALYST, agency=a["commission"], username="analyst"),
        "sysadmin": make_user(Role.SYSTEM_ADMIN, agency=a["operator"], username="sysadmin"),
    }
    campaign = Campaign.objects.create(
        code="16D-2026",
        name_kk="Зорлық-зомбылыққа қарсы 16 күн 2026",
        name_ru="16 дней против насилия 2026",
        name_en="16 Days 2026",
        starts_on=date(2026, 11, 25),
        ends_on=date(2026, 12, 10),
        issuer=a["commission"],
        created_by=u["national"],
    )
    return {"agencies": a, "users": u, "campaign": campaign, **u}


def event_data(**overrides) -> dict:
    data = {
        "kind": Event.Kind.ROUND_TABLE,
        "title": "Round table on early intervention",
        "description": "",
        "starts_at": at(26, 10),
        "ends_at": at(26, 13),
        "region_id": "71",
        "venue": "Demo street 1, hall 2",
        "online_url": "",
        "moderator": "Гаухар Нұрланқызы Ысқақова",
        "target_groups": ["professionals"],
        "languages": ["kk", "ru"],
        "is_public": True,
        "contact_name": "Contact Person",
        "contact_phone": "+7 700 000 11 22",
        "contact_email": "contact@example.invalid",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_event(world):
    """An event of `by`'s agency in the given status (moved there through the services)."""

    def make(by=None, status=Event.Status.DRAFT, approver=None, speakers=(), partners=(), **overrides):
        by = by or world["organiser"]
        data = event_data(**overrides)
        region = Region.objects.get(pk=data.pop("region_id"))
        event = services.event_create(
            actor=by, campaign=world["campaign"], region=region, speakers=speakers, partners=partners, **data
        )
        path = [Event.Status.SUBMITTED, Event.Status.APPROVED, Event.Status.HELD]
        target = {"draft": 0, "submitted": 1, "approved": 2, "held": 3}.get(status)
        if status == Event.Status.CANCELLED:
            return services.event_transition(actor=by, event=event, to=status)
        for step in path[:target]:
            actor = by
            if step == Event.Status.APPROVED:
                actor = approver or world["national"]
            if step == Event.Status.HELD:  # once it has started
                with time_machine.travel(event.starts_at + timedelta(minutes=5), tick=False):
                    event = services.event_transition(actor=actor, event=event, to=step)
                continue
            event = services.event_transition(actor=actor, event=event, to=step)
        return event

    return make
