"""`qorgau`: Django's management commands under the product's name (installed into .venv/bin)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["qorgau", *sys.argv[1:]])
    except ImproperlyConfigured as exc:  # a refused configuration is a message, not a traceback
        sys.stderr.write(f"qorgau: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
