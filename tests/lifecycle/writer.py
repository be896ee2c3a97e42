"""A stand-in for the running server during a backup test: appends audit events and writes media
files until the stop file appears. Run as `python -m tests.lifecycle.writer STOPFILE` with the
environment of the database it writes to."""

import os
import sys
import time
from pathlib import Path


def main(stop: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
    import django

    django.setup()
    from django.conf import settings

    from qorgau.core.audit import audit_record

    media = Path(settings.MEDIA_ROOT) / "during"
    media.mkdir(parents=True, exist_ok=True)
    n = 0
    while not stop.exists():
        n += 1
        audit_record(actor=None, action="test.write", object_type="test", object_id=str(n))
        (media / f"{n}.bin").write_bytes(os.urandom(2048))
        time.sleep(0.005)
    sys.stdout.write(f"{n}\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
