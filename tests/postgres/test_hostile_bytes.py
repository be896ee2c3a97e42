"""On PostgreSQL a NUL in a filter used to reach a query and end as a 500 ("A string literal cannot
contain NUL characters"): the shapes of issue 18, on the reference database."""

import json

import pytest
from tests.api.test_hostile_bytes import HOSTILE, assert_refused, post_raw
from tests.cases.test_case_api import body

from qorgau.accounts.roles import Role
from qorgau.cases.models import Case

pytestmark = pytest.mark.postgres


@pytest.fixture
def worker(make_user):
    return make_user(Role.CASEWORKER)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/events/?status=%00",
        "/api/v1/cases/?status=%00",
        "/api/v1/agencies/?kind=%00",
        "/api/v1/directory/?q=%00",
    ],
)
def test_nul_in_api_filters(api_client, worker, url):
    assert_refused(api_client(worker).get(url))


def test_nul_in_the_case_search_and_the_public_check(client, login_client, worker):
    assert client.get("/verify/%00").status_code == 400
    login_client(worker)
    response = client.post("/cases/", {"q": "\x00"})
    assert response.status_code == 400 and HOSTILE in response.content.decode()


def test_surrogate_in_an_encrypted_field(api_client, worker):
    data = body()
    data["survivor"]["given_name"] = "A\ud800B"
    assert_refused(post_raw(api_client(worker), "/api/v1/cases/", json.dumps(data)))
    assert Case.objects.count() == 0
