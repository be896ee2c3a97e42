"""The one door: contact requests in the matrix (tests/doors.py)."""

from tests.doors import Route, staff

ORDER = 40
INBOX = "contact_request_id"

# The world's request is in region 71; the inbox is for crisis centres and family support centres:
# case staff of the "own" crisis centre.
inbox = staff(
    "caseworker",
    "police_officer",
    "prosecutor",
    "health_worker",
    "lawyer",
    "psychologist",
    "shelter_staff",
    "supervisor",
    at=("own",),
)


def build(world):
    from qorgau.core.models import Region
    from qorgau.portal.services import contact_request_submit

    item = contact_request_submit(
        region=Region.objects.get(code="71"),
        help_needed=["talk"],
        channel="call",
        contact="+77000000177",
        alias="Secret-alias-314",
        message="Secret-message-159",
    )
    world.ids[INBOX] = item.pk
    for secret in ("Secret-alias-314", "Secret-message-159", "7000000177"):
        world.secret(secret, inbox)


_PUBLIC = "the public portal: no sign-in, no stored data shown (its own tests cover the contact form)"

ROUTES = {
    "contact_requests:inbox": Route(read=lambda a: a.user is not None),
    "contact_requests:detail": Route(read=inbox, params={"request_id": INBOX}),
    "contact_requests:take": Route(write=inbox, params={"request_id": INBOX}),
}
EXEMPT = {
    "portal:home": _PUBLIC,
    "portal:find_help": _PUBLIC,
    "portal:services": _PUBLIC,
    "portal:rights": _PUBLIC,
    "portal:safety_plan": _PUBLIC,
    "portal:self_check": _PUBLIC,
    "portal:contact": _PUBLIC + "; posting it is rate-limited per address, which a walk would exhaust",
    "portal:contact_sent": _PUBLIC,
}
