"""`qorgau people import` at register size: how fast an agency's old register goes in, and how
well the second register of the same women links to the first. Not part of `make test`.

    createdb -h 127.0.0.1 -U postgres qorgau_import_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qorgau_import_bench QORGAU_ENV=demo \\
        nice .venv/bin/python bench/identity/import_speed.py [--households 1000] [--seed 1]

Two files of the synthetic cross-script population (bench/identity/population.py): file A as the
agency typed its register (Kazakh or Russian Cyrillic), file B the same women and their families
re-typed by another office (another script, typos, swapped day and month, transposed IIN digits).
An IIN whose check digit fails, or a phone that is no number, refuses a whole file (the import's
contract), so those fields are left empty, as an office would before loading it. A's women are
first opened as the agency's own cases (`case_open`, as its intakes made them: a person keeps one
register record per agency, so B can link only to persons no register named). Then, through the
real command in this process: A into a second agency with nobody in it (every record a new case),
and B into the first, as a dry run and committed (linked to A's women, or new). Prints the seconds, records per second and
this process's CPU milliseconds per record of each step (on a busy machine the CPU figure is the
steadier one), and precision and recall of B's links against the known truth. Each run makes
its own two agencies, so the same database can be used again.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "src"), str(Path(__file__).resolve().parent)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import translation  # noqa: E402
from link_scale import write  # noqa: E402  (the CSV contract's writer)
from population import population  # noqa: E402


def loadable(rows: list[dict], folder: str) -> list[dict]:
    """The rows with the fields the import would refuse emptied (an office's clean-up)."""
    from django.core.exceptions import ValidationError

    from qorgau.core.models import Region
    from qorgau.people.linkage import read_register
    from qorgau.people.services import _register_identity

    path = Path(folder, "raw.csv")
    write(path, rows)
    regions = {r.pk: r for r in Region.objects.all()}
    columns = {"iin": "iin", "phones": "phone", "region_code": "region_code", "birth_date": "birth_date"}
    out = []
    for row, (_line, record) in zip(rows, read_register(path), strict=True):
        row = dict(row)
        try:
            _register_identity(record, regions)
        except ValidationError as exc:
            for field in exc.error_dict:
                row[columns[field]] = ""
        out.append(row)
    return out


def agency_and_supervisor(label: str):
    from qorgau.accounts.models import Agency, User, UserRole
    from qorgau.accounts.roles import Role

    agency = Agency.objects.create(
        kind=Agency.Kind.CRISIS_CENTRE, region_id="71", name_kk=label, name_ru=label, name_en=label
    )
    user = User.objects.create(
        username=f"{label}.supervisor", agency=agency, first_name="Bench", last_name=label
    )
    UserRole.objects.create(user=user, role=Role.SUPERVISOR)
    return agency, user


def run(path: Path, agency, actor=None) -> tuple[float, float, str]:
    """Wall seconds, this process's CPU seconds (PostgreSQL's own are not in it) and the summary."""
    stdout = io.StringIO()
    extra = ["--commit", "--actor", actor.username] if actor else []
    started, cpu = time.perf_counter(), time.process_time()
    call_command(
        "people", "import", str(path), "--agency", str(agency.pk), "--no-progress", *extra,
        "--out", str(path.with_suffix(".out.csv")), stdout=stdout, stderr=io.StringIO(),
    )  # fmt: skip
    return time.perf_counter() - started, time.process_time() - cpu, stdout.getvalue().splitlines()[0]


def intakes(path: Path, agency, actor) -> tuple[float, dict]:
    """A's women as the agency's own cases (as its intakes made them), without a register record:
    a person keeps one record id per agency, so file B links only to persons no register named."""
    from qorgau.cases.models import Case
    from qorgau.cases.services import case_open, survivor_of
    from qorgau.core.models import Region
    from qorgau.people.linkage import read_register
    from qorgau.people.services import _register_identity

    regions = {r.pk: r for r in Region.objects.all()}
    started, person_of = time.perf_counter(), {}
    for _line, record in read_register(path):
        case, _warnings = case_open(
            actor=actor,
            survivor=_register_identity(record, regions),
            case_fields={"entry_point": Case.EntryPoint.OTHER},
            origin=Case.Origin.REGISTER,
        )
        person_of[str(survivor_of(case).pk)] = str(record.key)
    return time.perf_counter() - started, person_of


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    translation.activate("en")
    call_command("migrate", verbosity=0, interactive=False)
    a_rows, b_rows, truth = population(args.seed, args.households)
    agency, supervisor = agency_and_supervisor(f"Import bench {time.time_ns()}")
    with tempfile.TemporaryDirectory() as folder:
        a_rows, b_rows = loadable(a_rows, folder), loadable(b_rows, folder)
        a, b = Path(folder, "a.csv"), Path(folder, "b.csv")
        write(a, a_rows)
        write(b, b_rows)
        seconds, person_of_a = intakes(a, agency, supervisor)
        print(f"A as the agency's cases (case_open): {len(a_rows)} in {seconds:.1f} s", flush=True)
        other, other_supervisor = agency_and_supervisor(f"Import bench {time.time_ns()}")
        for label, path, holder, actor, rows in (
            (
                "A into an agency without persons, committed (every record new)",
                a,
                other,
                other_supervisor,
                a_rows,
            ),
            ("B, dry run", b, agency, None, b_rows),
            ("B, committed", b, agency, supervisor, b_rows),
        ):
            seconds, cpu, summary = run(path, holder, actor)
            print(
                f"{label}: {len(rows)} records in {seconds:.1f} s, {len(rows) / seconds:.1f} a second, {1000 * cpu / len(rows):.0f} ms CPU each; {summary}",
                flush=True,
            )
        links = set()
        with open(b.with_suffix(".out.csv"), newline="", encoding="utf-8") as stream:
            for r in csv.DictReader(stream):
                if r["outcome"] == "linked" and r["person_id"] in person_of_a:
                    links.add((person_of_a[r["person_id"]], r["record_id"]))
    tp = len(links & truth)
    print(
        f"B's links to A: {len(links)}, true pairs {len(truth)}; "
        f"P {tp / max(len(links), 1):.4f} R {tp / max(len(truth), 1):.4f}"
    )


if __name__ == "__main__":
    main()
