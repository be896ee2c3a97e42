import pytest
from django.utils import translation

from qorgau.accounts.roles import Role


@pytest.fixture(autouse=True)
def _english():
    """Reasons and file errors are read in English here (the catalogues are compiled in CI)."""
    with translation.override("en"):
        yield


@pytest.fixture
def team(make_user):
    """A caseworker and the supervisor of her agency (the duplicate review's two sides)."""
    worker = make_user(Role.CASEWORKER)
    supervisor = make_user(Role.SUPERVISOR, agency=worker.agency)
    return worker, supervisor
