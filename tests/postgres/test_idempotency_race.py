"""Two retries of one case POST with the same Idempotency-Key at the same moment: one case, and
both answers name it (the second waits on the key and replays the first answer)."""

import pytest
from tests.cases.test_case_api import body
from tests.postgres.test_concurrency import run_together

from qorgau.accounts.roles import Role
from qorgau.cases.models import Case

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("trial", range(2))
def test_concurrent_retries_with_one_key_open_one_case(api_client, make_user, trial):
    worker = make_user(Role.CASEWORKER)
    clients = [api_client(worker) for _ in range(4)]

    def send(c):
        return lambda: c.post("/api/v1/cases/", body(), format="json", HTTP_IDEMPOTENCY_KEY=f"retry-{trial}")

    results = run_together(*(send(c) for c in clients))
    assert all(getattr(r, "status_code", None) == 201 for r in results), results
    assert len({r.json()["id"] for r in results}) == 1
    assert Case.objects.count() == 1
