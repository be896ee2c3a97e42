import pytest

STATISTICS = {"purpose": "statistics", "method": "written", "given_by": "survivor"}


@pytest.fixture
def analyst(make_user, make_agency):
    from qorgau.accounts.models import Agency

    commission = make_agency(Agency.Kind.NATIONAL_COMMISSION, name="National Commission T")
    return make_user("analyst", agency=commission, username="t.analyst")


@pytest.fixture
def caseworker(make_user, make_agency):
    from qorgau.accounts.models import Agency

    return make_user(
        "caseworker", agency=make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre S"), username="s.worker"
    )
