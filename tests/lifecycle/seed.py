"""Builds the SQLite source of the backup round trip in its own process: migrates the file named by
DATABASE_URL and opens one case through the service (with its survivor and perpetrator), as the
test database would hold it. Run as `python -m tests.lifecycle.seed`; the test database may be
PostgreSQL, so the file cannot be copied from it."""

import os


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from tests.helpers import CASE_FIELDS, incident_data, survivor_data

    from qorgau.accounts.models import Agency, User, UserRole
    from qorgau.cases.services import case_open

    call_command("migrate", verbosity=0, interactive=False)
    agency = Agency.objects.create(
        kind=Agency.Kind.CRISIS_CENTRE, region_id="71", name_kk="Seed", name_ru="Seed", name_en="Seed"
    )
    worker = User.objects.create(username="b.worker", agency=agency, first_name="Test", last_name="Worker")
    UserRole.objects.create(user=worker, role="caseworker")
    case_open(
        actor=worker,
        survivor=survivor_data(),
        case_fields=dict(CASE_FIELDS),
        incident=incident_data(),
        perpetrator=("current_partner", {"family_name": "Жандосов", "given_name": "Ерлан", "sex": "M"}),
        account="Ол үйде ұрды. He hit me at home.",
        consents=[{"purpose": "statistics", "method": "written", "given_by": "survivor"}],
    )


if __name__ == "__main__":
    main()
