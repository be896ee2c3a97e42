"""Two-factor sign-in: TOTP from an authenticator app, plus single-use recovery codes."""

from base64 import b32encode

import segno
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgau.core.audit import audit_record

RECOVERY_CODE_COUNT = 10


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_mfa(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_enrolment_device(user) -> TOTPDevice:
    """The pending (unconfirmed) authenticator for this user, created on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret in the base32 form authenticator apps accept when typed by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_data_uri(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def totp_enrolment_confirm(*, user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator when the code is right; returns the new recovery codes."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if device.confirmed or not device.verify_token(clean_code(code)):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action="account.mfa_enrolled", obj=user)
    return _new_recovery_codes(user)


@transaction.atomic
def recovery_codes_regenerate(*, actor) -> list[str]:
    audit_record(actor=actor, action="account.recovery_codes_regenerated", obj=actor)
    return _new_recovery_codes(actor)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def clean_code(code: str) -> str:
    return "".join(str(code or "").split()).lower()[:32]


@transaction.atomic
def verify_second_factor(user, code: str):
    """The device that accepts this code (a TOTP code or an unused recovery code), else None.

    The device rows are locked while the code is checked (django-otp's `for_verify`): of two
    requests carrying one code at the same moment, the second waits, then finds the code used
    (the TOTP device's `last_t` has moved on; the recovery code is deleted)."""
    code = clean_code(code)
    if not code:
        return None
    if code.isdigit():
        totp = TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update().first()
        if totp is not None and totp.verify_token(code):
            return totp
    for static in StaticDevice.objects.devices_for_user(user, confirmed=True).select_for_update():
        if static.verify_token(code):  # consumes the recovery code
            return static
    return None
