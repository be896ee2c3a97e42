"""After sexual violence the 72-hour and 120-hour care windows count down from the incident."""

from datetime import date, datetime, time, timedelta

import time_machine
from django.utils import timezone

from qorgau.cases.care import care_windows
from qorgau.cases.models import Incident


def incident(gbv_type="rape", day=date(2026, 11, 20), at=time(22, 0), approximate=False):
    return Incident(occurred_on=day, occurred_at_time=at, gbv_type=gbv_type, date_is_approximate=approximate)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def test_windows_for_rape_count_from_the_incident():
    now = at(date(2026, 11, 21), 22)  # 24 hours later
    windows = {w.kind: w for w in care_windows(incident(), now)}
    assert windows["pep"].remaining == timedelta(hours=48)
    assert windows["emergency_contraception"].remaining == timedelta(hours=96)
    assert all(w.is_open for w in windows.values())


def test_pep_closes_at_72_hours_and_contraception_at_120():
    start = at(date(2026, 11, 20), 22)
    just_before = {
        w.kind: w for w in care_windows(incident(), start + timedelta(hours=72) - timedelta(seconds=1))
    }
    at_72 = {w.kind: w for w in care_windows(incident(), start + timedelta(hours=72))}
    assert just_before["pep"].is_open and not at_72["pep"].is_open
    assert at_72["emergency_contraception"].is_open
    assert not {w.kind: w for w in care_windows(incident(), start + timedelta(hours=120))}[
        "emergency_contraception"
    ].is_open


def test_unknown_time_counts_from_the_start_of_the_day_and_says_so():
    windows = care_windows(incident(at=None), at(date(2026, 11, 20), 12))
    pep = next(w for w in windows if w.kind == "pep")
    assert pep.deadline == at(date(2026, 11, 23), 0) and pep.approximate


def test_no_windows_for_other_types():
    assert care_windows(incident("physical_assault"), at(date(2026, 11, 21), 0)) == []
    assert care_windows(incident("sexual_assault"), at(date(2026, 11, 21), 0))


def test_windows_use_configured_hours(settings):
    settings.QORGAU_CARE_WINDOWS_HOURS = {"pep": 48}
    [window] = care_windows(incident(), at(date(2026, 11, 21), 0))
    assert window.deadline == at(date(2026, 11, 22), 22)


def test_dashboard_shows_open_windows_and_not_closed_ones(client, login_client, make_user, open_case):
    from qorgau.accounts.roles import Role

    worker = make_user(Role.CASEWORKER)
    today = timezone.localdate()
    open_case(
        worker,
        incident={
            "occurred_on": today - timedelta(days=1),
            "q_penetration": True,
            "q_physical_assault": False,
            "q_psychological": False,
        },
    )
    login_client(worker)
    page = client.get("/dashboard/").content.decode()
    assert "Care windows closing" in page and "HIV post-exposure prophylaxis" in page
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        login_client(worker)
        assert "Care windows closing" not in client.get("/dashboard/").content.decode()
