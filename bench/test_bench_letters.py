"""How long 500 letters of gratitude take: issuing them (one batch) and drawing them as one ZIP."""

from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.campaigns import services
from qorgau.campaigns.letters import write_zip
from qorgau.campaigns.models import Campaign, Event, Letter
from qorgau.core.models import Region

NAMES = ["Әсемгүл Жандосқызы Нұрланова", "Ержан Қайратұлы Оспанбеков", "Анна Сергеевна Ковалёва"]


@pytest.fixture
def held_event(make_agency, make_user):
    commission = make_agency(Agency.Kind.NATIONAL_COMMISSION, "71", "Commission")
    coordinator = make_user(Role.CAMPAIGN_COORDINATOR, agency=commission)
    organiser = make_user(Role.CASEWORKER, agency=make_agency(Agency.Kind.NGO, "71", "NGO"))
    campaign = Campaign.objects.create(
        code="16D-2026",
        name_kk="16 күн",
        name_ru="16 дней",
        starts_on=date(2026, 11, 25),
        ends_on=date(2026, 12, 10),
        issuer=commission,
    )
    starts = datetime(2026, 11, 26, 10, tzinfo=ZoneInfo("Asia/Almaty"))
    event = Event.objects.create(
        campaign=campaign,
        kind="round_table",
        title="Zero tolerance round table",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        region=Region.objects.get(pk="71"),
        venue="Hall",
        organiser=organiser.agency,
        languages=["kk"],
        status=Event.Status.HELD,
        created_by=organiser,
    )
    return coordinator, event


def _people(n):
    return [(f"{NAMES[i % 3]} {i}", Letter.RecipientRole.PARTICIPANT) for i in range(n)]


@pytest.mark.django_db
def test_bench_issue_500_letters(benchmark, held_event):
    coordinator, event = held_event
    letters = benchmark.pedantic(
        lambda: services.letters_issue(
            actor=coordinator, event=event, language="kk", recipients=_people(500)
        ),
        rounds=3,
        iterations=1,
    )
    assert len(letters) == 500


@pytest.mark.django_db
def test_bench_500_letters_as_one_zip(benchmark, held_event):
    coordinator, event = held_event
    services.letters_issue(actor=coordinator, event=event, language="kk", recipients=_people(500))
    letters = list(Letter.objects.select_related("event"))

    def build():
        out = BytesIO()
        write_zip(letters, out)
        return out

    out = benchmark.pedantic(build, rounds=3, iterations=1)
    assert out.tell() > 500 * 10_000
