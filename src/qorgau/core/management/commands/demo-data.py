"""`qorgau demo-data`: build the synthetic demo world (idempotent and deterministic)."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

from qorgau.accounts.demo import assert_demo_allowed

# Order matters: each builder may use what the earlier ones made (passed along in `world`).
BUILDERS = [
    "qorgau.accounts.demo",
    "qorgau.cases.demo",
    "qorgau.referrals.demo",
    "qorgau.risk.demo",
    "qorgau.directory.demo",
    "qorgau.portal.demo",
    "qorgau.campaigns.demo",
    "qorgau.protection.demo",
    "qorgau.evidence.demo",
    "qorgau.stats.demo",
]


class Command(BaseCommand):
    help = "Create the synthetic demo world: agencies, staff, and each app's demo records."

    def add_arguments(self, parser):
        labels = sorted({path.split(".")[1] for path in BUILDERS} - {"accounts"})
        parser.add_argument(
            "--without",
            action="append",
            default=[],
            choices=labels,
            help="leave out one app's demo records (tests of other apps skip the slow statistics)",
        )

    def handle(self, *args, without=(), **options):
        assert_demo_allowed()
        world: dict = {}
        for path in BUILDERS:
            app_label = path.split(".")[1]
            if app_label in without or not apps.is_installed(f"qorgau.{app_label}"):
                continue
            self.stdout.write(f"{app_label}: ", ending="")
            module = import_module(path)
            result = module.build(self.stdout, world)
            world.update(result or {})
        self.stdout.write(self.style.SUCCESS("Demo world ready."))
