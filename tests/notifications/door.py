"""The one door: the in-app inbox in the matrix (tests/doors.py)."""

from tests.doors import Route, signed_in, staff

ORDER = 50
recipient = staff("caseworker", at=("own",))  # the world's notification is this actor's


def build(world):
    from qorgau.notifications.services import notify

    [item] = notify(
        users=[world.actor("own", "caseworker").user], kind="referral_new", params={"number": "QG-0"}
    )
    world.ids["notification_id"] = item.pk


ROUTES = {
    "notifications:inbox": Route(read=signed_in),
    "notifications:open": Route(write=recipient),  # marks it read; anyone else's is not found
    "notifications:read_all": Route(write=signed_in),  # one's own, only
}
