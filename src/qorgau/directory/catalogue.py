"""The service catalogue as data: read, check and load directory/data/services.yaml.

The loader takes the model so the data migration can pass its historical one. A file with a
mistake is refused whole, naming the service and the field, before anything is written.
"""

import re
from pathlib import Path

import yaml

from qorgau.accounts.models import Agency
from qorgau.core.i18n import LANGUAGE_CODES
from qorgau.directory.models import SECTIONS

DATA = Path(__file__).resolve().parent / "data" / "services.yaml"
CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class CatalogueError(ValueError):
    pass


def _texts(entry: dict, key: str, code: str, limit: int) -> dict:
    values = entry.get(key) or {}
    out = {}
    for lang in LANGUAGE_CODES:
        text = " ".join(str(values.get(lang) or "").split())
        if not text or len(text) > limit:
            raise CatalogueError(f"{code}: {key}.{lang} must be 1..{limit} characters")
        out[f"{key}_{lang}"] = text
    return out


def parse(text: str) -> list[dict]:
    """The catalogue's rows as model field values; CatalogueError on the first problem."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"not valid YAML: {exc}") from exc
    entries = (doc or {}).get("services") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not entries:
        raise CatalogueError("the file needs a non-empty list under 'services'")
    rows, seen = [], set()
    for entry in entries:
        code = str((entry or {}).get("code", ""))
        if not CODE.match(code):
            raise CatalogueError(f"{code!r}: code must be lower-case letters, digits and _")
        if code in seen:
            raise CatalogueError(f"{code}: listed twice")
        seen.add(code)
        sections = entry.get("shares_sections") or []
        if "general" not in sections or not set(sections) <= set(SECTIONS):
            raise CatalogueError(f"{code}: shares_sections must include general and use only {SECTIONS}")
        kinds = entry.get("provider_kinds") or []
        if not kinds or not set(kinds) <= set(Agency.Kind.values):
            raise CatalogueError(f"{code}: provider_kinds must be agency types: {sorted(Agency.Kind.values)}")
        normal, urgent = entry.get("deadline_hours"), entry.get("urgent_deadline_hours")
        if not (isinstance(normal, int) and isinstance(urgent, int) and 0 < urgent <= normal <= 24 * 90):
            raise CatalogueError(f"{code}: need 0 < urgent_deadline_hours <= deadline_hours <= 2160")
        rows.append(
            {
                "code": code,
                **_texts(entry, "name", code, 120),
                **_texts(entry, "description", code, 2000),
                "shares_sections": [s for s in SECTIONS if s in sections],
                "provider_kinds": list(dict.fromkeys(kinds)),
                "deadline_hours": normal,
                "urgent_deadline_hours": urgent,
                "sort": int(entry.get("sort", 0)),
                "is_active": bool(entry.get("active", True)),
            }
        )
    return rows


def load_services(model, path: Path = DATA) -> int:
    """Create or update every service in the file; services not in the file are left as they are."""
    rows = parse(Path(path).read_text(encoding="utf-8"))
    for row in rows:
        row = dict(row)
        model.objects.update_or_create(code=row.pop("code"), defaults=row)
    return len(rows)
