"""Small helpers for tests (import as `from tests.helpers import ...`)."""

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "Test-Password-2026"


def totp_key_for(username: str) -> str:
    return (username.encode().hex() + "0" * 40)[:40]


def totp_now(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
