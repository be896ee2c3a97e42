"""Helpers shared by the apps' demo builders (`<app>/demo.py`, run by `qorgau demo-data`)."""

import random

DEMO_PASSWORD = "Qorgau-Demo-2026"

# The demo regions: every agency type exists in each. Astana also hosts the national bodies.
DEMO_REGIONS = {
    "71": {"slug": "astana", "kk": "Астана", "ru": "Астана", "en": "Astana"},
    "75": {"slug": "almaty", "kk": "Алматы", "ru": "Алматы", "en": "Almaty"},
    "35": {"slug": "karaganda", "kk": "Қарағанды", "ru": "Караганда", "en": "Karaganda"},
}


def demo_random(label: str) -> random.Random:
    """A generator seeded per purpose, so every run of demo-data builds the same world."""
    return random.Random(f"qorgau-demo:{label}")  # noqa: S311 - synthetic data, not security
