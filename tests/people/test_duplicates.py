"""The country-wide duplicate search (people.duplicates): it finds her typed in another script,
never proposes relatives, remembers "not the same person" across runs, stores only candidates
(never a merge), and each supervisor sees the pairs of her own agency's cases only."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from tests.helpers import survivor

from qorgau.accounts.roles import Role
from qorgau.core.audit import AuditEvent
from qorgau.core.iin import make_iin
from qorgau.people import linkage, selectors, services
from qorgau.people.duplicates import find_duplicates
from qorgau.people.models import DuplicateCandidate, DuplicateRun, PairDecision
from qorgau.people.tasks import search_duplicates

# The same woman as tests.helpers' survivor, typed from her passport by a colleague: Latin, no
# IIN, no phone; only the names (across scripts) and the birth date say it is her.
LATIN = {"family_name": "ZHANDOSOVA", "given_name": "AIGUL", "patronymic": "", "other_names": [], "iin": "", "phones": []}  # fmt: skip


def stored_pairs() -> set:
    return {frozenset(p) for p in DuplicateCandidate.objects.values_list("person_a_id", "person_b_id")}


def test_the_search_finds_her_across_scripts_and_shows_why_in_her_language(team, open_case):
    worker, supervisor = team
    a, b = survivor(open_case(worker)), survivor(open_case(worker, survivor=LATIN))
    summary = find_duplicates()
    assert summary.pairs_compared == 1 and summary.pairs_stored == 1
    [stored] = DuplicateCandidate.objects.all()
    assert (stored.person_a_id, stored.person_b_id) == tuple(sorted((a.pk, b.pk), key=str))
    assert "birth_date:exact" in stored.reasons  # codes, not words of one language
    assert stored.probability >= 0.5 and not PairDecision.objects.exists()  # found, never merged
    [pair] = selectors.duplicate_pair_list(actor=supervisor)
    assert "same birth date" in pair.reasons
    with translation.override("ru"):
        [pair] = selectors.duplicate_pair_list(actor=supervisor)
    assert "same birth date" not in pair.reasons and any("рождения" in r for r in pair.reasons)
    assert AuditEvent.objects.filter(action="person.duplicate_search").count() == 1


def test_sisters_and_a_mother_with_her_daughter_are_compared_but_never_proposed(team, open_case):
    """They share the surname, the patronymic, the phone and the address of one household."""
    worker, supervisor = team
    open_case(worker)
    sister = {"given_name": "Дана", "other_names": [], "birth_date": date(1994, 7, 2)}
    open_case(worker, survivor={**sister, "iin": make_iin(date(1994, 7, 2), "F", 1)})
    open_case(worker, survivor={**sister, "given_name": "Әсел", "iin": "", "birth_date": date(1996, 2, 9)})
    open_case(worker, survivor={**sister, "given_name": "Гүлнар", "iin": "", "birth_date": date(1966, 5, 3)})
    summary = find_duplicates()
    assert summary.pairs_compared == 6  # all four share the phone: every pair was looked at
    assert summary.pairs_stored == 0 and not DuplicateCandidate.objects.exists()
    assert selectors.duplicate_pair_list(actor=supervisor) == []
    assert not PairDecision.objects.exists()


def test_a_pair_decided_not_the_same_does_not_come_back_and_returns_when_undone(team, open_case):
    worker, supervisor = team
    a, b = survivor(open_case(worker)), survivor(open_case(worker, survivor=LATIN))
    find_duplicates()
    decision = services.pair_decide(actor=supervisor, person_a_id=b.pk, person_b_id=a.pk, verdict="different")
    assert selectors.duplicate_pair_list(actor=supervisor) == []  # decided since the run
    summary = find_duplicates()
    assert summary.pairs_compared == 0 and not DuplicateCandidate.objects.exists()
    assert selectors.duplicate_pair_list(actor=supervisor) == []
    services.pair_decision_undo(actor=supervisor, decision_id=decision.pk, expected_version=1)
    find_duplicates()
    assert stored_pairs() == {frozenset((a.pk, b.pk))}
    assert DuplicateRun.objects.count() == 3  # each run replaced the previous run's candidates


def test_another_agencys_supervisor_does_not_see_the_pair(team, make_user, open_case, client, login_client):
    worker, supervisor = team
    open_case(worker), open_case(worker, survivor=LATIN)
    elsewhere = make_user(Role.CASEWORKER)
    their_supervisor = make_user(Role.SUPERVISOR, agency=elsewhere.agency)
    # Her, known to both agencies: a pair for nobody's review (each sees one record only).
    open_case(elsewhere, survivor={**LATIN, "given_name": "Aigul", "birth_date": date(1990, 1, 1)})
    find_duplicates()
    assert len(stored_pairs()) == 3
    assert len(selectors.duplicate_pair_list(actor=supervisor)) == 1
    assert selectors.duplicate_pair_list(actor=their_supervisor) == []
    login_client(their_supervisor)
    page = client.get("/people/duplicates/").content.decode()
    assert "ZHANDOSOVA" not in page and "Жандосова" not in page and "No possible duplicates" in page


def test_the_page_says_when_the_search_ran_and_plainly_when_it_has_not(team, open_case, client, login_client):
    worker, supervisor = team
    open_case(worker), open_case(worker, survivor=LATIN)
    login_client(supervisor)
    page = client.get("/people/duplicates/").content.decode()
    assert "has not run yet" in page and "ZHANDOSOVA" not in page and "No possible duplicates" not in page
    find_duplicates()
    page = client.get("/people/duplicates/").content.decode()
    assert "has not run yet" not in page and "found by the duplicate search of" in page
    assert "ZHANDOSOVA" in page and "same birth date" in page


def test_on_every_core_the_same_pairs_are_found(team, open_case, monkeypatch):
    worker, _supervisor = team
    open_case(worker), open_case(worker, survivor=LATIN)
    open_case(
        worker, survivor={"given_name": "Дана", "other_names": [], "birth_date": date(1994, 7, 2), "iin": ""}
    )

    def stored():
        return list(DuplicateCandidate.objects.values_list("person_a", "person_b", "probability", "reasons"))

    find_duplicates(processes=1)
    alone = {(a, b, round(p, 9), tuple(r)) for a, b, p, r in stored()}
    monkeypatch.setattr(linkage, "PARALLEL_FROM", 0)  # fork the pool even for these few
    find_duplicates(processes=2)
    pooled = {(a, b, round(p, 9), tuple(r)) for a, b, p, r in stored()}
    assert pooled == alone and len(alone) == 1


def test_the_command_shows_progress_and_a_summary(team, open_case):
    worker, _supervisor = team
    open_case(worker), open_case(worker, survivor=LATIN)
    out, err = io.StringIO(), io.StringIO()
    call_command("people", "duplicates", stdout=out, stderr=err)
    assert "comparing" in err.getvalue() and "1/1" in err.getvalue()
    assert "2 survivors" in out.getvalue() and "1 pairs stored for review" in out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    call_command("people", "duplicates", "--no-progress", stdout=out, stderr=err)
    assert err.getvalue() == "" and "1 pairs stored" in out.getvalue()
    assert DuplicateRun.objects.count() == 2 and DuplicateCandidate.objects.count() == 1


@pytest.mark.parametrize("arguments", [["--processes", "0"], ["--processes", "many"], ["--threshold", "1"]])
def test_bad_arguments_are_a_message_and_nothing_runs(db, arguments):
    with pytest.raises(CommandError):
        call_command("people", "duplicates", *arguments, stdout=io.StringIO(), stderr=io.StringIO())
    assert not DuplicateRun.objects.exists()


def test_the_nightly_job_runs_the_search(team, open_case):
    worker, _supervisor = team
    open_case(worker), open_case(worker, survivor=LATIN)
    assert search_duplicates.call_local() == 1
    assert DuplicateCandidate.objects.count() == 1
    assert AuditEvent.objects.filter(action="person.duplicate_search", source="job").exists()


def test_strangers_sharing_a_common_given_name_and_birth_date_are_not_proposed_at_national_size(
    team, open_case, monkeypatch
):
    """At a million persons "same given name and birth date, other surname" was 3,413 of 24,163
    stored pairs, all strangers: with the shares of names counted (as at national size, where
    the search counts them) a given name that most of these women carry says little."""
    worker, _supervisor = team
    born = date(1991, 4, 9)
    one = {"given_name": "Айгүл", "patronymic": "", "other_names": [], "iin": "", "birth_date": born}
    a = survivor(open_case(worker, survivor={**one, "family_name": "Серікова", "phones": ["+77000000141"]}))
    b = survivor(open_case(worker, survivor={**one, "family_name": "Тұрсынова", "phones": ["+77000009876"]}))
    for n, surname in enumerate(["Бекова", "Әлиева", "Нұрланова"]):  # more women called Aigul
        open_case(
            worker, survivor={**one, "family_name": surname, "phones": [], "birth_date": date(1980 + n, 2, 2)}
        )
    find_duplicates()
    assert frozenset((a.pk, b.pk)) in stored_pairs()  # the typical values: a candidate
    monkeypatch.setattr("qorgau.people.duplicates.FREQUENCIES_FROM", 0)
    find_duplicates()
    assert frozenset((a.pk, b.pk)) not in stored_pairs()
