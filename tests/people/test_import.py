"""`qorgau people import`: an agency's old register loaded into its persons through the matching.
Each record is linked to a survivor the agency holds, or becomes a case imported from the
register (no consent, not a new report, no intake workflows); a dry run unless --commit; the
whole file refused on any bad row; only the agency's own persons are looked at."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from tests.helpers import SURVIVOR_IIN, incident_data

from qorgau.accounts.roles import Role
from qorgau.cases import policies as case_policies
from qorgau.cases import services as case_services
from qorgau.cases.models import Case, Consent
from qorgau.core.audit import AuditEvent
from qorgau.core.iin import make_iin
from qorgau.notifications.models import Notification
from qorgau.people import matching, selectors
from qorgau.people.models import Person, PersonIndex, PersonRegisterRef
from qorgau.people.policies import can_import_register

HEADER = "record_id,given_name,surname,patronymic,birth_date,sex,iin,phone,region_code\n"
# Her, as the agency's old register typed her in passport Latin (the case has her in Kazakh).
HER = f"r1,AIGUL,ZHANDOSOVA,KAIRATKYZY,1990-01-01,F,{SURVIVOR_IIN},77000000101,71\n"
NEW_IIN = make_iin(date(1987, 4, 9), "F", 311)
NEW = f"r2,Гүлнар,Серікова,Асқарқызы,1987-04-09,F,{NEW_IIN},77000000311,75\n"
STATISTICS = {"purpose": "statistics", "method": "written", "given_by": "survivor"}


@pytest.fixture
def centre(make_agency):
    return make_agency(name="Centre I")


@pytest.fixture
def supervisor(make_user, centre):
    return make_user(Role.SUPERVISOR, agency=centre, username="i.supervisor")


@pytest.fixture
def worker(make_user, centre):
    return make_user(Role.CASEWORKER, agency=centre, username="i.worker")


def write(tmp_path, text, name="register.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return str(path)


def run(tmp_path, agency, text, *extra, out=True):
    """The command's stdout and the rows of its --out file."""
    stdout = io.StringIO()
    target = tmp_path / "links.csv"
    args = ["people", "import", write(tmp_path, text), "--agency", str(agency.pk), *extra]
    call_command(*args, *(["--out", str(target)] if out else []), stdout=stdout, stderr=io.StringIO())
    rows = []
    if out:
        with open(target, newline="", encoding="utf-8") as stream:
            rows = list(csv.DictReader(stream))
    return stdout.getvalue(), rows


def commit(tmp_path, agency, text, actor, *extra):
    return run(tmp_path, agency, text, "--commit", "--actor", actor.username, *extra)


def state() -> tuple:
    """Everything an import could write."""
    return (
        Case.objects.count(),
        Person.objects.count(),
        PersonIndex.objects.count(),
        PersonRegisterRef.objects.count(),
        AuditEvent.objects.count(),
        Consent.objects.count(),
    )


# --- Linked and new --------------------------------------------------------------------------------


def test_a_record_links_to_her_survivor_across_scripts(tmp_path, centre, supervisor, worker, open_case):
    case = open_case(worker)
    her = case.people.get(role="survivor")
    output, rows = commit(tmp_path, centre, HEADER + HER, supervisor)
    assert rows == [
        {
            "record_id": "r1",
            "person_id": str(her.pk),
            "probability": rows[0]["probability"],
            "outcome": "linked",
        }
    ]
    assert float(rows[0]["probability"]) > 0.9
    assert "linked: 1, new: 0" in output
    ref = PersonRegisterRef.objects.get()
    assert (ref.person, ref.agency, ref.record_id, ref.outcome) == (her, centre, "r1", "linked")
    assert Case.objects.count() == 1  # no second case for her
    event = AuditEvent.objects.get(action="person.register_link")
    assert (event.case_id, event.actor_username) == (case.pk, supervisor.username)


