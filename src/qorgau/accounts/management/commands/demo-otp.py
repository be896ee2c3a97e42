"""`qorgau demo-otp USERNAME`: print the current sign-in code of a demo account (demo mode only)."""

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgau.accounts.demo import assert_demo_allowed


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo user. Refuses to run under production settings."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        assert_demo_allowed()
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"No confirmed authenticator for {username!r}.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
