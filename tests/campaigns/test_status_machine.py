"""The event status machine and who may move an event: every move not listed is refused."""

import itertools

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from tests.campaigns.conftest import at

from qorgau.campaigns import services
from qorgau.campaigns.models import Event
from qorgau.core.errors import Conflict

S = Event.Status
# The legal moves and who makes them ("org": the organising agency, "coord": a coordinator).
LEGAL = {
    (S.DRAFT, S.SUBMITTED): {"org"},
    (S.SUBMITTED, S.DRAFT): {"org", "coord"},
    (S.SUBMITTED, S.APPROVED): {"coord"},
    (S.APPROVED, S.HELD): {"org"},
    (S.DRAFT, S.CANCELLED): {"org"},
    (S.SUBMITTED, S.CANCELLED): {"org", "coord"},
    (S.APPROVED, S.CANCELLED): {"org", "coord"},
}
STARTS = [S.DRAFT, S.SUBMITTED, S.APPROVED, S.HELD, S.CANCELLED]


@pytest.mark.parametrize(("start", "to"), list(itertools.product(STARTS, S.values)))
def test_every_move_not_in_the_table_is_refused_and_changes_nothing(world, make_event, start, to):
    event = make_event(status=start)
    version = event.version
    for who in ("org", "coord"):
        actor = world["organiser"] if who == "org" else world["national"]
        allowed = who in LEGAL.get((start, to), set())
        if allowed:
            continue
        with pytest.raises((ValidationError, PermissionDenied)):
            services.event_transition(actor=actor, event=event, to=to, note="because")
        event.refresh_from_db()
        assert (event.status, event.version) == (start, version)


@pytest.mark.parametrize(("start", "to"), list(LEGAL))
def test_every_legal_move_works_for_the_right_person(world, make_event, start, to):
    for who in sorted(LEGAL[(start, to)]):
        event = make_event(status=start)
        actor = world["organiser"] if who == "org" else world["national"]
        if to == S.HELD:
            with time_machine.travel(event.starts_at, tick=False):
                moved = services.event_transition(actor=actor, event=event, to=to, note="a reason")
        else:
            moved = services.event_transition(actor=actor, event=event, to=to, note="a reason")
        assert moved.status == to


def test_reported_only_by_filing_the_report(world, make_event):
    event = make_event(status=S.HELD)
    with pytest.raises(ValidationError):
        services.event_transition(actor=world["organiser"], event=event, to=S.REPORTED)
    services.report_file(
        actor=world["organiser"], event=event, participants_total=10, participants={}, key_messages="x"
    )
    event.refresh_from_db()
    assert event.status == S.REPORTED
    for to in S.values:
        with pytest.raises((ValidationError, PermissionDenied)):
            services.event_transition(actor=world["organiser"], event=event, to=to, note="n")
        with pytest.raises((ValidationError, PermissionDenied)):
            services.event_transition(actor=world["national"], event=event, to=to, note="n")


def test_an_unknown_status_is_refused_plainly(world, make_event):
    event = make_event()
    with pytest.raises(ValidationError) as exc:
        services.event_transition(actor=world["organiser"], event=event, to="published")
    assert "status" in exc.value.message_dict


def test_held_only_once_it_has_started(world, make_event):
    event = make_event(status=S.APPROVED, starts_at=at(30, 10), ends_at=at(30, 12))
    with pytest.raises(ValidationError) as exc:
        services.event_transition(actor=world["organiser"], event=event, to=S.HELD)
    with translation.override("en"):  # read in English, whatever language a test before left active
        assert "started" in exc.value.message_dict["status"][0]


def test_coordinator_says_why_when_returning_or_cancelling(world, make_event):
    event = make_event(status=S.SUBMITTED)
    for to in (S.DRAFT, S.CANCELLED):
        with pytest.raises(ValidationError) as exc:
            services.event_transition(actor=world["national"], event=event, to=to, note="  ")
        assert "note" in exc.value.message_dict
    returned = services.event_transition(
        actor=world["national"], event=event, to=S.DRAFT, note="Add the venue"
    )
    assert returned.status == S.DRAFT and returned.status_note == "Add the venue"


def test_cancelling_an_approved_event_needs_a_reason_even_from_the_organiser(world, make_event):
    event = make_event(status=S.APPROVED)
    with pytest.raises(ValidationError):
        services.event_transition(actor=world["organiser"], event=event, to=S.CANCELLED)
    assert (
        services.event_transition(
            actor=world["organiser"], event=event, to=S.CANCELLED, note="Hall flooded"
        ).status
        == S.CANCELLED
    )


def test_a_stale_version_is_a_conflict(world, make_event):
    event = make_event()
    with pytest.raises(Conflict):
        services.event_transition(
            actor=world["organiser"], event=event, to=S.SUBMITTED, version=event.version + 1
        )
    event.refresh_from_db()
    assert event.status == S.DRAFT


def test_only_drafts_can_be_edited(world, make_event):
    event = make_event(status=S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.event_update(actor=world["organiser"], event=event, title="Changed after submission")
    event.refresh_from_db()
    assert event.title != "Changed after submission"