def test_a_new_record_opens_an_imported_case_sealed_and_indexed(tmp_path, centre, supervisor, worker):
    _output, rows = commit(tmp_path, centre, HEADER + NEW, supervisor)
    assert [r["outcome"] for r in rows] == ["new"]
    person = Person.objects.get(pk=rows[0]["person_id"])
    case = person.case
    assert (case.holding_agency, case.origin, case.assigned_to, person.role) == (
        centre,
        Case.Origin.REGISTER,
        None,
        "survivor",
    )
    assert (person.family_name, person.iin, person.phones, person.region_id) == (
        "Серікова",
        NEW_IIN,
        ["+77000000311"],
        "75",
    )
    assert not case.consents.exists() and not case.incidents.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT family_name, iin FROM people_person WHERE id = %s", [person.pk.hex])
        stored = cursor.fetchone()
    assert NEW_IIN not in str(stored) and "Серікова" not in str(stored)
    assert {"iin", "phone", "birth", "name"} <= set(person.index_entries.values_list("kind", flat=True))
    assert AuditEvent.objects.filter(
        action="case.open", case_id=case.pk, actor_username="i.supervisor"
    ).exists()
    assert case.events.filter(kind="case_imported").exists()
    # A later intake at the agency finds her through the blind indexes.
    query = matching.Record(given_name="Gulnar", surname="Serikova", birth_date=date(1987, 4, 9), sex="F")
    found = selectors.candidate_search(actor=worker, query=query, purpose="intake", draft_id=_draft(worker))
    assert [c.person.pk for c in found if c.person] == [person.pk]


def _draft(user):
    from qorgau.cases.models import IntakeDraft

    return IntakeDraft.objects.create(owner=user, agency=user.agency).pk


def test_a_dry_run_writes_nothing(tmp_path, centre, supervisor, worker, open_case):
    open_case(worker)
    before = state()
    output, rows = run(tmp_path, centre, HEADER + HER + NEW)
    assert [r["outcome"] for r in rows] == ["linked", "new"] and rows[1]["person_id"] == ""
    assert "Dry run" in output
    assert state() == before
    # With an actor, a dry run still writes nothing.
    run(tmp_path, centre, HEADER + HER + NEW, "--actor", supervisor.username)
    assert state() == before


def test_rerunning_the_same_file_is_idempotent(tmp_path, centre, supervisor, worker, open_case):
    open_case(worker)
    _output, first = commit(tmp_path, centre, HEADER + HER + NEW, supervisor)
    before = state()
    output, again = commit(tmp_path, centre, HEADER + HER + NEW, supervisor)
    assert [r["outcome"] for r in again] == ["already", "already"]
    assert [r["person_id"] for r in again] == [r["person_id"] for r in first]
    assert "already imported: 2" in output
    assert state()[:4] == before[:4]  # only the import's own audit event is added


def test_two_records_of_her_link_one_and_the_other_is_new(tmp_path, centre, supervisor, worker, open_case):
    """No two records onto one person: the better one links; the other is her register's own
    duplicate, created and left for the duplicate review."""
    open_case(worker)
    typo = "r9,AIGUL,ZHANDOSOVA,,1990-01-01,F,,,71\n"
    _output, rows = run(tmp_path, centre, HEADER + typo + HER)
    assert {r["record_id"]: r["outcome"] for r in rows} == {"r9": "new", "r1": "linked"}


def test_a_record_links_to_one_person_only(tmp_path, centre, supervisor, worker, open_case):
    """No record onto two: the agency holds her twice (two cases), one record links to one."""
    first = open_case(worker)
    second = open_case(worker)
    _output, rows = commit(tmp_path, centre, HEADER + HER, supervisor)
    assert [r["outcome"] for r in rows] == ["linked"]
    survivors = {str(c.people.get(role="survivor").pk) for c in (first, second)}
    assert rows[0]["person_id"] in survivors
    assert PersonRegisterRef.objects.count() == 1


def test_persons_of_other_agencies_are_never_matched_or_named(
    tmp_path, centre, supervisor, make_user, make_agency, open_case
):
    elsewhere = open_case(make_user(Role.CASEWORKER, agency=make_agency(name="Elsewhere")))
    other = str(elsewhere.people.get(role="survivor").pk)
    output, rows = run(tmp_path, centre, HEADER + HER)
    assert [r["outcome"] for r in rows] == ["new"] and other not in output + str(rows)


# --- Bad input: a message naming the line, nothing written ------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("record_id,given_name,surname\n" + HER, "line 1: the header must be exactly"),
        ((HEADER + HER).encode() + b"r3,\xff\xfe,X,,,,,,\n", "line 3: not UTF-8 text"),
        (HEADER + HER + "r3,Дана,Сейтова\n", "line 3: 3 columns, 9 expected"),
        (HEADER + "r3,Дана,Сейтова,,03.11.1990,F,,,\n", "line 2: birth_date 03.11.1990 is not a date"),
    ],
)
def test_a_bad_file_names_the_line_and_writes_nothing(
    tmp_path, centre, supervisor, worker, open_case, text, message
):
    open_case(worker)
    before = state()
    with pytest.raises(CommandError, match=message):
        commit(tmp_path, centre, text, supervisor)
    assert state() == before


