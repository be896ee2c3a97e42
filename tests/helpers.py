"""Small helpers for tests (import as `from tests.helpers import ...`)."""

from datetime import date, timedelta

from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "Test-Password-2026"

# Synthetic identity data: names invented, IINs made with the reference algorithm, phones in the
# +7 700 000 xx xx range.
SURVIVOR_IIN = "900101400404"  # the reference's synthetic IIN (female, born 1990-01-01)
SURVIVOR_PHONE = "+77000000101"
SURVIVOR_NAME = ("Жандосова", "Айгүл", "Қайратқызы")


def totp_key_for(username: str) -> str:
    return (username.encode().hex() + "0" * 40)[:40]


def totp_now(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def survivor_data(**overrides) -> dict:
    data = {
        "family_name": SURVIVOR_NAME[0],
        "given_name": SURVIVOR_NAME[1],
        "patronymic": SURVIVOR_NAME[2],
        "other_names": ["Zhandosova Aigul"],
        "sex": "F",
        "birth_date": date(1990, 1, 1),
        "birth_year": None,
        "iin": SURVIVOR_IIN,
        "phones": [SURVIVOR_PHONE],
        "address": "Сарыарқа ауданы, 12-үй",
        "region": None,
        "disability": "none",
        "citizenship": "KZ",
    }
    data.update(overrides)
    return data


def incident_data(**overrides) -> dict:
    from qorgau.core.models import Region

    today = timezone.localdate()
    data = {
        "occurred_on": today - timedelta(days=2),
        "occurred_at_time": None,
        "date_is_approximate": False,
        "reported_on": today,
        "region": Region.objects.get(code="71"),
        "settlement": "Астана",
        "place": "home",
        "money_or_goods_exchanged": False,
        "abduction": False,
        "harmful_practice": "none",
        "children_present": True,
        "weapon": "none",
        "injuries": "minor",
        "q_penetration": False,
        "q_sexual_contact": False,
        "q_physical_assault": True,
        "q_forced_marriage": False,
        "q_denial": False,
        "q_psychological": True,
    }
    data.update(overrides)
    return data


CASE_FIELDS = {
    "entry_point": "crisis_centre",
    "priority": "normal",
    "contact_channel": "call",
    "contact_times": "Күндіз 10:00-12:00",
    "preferred_language": "kk",
}


def referral_take(*, actor, referral, action: str, **texts):
    """A referral step as the referral page takes it: the named service for `action`, sent with
    the version the page shows now."""
    from qorgau.referrals.models import Referral
    from qorgau.referrals.services import referral_step

    version = Referral.objects.get(pk=referral.pk).version
    return referral_step(
        actor=actor, referral_id=referral.pk, action=action, expected_version=version, **texts
    )


def survivor(case):
    """The survivor person of a case."""
    return case.people.get(role="survivor")
