"""The top-level administrative units, kept as data in core/data/regions.json."""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "regions.json"


def load_regions(region_model) -> int:
    """Create or update every unit; takes the model so a migration can pass its historical one."""
    units = json.loads(DATA.read_text(encoding="utf-8"))["units"]
    for unit in units:
        unit = dict(unit)
        region_model.objects.update_or_create(code=unit.pop("code"), defaults=unit)
    return len(units)
