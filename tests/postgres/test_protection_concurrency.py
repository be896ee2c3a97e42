"""Two officers record the service of the same protective order at the same moment: one wins,
the other gets 409 and nothing of hers is written (PostgreSQL, two real connections)."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.protection.models import ProtectiveOrder

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*jobs):
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def runner(i, job):
        close_old_connections()
        barrier.wait()
        try:
            results[i] = job()
        except Exception as exc:  # collected for the assertions
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_officers_serve_the_same_order_one_wins_one_gets_409(
    make_user, make_agency, open_case, api_client
):
    from tests.protection.conftest import issue, share_by_referral

    centre = make_agency(Agency.Kind.CRISIS_CENTRE)
    police = make_agency(Agency.Kind.POLICE)
    worker = make_user(Role.CASEWORKER, agency=centre)
    first = make_user(Role.POLICE_OFFICER, agency=police)
    second = make_user(Role.POLICE_OFFICER, agency=police)
    case = open_case(worker)
    share_by_referral(case, police, ["legal", "safety"], worker)
    pw = {"case": case, "officer": first, "perpetrator": case.people.get(role="perpetrator")}
    order = issue(pw)
    clients = [api_client(first), api_client(second)]
    hows = ["in_person", "at_station"]

    def serve(n):
        def job():
            return clients[n].post(
                f"/api/v1/cases/{case.pk}/protective-orders/{order.pk}/steps/",
                {
                    "action": "serve",
                    "version": order.version,
                    "served_at": timezone.now().isoformat(),
                    "served_how": hows[n],
                },
                format="json",
            )

        return job

    answers = run_together(serve(0), serve(1))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409], [getattr(a, "content", a) for a in answers]
    winner = next(n for n, a in enumerate(answers) if a.status_code == 200)
    order = ProtectiveOrder.objects.get(pk=order.pk)
    assert order.version == 2 and order.served_how == hows[winner]
    assert case.events.filter(kind="protective_order_served").count() == 1
