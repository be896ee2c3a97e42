"""Shared fixtures. Tests run with QORGAU_ENV=test (`make test` sets it)."""

import os
import re

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient
from tests.helpers import PASSWORD, totp_key_for

from qorgau.accounts.models import Agency, User, UserRole

# `make test` runs a pytest worker per core (pytest-xdist, a test database each): each worker
# gets its own Redis database too, so one worker's job queue or limiter never meets another's.
if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("REDIS_URL"):
    _worker = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw"))
    _base = re.match(r"(.*/)(\d+)$", os.environ["REDIS_URL"])
    if _base:
        os.environ["REDIS_URL"] = f"{_base[1]}{(int(_base[2]) - _worker) % 16}"


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        return f"database: PostgreSQL at {db.get('HOST')}:{db.get('PORT')} (TEST_DATABASE_URL)"
    return "database: SQLite — PostgreSQL-backed tests are SKIPPED (set TEST_DATABASE_URL to run them)"


def pytest_terminal_summary(terminalreporter):
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        terminalreporter.write_line(
            "NOTE: PostgreSQL-backed tests were skipped: TEST_DATABASE_URL is not set.",
            yellow=True,
            bold=True,
        )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Per-user limits live in the cache, and user ids repeat from one test to the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def client():
    """Django's test client, reading pages in English unless a test asks for another language."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def ensure_regions():
    """Transactional tests (live server, threads, subprocess servers) empty every table between
    tests, the data migrations' rows included: put the reference data back when it is gone —
    regions, the service catalogue, the cyber-violence subtypes and the audit chain's head."""
    import importlib

    from django.apps import apps

    from qorgau.cases.models import CyberSubtype
    from qorgau.core.models import AuditHead, Region
    from qorgau.core.regions import load_regions
    from qorgau.directory.catalogue import load_services
    from qorgau.directory.models import ServiceType

    if not Region.objects.exists():
        load_regions(Region)
    if not ServiceType.objects.exists():
        load_services(ServiceType)
    if not CyberSubtype.objects.exists():
        importlib.import_module("qorgau.cases.migrations.0007_evidence_cyber").seed(apps, None)
    if not AuditHead.objects.filter(id=1).exists():
        from qorgau.core.audit import audit_lanes_ensure

        audit_lanes_ensure()


def _uses_the_database(item) -> bool:
    return bool(
        {"db", "transactional_db", "live_server"} & set(item.fixturenames)
        or item.get_closest_marker("django_db") is not None
    )


@pytest.fixture(autouse=True)
def _reference_data_in_place(request, django_db_blocker):
    """A transactional test ends by emptying every table, the migrations' reference rows too: the
    next test of this worker (whatever file it is in) finds them back where the migrations put
    them."""
    if _uses_the_database(request.node):
        request.getfixturevalue("django_db_setup")  # the test database, never the one it is named after
        with django_db_blocker.unblock():
            ensure_regions()


@pytest.fixture
def make_agency(db):
    counter = {"n": 0}
    ensure_regions()

    def make(kind=Agency.Kind.CRISIS_CENTRE, region="71", name=None):
        counter["n"] += 1
        name = name or f"Test {kind} {counter['n']}"
        return Agency.objects.create(kind=kind, region_id=region, name_kk=name, name_ru=name, name_en=name)

    return make


@pytest.fixture
def make_user(db, make_agency):
    def make(*roles, agency=None, username=None, mfa=True, must_change_password=False, language="en"):
        agency = agency or make_agency()
        username = username or f"{'-'.join(roles) or 'user'}-{User.objects.count() + 1}"
        user = User.objects.create(
            username=username,
            agency=agency,
            must_change_password=must_change_password,
            language=language,
            first_name="Test",
            last_name=username,
        )
        user.set_password(PASSWORD)
        user.save()
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
        if mfa:
            TOTPDevice.objects.create(user=user, name="test", key=totp_key_for(username), confirmed=True)
        return user

    return make


@pytest.fixture
def login_client(client):
    """A Django test client signed in as the user, with the second factor verified."""

    def sign_in(user, c=None):
        c = c or client
        c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = c.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
        session.save()
        return c

    return sign_in


@pytest.fixture
def api_client():
    """A DRF client authenticated with a fresh Bearer token of the user."""
    from qorgau.accounts.services import token_create

    def make(user=None):
        c = APIClient(HTTP_ACCEPT_LANGUAGE="en")  # English unless a test asks otherwise
        if user is not None:
            _, secret = token_create(actor=user, name="test")
            c.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return c

    return make


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="PostgreSQL test: TEST_DATABASE_URL is not set")
    for item in items:
        if ("postgres" in item.keywords or "/tests/postgres/" in str(item.path)) and not on_postgres:
            item.add_marker(skip_pg)


@pytest.fixture
def open_case():
    """Open a case through the service, as a caseworker would at intake."""
    from tests.helpers import CASE_FIELDS, incident_data, survivor_data

    from qorgau.cases.services import case_open

    def make(
        actor,
        *,
        survivor=None,
        incident=None,
        consents=(),
        account="Ол үйде ұрды. Он hit me at home.",
        perpetrator=("current_partner", {"family_name": "Жандосов", "given_name": "Ерлан", "sex": "M"}),
    ):
        case, _warnings = case_open(
            actor=actor,
            survivor=survivor_data(**(survivor or {})),
            case_fields=dict(CASE_FIELDS),
            incident=incident_data(**(incident or {})),
            perpetrator=perpetrator,
            account=account,
            consents=list(consents),
        )
        return case

    return make
