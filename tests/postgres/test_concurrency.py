"""Two people save the same case at the same moment: one wins, the other is told, nothing is lost.

Runs on PostgreSQL with two real connections; the audit chain stays intact under concurrent appends.
"""

import threading

import pytest
from django.db import close_old_connections, connection

from qorgau.accounts.roles import Role
from qorgau.cases import services
from qorgau.cases.models import Case
from qorgau.core.audit import audit_record, audit_verify
from qorgau.core.errors import Conflict

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


def test_concurrent_edits_one_wins_one_gets_a_conflict(make_user, open_case):
    worker = make_user(Role.CASEWORKER)
    colleague = make_user(Role.SUPERVISOR, agency=worker.agency)
    case = open_case(worker)

    def edit(actor, priority):
        return lambda: services.case_update(
            actor=actor, case=Case.objects.get(pk=case.pk), expected_version=1, changes={"priority": priority}
        )

    results = run_together(edit(worker, "urgent"), edit(colleague, "low"))
    conflicts = [r for r in results if isinstance(r, Conflict)]
    saved = [r for r in results if isinstance(r, Case)]
    assert len(conflicts) == 1 and len(saved) == 1, results
    case.refresh_from_db()
    assert case.version == 2 and case.priority == saved[0].priority


def test_concurrent_audit_appends_keep_the_chain(make_user):
    actor = make_user(Role.CASEWORKER)

    def burst():
        for _ in range(25):
            audit_record(actor=actor, action="case.view", object_type="cases.case", object_id="x")
        return True

    assert run_together(burst, burst, burst, burst) == [True] * 4
    result = audit_verify()
    assert result.ok and result.checked >= 100


def test_concurrent_case_numbers_are_unique(make_user):
    worker = make_user(Role.CASEWORKER)
    from tests.helpers import CASE_FIELDS, survivor_data

    def open_one():
        return services.case_open(
            actor=worker, survivor=survivor_data(iin="", phones=[]), case_fields=dict(CASE_FIELDS)
        )[0].number

    numbers = run_together(*[open_one] * 4)
    assert all(isinstance(n, str) for n in numbers), numbers
    assert len(set(numbers)) == 4
