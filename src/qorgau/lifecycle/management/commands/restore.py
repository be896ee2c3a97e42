"""`qorgau restore FILE`: into an empty database and an empty media directory only."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from qorgau.lifecycle.archive import ArchiveError
from qorgau.lifecycle.backup import RestoreRefused, backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and media directory."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        if not file.is_file():
            raise CommandError(f"no such file: {file}")
        started = time.monotonic()
        connections.close_all()
        try:
            manifest = backup_restore(path=file)
        except (ArchiveError, RestoreRefused, OSError) as exc:
            raise CommandError(f"nothing restored: {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"restored archive {manifest['archive_id']} ({manifest['meta']['media_files']} media files) "
                f"in {time.monotonic() - started:.1f} s; now run `qorgau audit verify`"
            )
        )
