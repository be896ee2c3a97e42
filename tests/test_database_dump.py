"""A database dump alone reveals no survivor's name, IIN, phone or address."""

import shutil
import subprocess

import pytest
from django.conf import settings
from django.db import connection
from tests.helpers import SURVIVOR_IIN, SURVIVOR_NAME, SURVIVOR_PHONE

from qorgau.accounts.roles import Role

SECRETS = [
    *SURVIVOR_NAME,
    "Zhandosova",
    SURVIVOR_IIN,
    SURVIVOR_PHONE,
    "7000000101",
    "Сарыарқа",
    "Жандосов",
    "Ерлан",
    "Ол үйде ұрды",
    "Күндіз 10:00",
    "Мылтығы бар",
    "Қызғалдақ",
    "Апасының үйі",
]


@pytest.fixture
def caseload(make_user, open_case):
    worker = make_user(Role.CASEWORKER)
    case = open_case(
        worker,
        consents=[
            {
                "purpose": "referral",
                "recipient_kind": "police",
                "method": "written",
                "given_by": "guardian",
                "guardian_name": "Ерлан Жандосов",
            }
        ],
    )
    _risk_work(worker, case)
    return worker


def _risk_work(worker, case):
    """Her risk answers, a judgement's reason and her safety plan are in the dump only as ciphertext."""
    from qorgau.risk.loader import get_instrument
    from qorgau.risk.safety_plan import SafetyPlan
    from qorgau.risk.services import assessment_create, safety_plan_save

    items = get_instrument("checklist-24").items
    assessment_create(
        actor=worker,
        case=case,
        instrument_id="checklist-24",
        answers={i.id: "yes" if i.number < 12 else "no" for i in items},
        judgement_level=3,
        judgement_reason="Мылтығы бар, өлтіремін деді.",
    )
    safety_plan_save(
        actor=worker,
        case=case,
        expected_version=0,
        plan=SafetyPlan(code_word="Қызғалдақ", safe_places=("Апасының үйі",)),
    )


def assert_clean(dump: str):
    assert len(dump) > 10_000  # a real dump, not an empty file
    leaked = [s for s in SECRETS if s in dump]
    assert not leaked, f"the dump contains {leaked}"


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the SQLite dump")
def test_sqlite_dump_reveals_no_survivor(caseload):
    connection.ensure_connection()
    dump = "\n".join(connection.connection.iterdump())
    assert 'INSERT INTO "people_person"' in dump
    assert_clean(dump)


@pytest.mark.postgres
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump is not installed")
@pytest.mark.django_db(transaction=True)
def test_pg_dump_reveals_no_survivor(caseload):
    db = settings.DATABASES["default"]
    env = {"PGPASSWORD": db.get("PASSWORD") or ""}
    result = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"] or "postgres",
            connection.settings_dict["NAME"],
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert "people_person" in result.stdout
    assert_clean(result.stdout)
