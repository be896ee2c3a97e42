"""The agencies and staff the synthetic cases belong to: in each region a crisis centre that holds
the cases and one agency of each kind the referrals go to. Idempotent."""

from dataclasses import dataclass, field

from qorgau.accounts.models import Agency, User, UserRole
from qorgau.accounts.roles import Role
from qorgau.core.models import Region

RECEIVERS = {  # agency kind -> the case role of its staff
    "health": Role.HEALTH_WORKER,
    "legal_aid": Role.LAWYER,
    "psychological": Role.PSYCHOLOGIST,
    "shelter": Role.SHELTER_STAFF,
    "police": Role.POLICE_OFFICER,
}
CASEWORKERS_PER_CENTRE = 3


@dataclass
class RegionWorld:
    code: str
    centre: Agency
    caseworkers: list[User]
    supervisor: User
    receivers: dict[str, Agency] = field(default_factory=dict)  # kind -> agency
    receiver_staff: dict[str, list[User]] = field(default_factory=dict)  # kind -> case-role staff


def _agency(kind: str, region: Region) -> Agency:
    name = f"Bench {kind} {region.code}"
    agency, _ = Agency.objects.get_or_create(
        kind=kind, region=region, name_en=name, defaults={"name_kk": name, "name_ru": name}
    )
    return agency


def _user(username: str, agency: Agency, *roles: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "agency": agency,
            "must_change_password": False,
            "first_name": "Bench",
            "last_name": username,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
    return user


def build_world(region_count: int = 20) -> dict[str, RegionWorld]:
    regions = list(Region.objects.filter(is_active=True).order_by("sort", "code")[:region_count])
    world = {}
    for region in regions:
        centre = _agency(Agency.Kind.CRISIS_CENTRE, region)
        rw = RegionWorld(
            code=region.code,
            centre=centre,
            caseworkers=[
                _user(f"bench.{region.code}.cw{n}", centre, Role.CASEWORKER)
                for n in range(1, CASEWORKERS_PER_CENTRE + 1)
            ],
            supervisor=_user(f"bench.{region.code}.sup", centre, Role.SUPERVISOR),
        )
        for kind, role in RECEIVERS.items():
            agency = _agency(kind, region)
            rw.receivers[kind] = agency
            rw.receiver_staff[kind] = [_user(f"bench.{region.code}.{kind}", agency, role)]
        world[region.code] = rw
    return world