def test_an_iin_whose_check_digit_fails_refuses_the_whole_file(tmp_path, centre, supervisor):
    broken = SURVIVOR_IIN[:-1] + str((int(SURVIVOR_IIN[-1]) + 1) % 10)
    text = HEADER + NEW + f"r5,Дана,Сейтова,,,F,{broken},,\n"
    _output, rows = run(tmp_path, centre, text)  # the dry run reports it
    assert [r["outcome"] for r in rows] == ["new", "invalid"]
    before = state()
    with pytest.raises(CommandError, match=r"Nothing was imported(.|\n)*register.csv, line 3: iin"):
        commit(tmp_path, centre, text, supervisor)
    assert state() == before  # not even the valid row r2


def test_a_failure_halfway_writes_nothing(tmp_path, centre, supervisor, worker, open_case, monkeypatch):
    """One transaction: a write that fails on the last row takes the earlier rows back with it."""
    from qorgau.cases import services

    open_case(worker)
    real, calls = services.case_open, []

    def failing_second(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return real(**kwargs)

    monkeypatch.setattr(services, "case_open", failing_second)
    other = "r3,Дана,Сейтова,,1994-07-02,F,,,71\n"
    before = state()
    with pytest.raises(RuntimeError):
        commit(tmp_path, centre, HEADER + HER + NEW + other, supervisor)
    assert len(calls) == 2 and state() == before


def test_an_unknown_region_code_is_an_invalid_row(tmp_path, centre, supervisor):
    _output, rows = run(tmp_path, centre, HEADER + NEW.replace(",75\n", ",99\n"))
    assert [r["outcome"] for r in rows] == ["invalid"]


def test_unknown_agency_and_actors_are_refused(tmp_path, centre, supervisor, worker, make_user, make_agency):
    before = state()
    path = write(tmp_path, HEADER + NEW)
    with pytest.raises(CommandError, match="No agency with the id 999999"):
        call_command("people", "import", path, "--agency", "999999")
    with pytest.raises(CommandError, match="--commit needs --actor"):
        call_command("people", "import", path, "--agency", str(centre.pk), "--commit")
    with pytest.raises(CommandError, match="No user with the username nobody"):
        call_command("people", "import", path, "--agency", str(centre.pk), "--commit", "--actor", "nobody")
    outsider = make_user(Role.SUPERVISOR, agency=make_agency(name="Other"), username="o.supervisor")
    for actor in (outsider, worker):  # a supervisor of another agency; a caseworker of this one
        with pytest.raises(CommandError, match="may not load a register"):
            commit(tmp_path, centre, HEADER + NEW, actor)
    assert state() == before


def test_the_policy_allows_only_the_agencys_supervisors(centre, supervisor, worker, make_user, make_agency):
    admin = make_user(Role.AGENCY_ADMIN, agency=centre)
    other = make_user(Role.SUPERVISOR, agency=make_agency())
    assert can_import_register(supervisor, centre)
    assert not any(can_import_register(u, centre) for u in (worker, admin, other, None))
    supervisor.is_active = False
    assert not can_import_register(supervisor, centre)


# --- How an imported case stands ---------------------------------------------------------------------


@pytest.fixture
def imported(tmp_path, centre, supervisor):
    _output, rows = commit(tmp_path, centre, HEADER + NEW, supervisor)
    return Person.objects.get(pk=rows[0]["person_id"]).case


def test_nothing_is_shared_without_her_consent(imported, supervisor, make_user, make_agency):
    from qorgau.accounts.models import Agency
    from qorgau.directory.models import ServiceType
    from qorgau.referrals.services import referral_send

    police = make_agency(Agency.Kind.POLICE, name="Police I")
    with pytest.raises(ValidationError, match="not agreed to be referred"):
        referral_send(
            actor=supervisor,
            case=imported,
            service=ServiceType.objects.get(pk="police_report"),
            to_agency=police,
        )
    officer = make_user(Role.POLICE_OFFICER, agency=police)
    assert not case_policies.case_access(officer, imported).can_view
    query = matching.Record(given_name="Гүлнар", surname="Серікова", birth_date=date(1987, 4, 9), iin=NEW_IIN)
    found = selectors.candidate_search(actor=officer, query=query, purpose="referral")
    assert len(found) == 1 and found[0].case is None and found[0].person is None  # "known to another agency"


def test_an_imported_case_is_not_a_new_report_in_the_statistics(imported, supervisor):
    from qorgau.stats.refresh import rebuild

    # She comes back and agrees to the statistics; the agency types in an incident from its old
    # file (reported last year) and records the new one she reports today.
    case_services.consent_record(actor=supervisor, case=imported, data=STATISTICS)
    today = timezone.localdate()
    old = incident_data(occurred_on=today - timedelta(days=400), reported_on=today - timedelta(days=399))
    case_services.incident_add(actor=supervisor, case=imported, fields=old)
    assert rebuild().incidents_counted == 0
    case_services.incident_add(actor=supervisor, case=imported, fields=incident_data())
    assert rebuild().incidents_counted == 1


def test_an_imported_case_starts_no_intake_workflow(tmp_path, centre, supervisor, worker):
    from qorgau.referrals.selectors import due_work
    from qorgau.risk.selectors import reassessment_list_due

    notified = Notification.objects.count()
    commit(tmp_path, centre, HEADER + NEW, supervisor)
    case = Case.objects.get(origin=Case.Origin.REGISTER)
    assert Notification.objects.count() == notified
    assert reassessment_list_due(actor=supervisor)[1] == 0  # not "an open case not assessed"
    assert case.assigned_to is None and not due_work(actor=supervisor)["ratings_due"]
    # Once she reports a new incident, her case is an intake like any other.
    case_services.incident_add(actor=supervisor, case=case, fields=incident_data())
    assert reassessment_list_due(actor=supervisor)[1] == 1


def test_anonymising_an_imported_case_forgets_her_register_record(imported, supervisor):
    from qorgau.lifecycle.models import AnonymisedCase
    from qorgau.lifecycle.retention import case_anonymise

    assert PersonRegisterRef.objects.filter(person__case=imported).exists()
    case_anonymise(case_id=imported.pk, reason=AnonymisedCase.Reason.RETENTION, actor=supervisor)
    assert not PersonRegisterRef.objects.filter(person__case=imported).exists()


# --- Progress and speed ----------------------------------------------------------------------------


def test_the_command_shows_its_progress_on_stderr_and_its_speed(
    tmp_path, centre, supervisor, worker, open_case
):
    open_case(worker)
    stdout, stderr = io.StringIO(), io.StringIO()
    path = write(tmp_path, HEADER + HER + NEW)
    call_command(
        "people", "import", path, "--agency", str(centre.pk), "--commit", "--actor", supervisor.username,
        stdout=stdout, stderr=stderr,
    )  # fmt: skip
    bars = stderr.getvalue()
    assert "matching" in bars and "2/2" in bars  # every row of the file, then the two written
    assert "writing" in bars
    assert "records a second" in stdout.getvalue()
    quiet = io.StringIO()
    call_command(
        "people",
        "import",
        path,
        "--agency",
        str(centre.pk),
        "--no-progress",
        stdout=io.StringIO(),
        stderr=quiet,
    )
    assert quiet.getvalue() == ""


def test_the_service_reports_each_stage_to_whoever_listens(tmp_path, centre, supervisor, worker, open_case):
    from qorgau.people import linkage
    from qorgau.people.services import register_import

    open_case(worker)
    heard: dict = {}

    def progress(stage, total):
        heard[stage] = [total, 0]
        return lambda n: heard[stage].__setitem__(1, heard[stage][1] + n)

    entries = linkage.read_register(write(tmp_path, HEADER + HER + NEW))
    register_import(agency=centre, entries=entries, actor=supervisor, commit=True, progress=progress)
    assert heard == {"matching": [2, 2], "writing": [2, 2]}  # one linked, one new


def test_the_supervisors_caseload_leaves_imported_records_out_and_counts_them_apart(
    tmp_path, centre, supervisor, worker, open_case, login_client
):
    open_case(worker)
    commit(tmp_path, centre, HEADER + NEW, supervisor)  # one more case, imported
    html = login_client(supervisor).get("/dashboard/").content.decode()
    panel = html.split('id="sup-h"', 1)[1].split("</section>", 1)[0]
    assert "Open: <strong>1</strong>" in panel, panel  # her intake, not the register's record
    assert "And 1 record imported from the agency's earlier register (nobody's caseload)." in panel


def test_the_api_says_where_a_case_came_from(tmp_path, centre, supervisor, worker, open_case, api_client):
    intake = open_case(worker)
    _output, rows = commit(tmp_path, centre, HEADER + NEW, supervisor)
    imported = Person.objects.get(pk=rows[0]["person_id"]).case
    api = api_client(supervisor)
    listed = {row["id"]: row["origin"] for row in api.get("/api/v1/cases/").json()}
    assert listed == {str(intake.pk): "intake", str(imported.pk): "register"}
    assert api.get(f"/api/v1/cases/{imported.pk}/").json()["origin"] == "register"
