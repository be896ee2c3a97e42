"""Duplicate review: supervisors decide, nothing merges by itself, every decision is audited and
can be undone, and "not the same person" keeps the pair from coming back."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from tests.helpers import survivor

from qorgau.accounts.roles import Role
from qorgau.core.audit import AuditEvent
from qorgau.people import selectors, services
from qorgau.people.duplicates import find_duplicates
from qorgau.people.models import PairDecision
from qorgau.stats.identity import same_survivor_groups

LATIN = {
    "family_name": "ZHANDOSOVA",
    "given_name": "AIGUL",
    "patronymic": "",
    "other_names": [],
    "phones": [],
}


def test_supervisor_sees_the_pair_side_by_side_and_relatives_are_not_proposed(
    team, open_case, client, login_client
):
    worker, supervisor = team
    first, second = open_case(worker), open_case(worker, survivor=LATIN)
    open_case(
        worker, survivor={"given_name": "Дана", "iin": "", "birth_date": date(1994, 7, 2), "other_names": []}
    )
    find_duplicates()  # the nightly search, which the page reads
    login_client(supervisor)
    page = client.get("/people/duplicates/").content.decode()
    assert first.number in page and second.number in page and "ZHANDOSOVA" in page and "Жандосова" in page
    assert "same IIN" in page and "Дана" not in page
    assert not PairDecision.objects.exists()  # listing never merges
    assert AuditEvent.objects.filter(action="person.duplicate_review", case_id=first.pk).exists()


def test_caseworkers_have_no_review(team, client, login_client):
    login_client(team[0])
    assert client.get("/people/duplicates/").status_code == 403


def test_merge_is_audited_joins_the_statistics_and_can_be_undone_after_edits(
    team, open_case, client, login_client
):
    worker, supervisor = team
    a = survivor(open_case(worker, survivor={"iin": "", "phones": [], "birth_date": date(1990, 3, 11)}))
    b = survivor(open_case(worker, survivor={**LATIN, "iin": "", "birth_date": date(1990, 11, 3)}))
    login_client(supervisor)
    response = client.post(
        "/people/duplicates/decide/", {"person_a": a.pk, "person_b": b.pk, "verdict": "same"}
    )
    assert response.status_code == 302
    decision = PairDecision.objects.get()
    assert decision.verdict == "same" and decision.decided_by == supervisor
    assert set(AuditEvent.objects.filter(action="person.merge").values_list("case_id", flat=True)) == {
        a.case_id,
        b.case_id,
    }
    groups = same_survivor_groups([a.pk, b.pk])
    assert groups[a.pk] == groups[b.pk]
    assert selectors.duplicate_pair_list(actor=supervisor) == []  # decided: not proposed again
    # Someone edits one record afterwards; the unmerge keeps the edit and both records.
    services.person_apply(
        b, {"given_name": "Aigul", "family_name": "Zhandosova", "birth_date": date(1990, 11, 3)}
    )
    client.post(f"/people/duplicates/{decision.pk}/undo/", {"version": "1"})
    decision.refresh_from_db()
    assert decision.undone_by == supervisor and decision.undone_at
    b.refresh_from_db()
    assert b.given_name == "Aigul" and a.case.people.filter(pk=a.pk).exists()
    assert AuditEvent.objects.filter(action="person.unmerge", case_id=b.case_id).exists()
    # An undo with a stale version is refused.
    services.pair_decide(actor=supervisor, person_a_id=a.pk, person_b_id=b.pk, verdict="same")
    again = PairDecision.objects.get(undone_at__isnull=True)
    client.post(f"/people/duplicates/{again.pk}/undo/", {"version": "7"})
    again.refresh_from_db()
    assert again.undone_at is None


def test_not_the_same_person_is_remembered(team, open_case):
    worker, supervisor = team
    a, b = survivor(open_case(worker)), survivor(open_case(worker, survivor=LATIN))
    find_duplicates()
    [pair] = selectors.duplicate_pair_list(actor=supervisor)
    assert {pair.a.pk, pair.b.pk} == {a.pk, b.pk}
    services.pair_decide(actor=supervisor, person_a_id=b.pk, person_b_id=a.pk, verdict="different")
    assert selectors.duplicate_pair_list(actor=supervisor) == []
    groups = same_survivor_groups([a.pk, b.pk])
    assert groups[a.pk] != groups[b.pk]
    find_duplicates()
    assert selectors.duplicate_pair_list(actor=supervisor) == []


def test_merging_a_record_of_another_agency_is_refused(team, make_user, open_case):
    worker, supervisor = team
    mine = survivor(open_case(worker))
    theirs = survivor(open_case(make_user(Role.CASEWORKER), survivor=LATIN))
    with pytest.raises(PermissionDenied):
        services.pair_decide(actor=supervisor, person_a_id=mine.pk, person_b_id=theirs.pk, verdict="same")
    assert not PairDecision.objects.exists()


def test_a_bad_verdict_or_the_same_record_twice_is_a_message(team, open_case, client, login_client):
    worker, supervisor = team
    a = survivor(open_case(worker))
    login_client(supervisor)
    for data in (
        {"person_a": a.pk, "person_b": a.pk, "verdict": "same"},
        {"person_a": a.pk, "person_b": a.pk, "verdict": "maybe"},
    ):
        response = client.post("/people/duplicates/decide/", data, follow=True)
        assert response.status_code == 200
    response = client.post(
        "/people/duplicates/decide/", {"person_a": "nonsense", "person_b": a.pk, "verdict": "same"}
    )
    assert response.status_code == 404
    assert not PairDecision.objects.exists()
