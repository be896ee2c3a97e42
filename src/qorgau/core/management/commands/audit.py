"""`qorgau audit verify`: walk the audit chain; exit 1 naming the first bad event."""

from django.core.management.base import BaseCommand, CommandError

from qorgau.core.audit import audit_verify


class Command(BaseCommand):
    help = "Check the audit chain for changed, deleted, inserted or reordered events."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Verify the whole chain.")

    def handle(self, *args, action, **options):
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"audit chain broken at event {result.first_bad_seq}: {result.problem} "
                f"({result.checked} events verified before it)"
            )
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {result.checked} events"))
