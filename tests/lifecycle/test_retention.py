"""Retention with a frozen clock: the dry run changes nothing, the run removes what identifies her
and keeps the statistics and a verifiable audit chain, an interrupted run resumes without doing
anything twice."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation
from tests.helpers import SURVIVOR_IIN, SURVIVOR_NAME, SURVIVOR_PHONE

from qorgau.cases import services
from qorgau.cases.models import Case, Note
from qorgau.cases.selectors import case_list
from qorgau.core.audit import audit_verify
from qorgau.core.models import AuditEvent
from qorgau.lifecycle import retention
from qorgau.lifecycle.models import AnonymisedCase, RetentionRun
from qorgau.people.models import Person, PersonIndex
from qorgau.stats.models import IncidentFact
from qorgau.stats.refresh import rebuild

NOW = datetime(2032, 6, 1, 9, 0, tzinfo=timezone.get_fixed_timezone(0))
STATISTICS = {"purpose": "statistics", "method": "written", "given_by": "survivor"}
NOTE = "Ол маған қоңырау шалды. Secret-retention-note"


@pytest.fixture
def worker(make_user):
    return make_user("caseworker", username="r.worker")


@pytest.fixture
def closed_case(worker, open_case):
    counter = {"n": 0}

    def make(years_ago: float, *, age=None):
        counter["n"] += 1
        n = counter["n"]
        # Each case is another woman (her own given name, phone and birth date): the identity matcher
        # would otherwise count two cases of one woman once, and an anonymised record can no
        # longer be matched (see the closing note of issue 15 on de-duplication after retention).
        survivor = (
            {
                "iin": "",
                "phones": [f"+7700000{n:04d}"],
                "given_name": ["Айгүл", "Дана", "Мөлдір", "Сәуле", "Гүлнар", "Әсел", "Жанар"][n % 7],
                "birth_date": date(1980 + n, 1 + n % 12, 10),
            }
            if n > 1
            else {}
        )
        if age is not None:
            survivor["birth_date"] = timezone.localdate() - timedelta(days=365 * age + 30)
        case = open_case(worker, consents=[STATISTICS] if age is None else [], survivor=survivor)
        services.note_add(actor=worker, case=case, section="general", body=NOTE)
        closed_at = NOW - timedelta(days=365.25 * years_ago)
        Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_at=closed_at)
        return case

    return make


def identity_values(case) -> list:
    return [
        (p.family_name, p.given_name, p.iin, p.phones, p.address) for p in Person.objects.filter(case=case)
    ]


def test_the_dry_run_reports_by_case_type_and_changes_nothing(db, closed_case, capsys, settings):
    old = closed_case(6)  # adult, past 5 years
    closed_case(4)  # adult, not yet
    closed_case(6, age=15)  # a child's case: 10 years
    before = identity_values(old)
    with time_machine.travel(NOW, tick=False):
        report = retention.retention_report()
        call_command("retention", "report")
    assert report["types"]["adult"]["cases"] == 1 and report["types"]["child"]["cases"] == 0
    assert report["types"]["adult"]["people"] == 2 and report["types"]["adult"]["index_entries"] > 0
    assert "adult: 1 cases" in capsys.readouterr().out
    assert identity_values(old) == before and not AnonymisedCase.objects.exists()
    settings.QORGAU_RETENTION_YEARS_CHILD = 5
    with time_machine.travel(NOW, tick=False):
        assert retention.retention_report()["types"]["child"]["cases"] == 1


def test_the_run_removes_what_identifies_her_and_keeps_the_statistics(db, worker, closed_case):
    case = closed_case(6)
    kept = closed_case(4)
    counted = rebuild().incidents_counted
    with time_machine.travel(NOW, tick=False):
        call_command("retention", "run", "--no-progress")

    for person in Person.objects.filter(case=case):
        assert (person.family_name, person.given_name, person.iin, person.phones, person.address) == (
            None, None, None, None, None,
        )  # fmt: skip
        assert person.sex in {"F", "M"}  # the statistical facts stay
    assert not PersonIndex.objects.filter(case=case).exists()
    assert {n.body for n in Note.objects.filter(case=case)} == {None}  # her account and the note
    assert Case.objects.get(pk=case.pk).contact_times is None
    assert SURVIVOR_NAME[0] in [values[0] for values in identity_values(kept)]  # not yet due: untouched
    # She can no longer be found; the statistics count what they counted.
    assert case.pk not in [s.case.pk for s in case_list(actor=worker, q=SURVIVOR_IIN)]
    assert case.pk not in [s.case.pk for s in case_list(actor=worker, q=SURVIVOR_PHONE)]
    assert rebuild().incidents_counted == counted and IncidentFact.objects.count() == counted
    # The chain verifies, and nothing in it names her.
    assert audit_verify().ok
    chain = " ".join(repr(e.__dict__) for e in AuditEvent.objects.all())
    for secret in (SURVIVOR_IIN, SURVIVOR_PHONE, *SURVIVOR_NAME, "Secret-retention-note"):
        assert secret not in chain
    assert AuditEvent.objects.filter(action="case.anonymise", case_id=case.pk).count() == 1


def test_an_interrupted_run_resumes_without_doing_anything_twice(db, closed_case, monkeypatch):
    cases = [closed_case(6) for _ in range(4)]
    with time_machine.travel(NOW, tick=False):
        order = [pk for pk, _type in retention.due_cases(timezone.now())]
    failing = {"case": order[2]}  # the third in the run's order

    def crash_once(case_id):  # a crash in the middle of anonymising the third case
        if case_id == failing.get("case"):
            failing.clear()
            raise RuntimeError("power cut")
        return 0

    monkeypatch.setattr(retention, "_anonymisers", [crash_once])
    with time_machine.travel(NOW, tick=False):
        run = retention.retention_start()
        assert run.cases_total == 4
        assert retention.retention_run(run, max_cases=1) == 1  # stopped after one case
        with pytest.raises(RuntimeError):
            retention.retention_run(retention.retention_start())
    # The third case was rolled back whole: her data is still there and it is not marked.
    assert Person.objects.filter(case_id=order[2], family_name__isnull=False).exists()
    assert AnonymisedCase.objects.count() == 2

    later = NOW + timedelta(days=400)
    closed_case(6 - 400 / 365.25)  # closed 5.x years before `later` only: not due for this run
    with time_machine.travel(later, tick=False):
        resumed = retention.retention_start()
        assert resumed.pk == run.pk and resumed.as_of == NOW
        assert retention.retention_run(resumed) == 2
    resumed.refresh_from_db()
    assert resumed.finished_at and resumed.cases_done == 4
    assert AnonymisedCase.objects.count() == 4
    assert AuditEvent.objects.filter(action="case.anonymise").count() == 4
    assert not Person.objects.filter(case__in=cases, family_name__isnull=False).exists()
    assert audit_verify().ok
    with time_machine.travel(later, tick=False):  # a new run, as of the new date, finds the fifth
        fresh = retention.retention_start()
        assert fresh.pk != run.pk and fresh.cases_total == 1
    assert RetentionRun.objects.count() == 2


# Encrypted data that is not a case's: kept or purged by its own rules.
NOT_CASE_DATA = {
    "directory.agencyprofile": "an agency's public address",
    "portal.contactrequest": "purged after QORGAU_CONTACT_PURGE_DAYS",
    "cases.intakedraft": "purged after 24 hours by the worker",
    "api.idempotencykey": "the first answer to a retried write, purged after QORGAU_IDEMPOTENCY_HOURS",
}


def test_anonymisation_reaches_every_model_that_holds_encrypted_case_data():
    """A new model with identifying data must be reachable from its case (or registered with
    `register_anonymiser` and listed here), or retention would leave her data behind."""
    from django.apps import apps

    from qorgau.core.fields import EncryptedField

    reached = {part.model._meta.label_lower for part in retention.case_parts()}
    holding = {
        m._meta.label_lower
        for m in apps.get_models()
        if any(isinstance(f, EncryptedField) for f in m._meta.concrete_fields)
    }
    assert holding - reached == set(NOT_CASE_DATA)
    assert {
        "people.person",
        "cases.note",
        "referrals.planaction",
        "risk.contribution",
        "cases.case",
    } <= reached


def test_an_anonymised_case_cannot_be_reopened(db, worker, closed_case):
    case = closed_case(6)
    with time_machine.travel(NOW, tick=False):
        call_command("retention", "run", "--no-progress")
    assert AnonymisedCase.objects.filter(case=case).exists()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.case_reopen(actor=worker, case=case, reason="She came back to us")
    assert "anonymised" in str(refused.value)
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED
