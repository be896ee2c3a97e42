"""`qorgau retention report | run`: anonymise closed cases whose retention period has ended."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from qorgau.lifecycle.retention import retention_report, retention_run, retention_start


class Command(BaseCommand):
    help = "Report (dry run) or anonymise the closed cases whose retention period has ended."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("report", help="What a run now would remove (changes nothing).")
        run = sub.add_parser("run", help="Anonymise the due cases (interruptible: run again to resume).")
        run.add_argument("--max-cases", type=int, default=None, help="stop after this many cases")
        run.add_argument("--no-progress", action="store_true")

    def handle(self, *args, action, **options):
        if action == "report":
            report = retention_report()
            years = ", ".join(f"{t}: {n} years" for t, n in report["years"].items())
            self.stdout.write(f"as of {report['as_of']:%Y-%m-%d %H:%M} (periods after closure: {years})")
            for case_type, counts in report["types"].items():
                self.stdout.write(
                    f"{case_type}: {counts['cases']} cases, {counts['people']} people, {counts['values']} "
                    f"encrypted values, {counts['index_entries']} index entries, {counts['files']} files "
                    "would be removed"
                )
            self.stdout.write("nothing was changed (dry run)")
            return
        run = retention_start()
        resumed = run.cases_done > 0
        self.stdout.write(
            f"{'resuming' if resumed else 'starting'} retention run as of {run.as_of:%Y-%m-%d %H:%M}: "
            f"{run.cases_done} of {run.cases_total} cases done"
        )
        bar = tqdm(
            total=run.cases_total, initial=run.cases_done, unit="case", disable=options["no_progress"],
            file=self.stderr._out,
        )  # fmt: skip
        try:
            done = retention_run(run, progress=bar.update, max_cases=options["max_cases"])
        finally:
            bar.close()
        run.refresh_from_db()
        state = "finished" if run.finished_at else "stopped (run again to resume)"
        self.stdout.write(self.style.SUCCESS(f"anonymised {done} cases now; run {state}"))
