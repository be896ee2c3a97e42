"""`qorgau instruments check`: validate every risk instrument file; exit 1 naming each bad one.
`qorgau instruments list`: the instruments and versions an assessor can choose from."""

from django.core.management.base import BaseCommand, CommandError

from qorgau.risk.loader import available_instruments, check_all, instrument_dirs, instrument_files


class Command(BaseCommand):
    help = "Check or list the risk instrument files (QORGAU_INSTRUMENT_DIRS)."
    # The system checks load the same files: let this command report a bad file itself.
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("check", help="Validate every instrument file.")
        sub.add_parser("list", help="List the newest version of every instrument.")

    def handle(self, *args, action, **options):
        if action == "list":
            for instrument in available_instruments():
                self.stdout.write(
                    f"{instrument.id}\tversion {instrument.version}\t{len(instrument.items)} items\t"
                    f"{instrument.name('en')}"
                )
            return
        errors = check_all()
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(errors)} bad instrument file(s)")
        dirs = ", ".join(str(d) for d in instrument_dirs())
        self.stdout.write(
            self.style.SUCCESS(f"instruments valid: {len(instrument_files())} file(s) in {dirs}")
        )
