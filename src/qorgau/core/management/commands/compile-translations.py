"""`qorgau compile-translations`: build .mo files from every .po in the project, with polib.

Django's compilemessages needs GNU gettext on the machine; this needs nothing beyond the venv, so
`make run` works on a fresh machine.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile every locale/*/LC_MESSAGES/*.po of Qorgau into .mo files."

    def handle(self, *args, **options):
        count = 0
        for po_path in sorted(Path(settings.PACKAGE_DIR).rglob("locale/*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            try:
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            except (OSError, ValueError) as exc:
                raise CommandError(f"{po_path}: {exc}") from exc
            count += 1
        self.stdout.write(f"translations compiled: {count}")
