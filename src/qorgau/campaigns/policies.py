"""Who may do what with campaigns, events, reports and letters. Plain functions of (actor, object).

- A national coordinator is a campaign coordinator at the National Commission: manages campaigns,
  approves events anywhere, issues letters for any event.
- A regional coordinator is a campaign coordinator at a regional akimat: approves events and issues
  letters in the akimat's region only.
- An organiser is any active staff user of an active agency, for that agency's own events. System
  administrators get nothing here (their work is configuration), and neither do people who are
  only analysts (their work is anonymised statistics: keeping roles narrow keeps duties separate).
- Nobody approves an event they registered or submitted themselves (four eyes); a colleague with
  the same authority may. This lets a regional akimat's own events be approved by its other
  coordinator or by the National Commission, without any agency ever being left without an approver.
"""

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.campaigns.models import Event

Status = Event.Status
# What an organiser may change an event to, and what a coordinator may.
ORGANISER_MOVES = {
    (Status.DRAFT, Status.SUBMITTED),
    (Status.SUBMITTED, Status.DRAFT),  # withdraw, e.g. to correct it
    (Status.APPROVED, Status.HELD),
    (Status.DRAFT, Status.CANCELLED),
    (Status.SUBMITTED, Status.CANCELLED),
    (Status.APPROVED, Status.CANCELLED),
}
COORDINATOR_MOVES = {
    (Status.SUBMITTED, Status.APPROVED),
    (Status.SUBMITTED, Status.DRAFT),  # return to the organiser with a note
    (Status.SUBMITTED, Status.CANCELLED),
    (Status.APPROVED, Status.CANCELLED),
}
# HELD -> REPORTED happens only by filing the report (services.report_file).
TRANSITIONS = ORGANISER_MOVES | COORDINATOR_MOVES | {(Status.HELD, Status.REPORTED)}
PUBLIC_STATUSES = (Status.APPROVED, Status.HELD, Status.REPORTED)


def _active(actor) -> bool:
    return bool(actor and actor.is_authenticated and actor.is_active and actor.agency_id)


def _agency_ok(actor) -> bool:
    return actor.agency.is_active and actor.agency.kind != Agency.Kind.OPERATOR


def is_national_coordinator(actor) -> bool:
    return (
        _active(actor)
        and actor.has_role(Role.CAMPAIGN_COORDINATOR)
        and not actor.has_role(Role.SYSTEM_ADMIN)
        and _agency_ok(actor)
        and actor.agency.kind == Agency.Kind.NATIONAL_COMMISSION
    )


def coordinator_region(actor) -> str | None:
    """The region code a regional coordinator answers for, else None."""
    if (
        _active(actor)
        and actor.has_role(Role.CAMPAIGN_COORDINATOR)
        and not actor.has_role(Role.SYSTEM_ADMIN)
        and _agency_ok(actor)
        and actor.agency.kind == Agency.Kind.REGIONAL_AKIMAT
    ):
        return actor.agency.region_id
    return None


def is_coordinator(actor) -> bool:
    return is_national_coordinator(actor) or coordinator_region(actor) is not None


def coordinates_region(actor, region_id: str) -> bool:
    return is_national_coordinator(actor) or (
        region_id is not None and coordinator_region(actor) == region_id
    )


def can_organise(actor) -> bool:
    if not _active(actor) or actor.has_role(Role.SYSTEM_ADMIN) or not _agency_ok(actor):
        return False
    return bool(actor.roles - {Role.ANALYST})


def can_use_campaigns(actor) -> bool:
    return can_organise(actor) or is_coordinator(actor)


def can_manage_campaigns(actor) -> bool:
    return is_national_coordinator(actor)


def is_organiser_of(actor, event: Event) -> bool:
    return can_organise(actor) and actor.agency_id == event.organiser_id


def can_view_event(actor, event: Event) -> bool:
    """Organisers see their agency's events; coordinators see submitted and later ones they oversee."""
    if is_organiser_of(actor, event):
        return True
    return event.status != Status.DRAFT and coordinates_region(actor, event.region_id)


def can_edit_event(actor, event: Event) -> bool:
    # Only drafts change: a submitted event is withdrawn first, so nobody approves a moving target.
    return event.status == Status.DRAFT and is_organiser_of(actor, event)


def can_review(actor, event: Event) -> bool:
    """May act as the coordinator of this event (approve, return, cancel)."""
    if not coordinates_region(actor, event.region_id):
        return False
    return actor.pk not in (event.created_by_id, event.submitted_by_id)


def can_move(actor, event: Event, to: str) -> bool:
    move = (event.status, to)
    if move in ORGANISER_MOVES and is_organiser_of(actor, event):
        return True
    return move in COORDINATOR_MOVES and can_review(actor, event)


def can_file_report(actor, event: Event) -> bool:
    """File the report of a held event, or correct it once filed."""
    return event.status in (Status.HELD, Status.REPORTED) and is_organiser_of(actor, event)


def can_view_report(actor, event: Event) -> bool:
    return event.status in (Status.HELD, Status.REPORTED) and (
        is_organiser_of(actor, event) or coordinates_region(actor, event.region_id)
    )


def can_issue_letters(actor, event: Event) -> bool:
    return event.status in (Status.HELD, Status.REPORTED) and coordinates_region(actor, event.region_id)


def can_view_letters(actor, event: Event) -> bool:
    """Coordinators who may issue them, and the organiser, who hands them out."""
    return can_issue_letters(actor, event) or (
        event.status in (Status.HELD, Status.REPORTED) and is_organiser_of(actor, event)
    )


def can_view_dashboard(actor) -> bool:
    return is_coordinator(actor)
