"""Shared fixtures. Tests run with QORGAU_ENV=test (`make test` sets it)."""

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient
from tests.helpers import PASSWORD, totp_key_for

from qorgau.accounts.models import Agency, User, UserRole


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


@pytest.fixture
def client():
    """Django's test client, reading pages in English unless a test asks for another language."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def ensure_regions():
    """Transactional tests (live server, threads) empty every table between tests, data-migration
    rows included; put the regions back when they are gone."""
    from qorgau.core.models import Region
    from qorgau.core.regions import load_regions

    if not Region.objects.exists():
        load_regions(Region)


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

    def make(actor, *, survivor=None, incident=None, consents=(), account="Ол үйде ұрды. Он hit me at home.",
             perpetrator=("current_partner", {"family_name": "Жандосов", "given_name": "Ерлан", "sex": "M"})):
        case, _warnings = case_open(
            actor=actor, survivor=survivor_data(**(survivor or {})), case_fields=dict(CASE_FIELDS),
            incident=incident_data(**(incident or {})), perpetrator=perpetrator, account=account,
            consents=list(consents),
        )
        return case

    return make
