"""`qorgau backup --out FILE` and `qorgau backup verify FILE` (key: QORGAU_BACKUP_KEY)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qorgau.lifecycle.archive import ArchiveError
from qorgau.lifecycle.backup import RestoreRefused, backup_create, backup_verify


class Command(BaseCommand):
    help = "Write an encrypted backup of the database and the media, or verify one."

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, help="the archive to write")
        sub = parser.add_subparsers(dest="action")
        verify = sub.add_parser("verify", help="Check every chunk and hash of an archive.")
        verify.add_argument("file", type=Path)

    def handle(self, *args, action=None, out=None, **options):
        started = time.monotonic()
        try:
            if action == "verify":
                if not options["file"].is_file():
                    raise CommandError(f"no such file: {options['file']}")
                manifest = backup_verify(path=options["file"])
                size = sum(e["size"] for e in manifest["entries"])
                self.stdout.write(
                    self.style.SUCCESS(
                        f"archive {manifest['archive_id']} is whole: {len(manifest['entries'])} entries, "
                        f"{size} bytes, {manifest['meta']['vendor']} database, "
                        f"made {manifest['meta']['finished_at']}"
                    )
                )
                return
            if out is None:
                raise CommandError("give --out FILE (or: qorgau backup verify FILE)")
            if out.exists():
                raise CommandError(f"{out} exists: choose a new file name")
            manifest = backup_create(out=out)
        except (ArchiveError, RestoreRefused, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"wrote {out}: archive {manifest['archive_id']}, {manifest['meta']['media_files']} media "
                f"files, {out.stat().st_size} bytes in {time.monotonic() - started:.1f} s"
            )
        )
