"""Decisions under concurrency, on PostgreSQL with real connections: a decision is taken once, and
the closure decision never writes a version read before its lock (issue 17)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.cases import services
from qorgau.cases.models import AccessRequest, Case, CaseShare

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


def test_the_closure_decision_keeps_an_edit_made_while_it_waited(make_user, open_case):
    worker = make_user(Role.CASEWORKER)
    supervisor = make_user(Role.SUPERVISOR, agency=worker.agency)
    case = open_case(worker)
    closure = services.case_close_request(actor=worker, case=case, reason="needs_met")
    started = threading.Event()

    def edit_holding_the_row():
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            started.set()
            time.sleep(0.5)  # the decision arrives now and must wait for this edit
            Case.objects.filter(pk=locked.pk).update(priority="urgent", version=locked.version + 1)

    def decide():
        started.wait(5)
        return services.case_close_decide(
            actor=supervisor, case=Case.objects.get(pk=case.pk), closure_id=closure.pk, approve=True
        )

    edit, decision = run_together(edit_holding_the_row, decide)
    assert edit is None  # the edit went through
    assert not isinstance(decision, Exception), decision
    after = Case.objects.get(pk=case.pk)
    assert (after.status, after.priority, after.version) == ("closed", "urgent", case.version + 2)


def test_two_supervisors_reviewing_one_grant_give_one_review(make_user, make_agency, open_case):
    worker = make_user(Role.CASEWORKER)
    granter = make_user(Role.SUPERVISOR, agency=worker.agency)
    reviewers = [make_user(Role.SUPERVISOR, agency=worker.agency) for _ in range(2)]
    case = open_case(worker)
    share = services.emergency_grant(
        actor=granter,
        case=case,
        agency=make_agency(Agency.Kind.POLICE),
        sections=["general"],
        hours=12,
        reason="Threats to kill her tonight; police must act.",
    )
    results = run_together(
        *(
            lambda r=r: services.emergency_review(
                actor=r, case=case, share_id=share.pk, note=f"Seen by {r.pk}"
            )
            for r in reviewers
        )
    )
    assert sum(isinstance(r, CaseShare) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    assert CaseShare.objects.get(pk=share.pk).reviewed_by_id in {r.pk for r in reviewers}


def test_an_access_request_answered_twice_at_once_is_answered_once(make_user, make_agency, open_case):
    worker = make_user(Role.CASEWORKER)
    supervisors = [make_user(Role.SUPERVISOR, agency=worker.agency) for _ in range(2)]
    case = open_case(worker)
    request = AccessRequest.objects.create(
        case=case, requested_by=worker, requesting_agency=make_agency(), reason="testing the answer"
    )
    results = run_together(
        lambda: services.access_request_answer(
            actor=supervisors[0], request_id=request.pk, status="answered"
        ),
        lambda: services.access_request_answer(
            actor=supervisors[1], request_id=request.pk, status="declined"
        ),
    )
    assert sum(isinstance(r, AccessRequest) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1
