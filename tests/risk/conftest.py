"""Fixtures for the risk engine's tests: instrument files written to a temporary directory."""

import copy

import pytest
import yaml
from tests.risk.helpers import VALID


@pytest.fixture
def valid_data():
    return copy.deepcopy(VALID)


@pytest.fixture
def instrument_dir(tmp_path, settings):
    """An empty instrument directory that replaces the shipped ones; returns a writer."""
    root = tmp_path / "instruments"
    root.mkdir()
    settings.QORGAU_INSTRUMENT_DIRS = [root]

    def write(data, instrument_id=None, version=None, raw=None, root_dir=root):
        instrument_id = instrument_id or (data or {}).get("id", "tiny")
        version = version or (data or {}).get("version", 1)
        path = root_dir / instrument_id / f"{version}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            raw if raw is not None else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )
        return path

    write.root = root
    return write


@pytest.fixture
def risk_world(make_user, make_agency, open_case):
    """A crisis centre holding one case, its staff, the police of the region, and a coordinator."""
    from qorgau.accounts.models import Agency
    from qorgau.accounts.roles import Role

    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre R")
    police = make_agency(Agency.Kind.POLICE, name="Police R")
    health = make_agency(Agency.Kind.HEALTH, name="Hospital R")
    worker = make_user(Role.CASEWORKER, agency=centre, username="risk.worker")
    supervisor = make_user(Role.SUPERVISOR, agency=centre, username="risk.supervisor")
    officer = make_user(Role.POLICE_OFFICER, agency=police, username="risk.officer")
    doctor = make_user(Role.HEALTH_WORKER, agency=health, username="risk.doctor")
    coordinator = make_user(Role.CONFERENCE_COORDINATOR, agency=police, username="risk.coordinator")
    case = open_case(worker)
    return {
        "centre": centre,
        "police": police,
        "health": health,
        "worker": worker,
        "supervisor": supervisor,
        "officer": officer,
        "doctor": doctor,
        "coordinator": coordinator,
        "case": case,
    }


@pytest.fixture
def api(api_client):
    """An API client of the user that reads answers in English."""

    def make(user):
        client = api_client(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make
