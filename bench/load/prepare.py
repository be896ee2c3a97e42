"""Give the generated caseworkers what the load test signs in with, and pick what they open.

Run by bench/load/run.py inside the server's environment (same database and keys):
    python bench/load/prepare.py OUT.json [--users N]

For each of N caseworkers of the generated world: a password (one Argon2 hash computed once), a
TOTP device with a key derived from the username, an API token; and, from the cases of her own
agency, case ids to open and the IINs and family names to search for.
"""

import json
import os
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "src")]
PASSWORD = "Load-Test-Password-2026"
CASES_PER_USER = 60


def totp_key(username: str) -> str:
    return (username.encode().hex() * 3)[:40]


def main(out: str, users: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qorgau.accounts.models import ApiToken, User
    from qorgau.accounts.services import token_create
    from qorgau.cases.models import Case, IntakeDraft
    from qorgau.people.models import Person

    staff = list(User.objects.filter(username__regex=r"^bench\.[0-9]+\.cw[0-9]+$").order_by("username"))[
        :users
    ]
    if len(staff) < users:
        raise SystemExit(f"prepare: only {len(staff)} generated caseworkers; generate more regions")
    hashed = make_password(PASSWORD)
    rng = random.Random(5)
    accounts = []
    for user in staff:
        User.objects.filter(pk=user.pk).update(password=hashed, must_change_password=False, is_active=True)
        TOTPDevice.objects.filter(user=user).exclude(name="load").delete()  # one device: the one below
        TOTPDevice.objects.update_or_create(
            user=user, name="load", defaults={"key": totp_key(user.username), "confirmed": True}
        )
        ApiToken.objects.filter(user=user, name="load").delete()
        _token, secret = token_create(actor=user, name="load")
        ids = list(
            Case.objects.filter(holding_agency_id=user.agency_id)
            .order_by("-opened_at")
            .values_list("pk", flat=True)[: CASES_PER_USER * 20]
        )
        picked = rng.sample(ids, min(CASES_PER_USER, len(ids)))
        # An intake in progress: the identity checks of the load are made from it.
        draft = IntakeDraft.objects.create(owner=user, agency_id=user.agency_id, data={})
        survivors = Person.objects.filter(case_id__in=picked[:10], role="survivor")
        accounts.append(
            {
                "username": user.username,
                "password": PASSWORD,
                "totp_key": totp_key(user.username),
                "token": secret,
                "region": user.agency.region_id,
                "cases": [str(pk) for pk in picked],
                "draft": str(draft.pk),
                "iins": [p.iin for p in survivors if p.iin],
                "names": [p.family_name for p in survivors],
            }
        )
    Path(out).write_text(json.dumps(accounts, ensure_ascii=False))
    print(f"prepare: {len(accounts)} accounts")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--users" else 50)
