"""`qorgau demo-signins`: print the demo accounts and how to get their sign-in codes."""

from django.core.management.base import BaseCommand

from qorgau.accounts.demo import assert_demo_allowed
from qorgau.accounts.models import User
from qorgau.core.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "List the demo sign-ins (demo mode only)."

    def handle(self, *args, **options):
        assert_demo_allowed()
        users = User.objects.filter(email__endswith="@demo.qorgau.invalid").select_related("agency")
        rows = [(u.username, ", ".join(sorted(u.roles)), u.agency.name_en if u.agency else "") for u in users]
        rows = [r for r in rows if r[0].endswith(".astana") or "." not in r[0]]
        width = max((len(r[0]) for r in rows), default=10)
        self.stdout.write("Demo sign-ins (every demo account; other regions: .almaty, .karaganda):")
        for username, roles, agency in rows:
            self.stdout.write(f"  {username:<{width}}  {roles:<22} {agency}")
        self.stdout.write(f"Password for all: {DEMO_PASSWORD}")
        self.stdout.write("Sign-in code:     QORGAU_ENV=demo .venv/bin/qorgau demo-otp USERNAME")
