"""Who reads and takes contact requests: case staff of the crisis centres and family support
centres of the request's region — the first line that turns a request into a case."""

from qorgau.accounts.models import Agency

INBOX_AGENCY_KINDS = frozenset({Agency.Kind.CRISIS_CENTRE, Agency.Kind.FAMILY_SUPPORT_CENTRE})


def can_use_inbox(actor) -> bool:
    return bool(
        actor
        and actor.is_authenticated
        and actor.works_on_cases
        and actor.agency is not None
        and actor.agency.kind in INBOX_AGENCY_KINDS
        and actor.agency.is_active
    )


def can_view_request(actor, request) -> bool:
    return can_use_inbox(actor) and request.region_id == actor.agency.region_id


def can_take_request(actor, request) -> bool:
    return can_view_request(actor, request) and request.status == request.Status.NEW
