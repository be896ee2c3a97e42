"""The production settings plus one bench-only page, the floor (bench/floor.py).

Only the load test starts gunicorn with DJANGO_SETTINGS_MODULE=bench.settings_floor; bench/ is not
part of the installed package, so the floor cannot exist in production.
"""

from qorgau.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
