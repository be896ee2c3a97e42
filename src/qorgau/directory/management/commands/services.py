"""`qorgau services load [--file PATH]`: (re)load the service catalogue from its YAML file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qorgau.directory.catalogue import DATA, CatalogueError
from qorgau.directory.services import services_load


class Command(BaseCommand):
    help = "Load the service catalogue from directory/data/services.yaml (or --file)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Create or update every service listed in the file.")
        load.add_argument("--file", type=Path, default=DATA)

    def handle(self, *args, action, file, **options):
        try:
            count = services_load(path=file)
        except (CatalogueError, OSError) as exc:
            raise CommandError(f"catalogue not loaded, nothing changed: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"service catalogue loaded: {count} services"))
