"""`qorgau people link A.csv B.csv --out pairs.csv` | `import FILE --agency ID` | `reindex` | `duplicates`.

link: two registers in the file contract of ``people.linkage``; writes the pairs judged the same
person, one-to-one, with a progress bar on stderr; touches no database; on any bad input a
message naming the file and line, and nothing written.
import: loads a register into one agency's persons through the same matching (people.services.
register_import): linked / new / already imported / invalid, a dry run unless --commit
(``record_id,person_id,probability,outcome`` with --out).
reindex: rebuilds every person's blind indexes (after the index kinds or TOKEN_VERSION change).
duplicates: the country-wide duplicate search of ``people.duplicates`` (also run nightly), with a
progress bar per stage on stderr and a summary on stdout; it stores candidates, never merges.
"""

import csv
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from qorgau.people import linkage, matching


class Command(BaseCommand):
    help = "Link registers of people (CSV), import a register, rebuild the blind indexes."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        link = sub.add_parser("link", help="Pairs of records of the same person in two CSV files.")
        link.add_argument("file_a")
        link.add_argument("file_b")
        link.add_argument("--out", required=True)
        link.add_argument("--threshold", type=float, default=matching.DEFAULT_THRESHOLD)
        link.add_argument("--explain", action="store_true", help="add the reasons column")
        link.add_argument("--no-progress", action="store_true")
        about = (
            "Load an agency's old register into its persons: each record is linked to a survivor the "
            "agency holds, or becomes a case imported from the register (no consent, not a new report). "
            "A dry run unless --commit. Any invalid row (an IIN whose check digit fails, a bad phone or "
            "region) refuses the whole file, naming the lines: nothing is half-imported."
        )
        imp = sub.add_parser("import", help=about, description=about)
        imp.add_argument("file")
        imp.add_argument("--agency", required=True, type=int, help="the agency's id")
        imp.add_argument("--out", help="write record_id,person_id,probability,outcome here")
        imp.add_argument("--threshold", type=float, default=None)
        imp.add_argument("--commit", action="store_true", help="write it, in one transaction (with --actor)")
        imp.add_argument("--actor", help="username of the agency's supervisor who loads it")
        imp.add_argument("--no-progress", action="store_true")
        sub.add_parser("reindex", help="Rebuild every person's blind indexes.")
        dup = sub.add_parser("duplicates", help="Find probable duplicate survivors, for the review.")
        dup.add_argument("--processes", type=int, default=None, help="cores to compare on (all)")
        dup.add_argument("--no-progress", action="store_true")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except linkage.FileError as exc:
            raise CommandError(str(exc)) from None

    def _link(self, file_a, file_b, out, threshold, explain, no_progress, **options):
        if not 0.0 <= threshold <= 1.0:
            raise CommandError("--threshold must be between 0 and 1.")
        left = linkage.read_records(file_a)
        right = linkage.read_records(file_b)
        bar = tqdm(unit="pair", desc="comparing", disable=no_progress, file=sys.stderr)
        try:
            pairs = linkage.link(left, right, threshold=threshold, progress=bar.update)
        finally:
            bar.close()
        target = Path(out)
        handle, temporary = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", suffix=".part")
        try:
            with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
                writer = csv.writer(stream, lineterminator="\n")
                writer.writerow(["id_a", "id_b", "probability", *(["reasons"] if explain else [])])
                for id_a, id_b, probability, result in pairs:
                    row = [id_a, id_b, f"{probability:.4f}"]
                    writer.writerow(row + ([result.explain()] if explain else []))
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        sys.stderr.write(f"{len(left)} × {len(right)} records, {len(pairs)} pairs -> {target}\n")

    def _import(self, file, agency, out, threshold, commit, actor, no_progress, **options):
        from django.core.exceptions import PermissionDenied

        from qorgau.accounts.models import Agency, User
        from qorgau.people.services import RegisterRefused, register_import

        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise CommandError(_("--threshold must be between 0 and 1."))
        holder = Agency.objects.filter(pk=agency).first()
        if holder is None:
            raise CommandError(_("No agency with the id %(id)s.") % {"id": agency})
        user = None
        if actor:
            user = User.objects.filter(username=actor).first()
            if user is None:
                raise CommandError(_("No user with the username %(name)s.") % {"name": actor[:150]})
        elif commit:
            raise CommandError(_("--commit needs --actor: the supervisor of the agency who loads it."))
        entries = linkage.read_register(file)
        labels = {"matching": _("matching"), "writing": _("writing")}
        started = time.perf_counter()
        try:
            with self._stage_bars({"matching": "record", "writing": "record"}, labels, no_progress) as stage:
                report = register_import(
                    agency=holder,
                    entries=entries,
                    actor=user,
                    commit=commit,
                    threshold=threshold,
                    progress=stage,
                )
        except PermissionDenied:
            raise CommandError(
                _("%(name)s may not load a register into this agency: only its supervisors may.")
                % {"name": actor}
            ) from None
        except RegisterRefused as refused:
            lines = "\n".join(self._invalid_line(file, row) for row in refused.rows)
            raise CommandError(
                _("Nothing was imported. Rows that are not valid: %(n)d.") % {"n": len(refused.rows)}
                + "\n"
                + lines
            ) from None
        if out:
            self._write_import_rows(out, report)
        for row in report.invalid:
            self.stderr.write(self._invalid_line(file, row))
        counts = {outcome: report.count(outcome) for outcome in ("linked", "new", "already", "invalid")}
        summary = _(
            "Records: %(records)d; linked: %(linked)d, new: %(new)d, already imported: %(already)d, "
            "invalid: %(invalid)d."
        ) % {"records": len(report.rows), **counts}
        self.stdout.write(summary)
        seconds = time.perf_counter() - started
        self.stdout.write(
            _("%(seconds).1f s, %(rate).0f records a second.")
            % {"seconds": seconds, "rate": len(report.rows) / seconds if seconds else 0.0}
        )
        self.stdout.write(
            _("Written.") if report.committed else _("Dry run: nothing was written (--commit writes it).")
        )

    @contextmanager
    def _stage_bars(self, units: dict, labels: dict, no_progress: bool):
        """One bar per stage of a long job (people.progress), each closed when the next begins."""
        bars: list = []

        def stage(name, total):
            for bar in bars:
                bar.close()
            bar = tqdm(  # on the command's own stderr (the stream itself: tqdm writes "\r" lines)
                total=total,
                desc=labels.get(name, name),
                unit=units.get(name, "it"),
                disable=no_progress,
                file=self.stderr._out,
            )
            bars.append(bar)
            return bar.update

        try:
            yield stage
        finally:
            for bar in bars:
                bar.close()

    @staticmethod
    def _invalid_line(file, row) -> str:
        return _("%(file)s, line %(line)d: %(reason)s") % {
            "file": file,
            "line": row.line,
            "reason": row.error,
        }

    @staticmethod
    def _write_import_rows(out, report) -> None:
        with open(out, "w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(["record_id", "person_id", "probability", "outcome"])
            for row in report.rows:
                probability = "" if row.probability is None else f"{row.probability:.4f}"
                writer.writerow([row.record_id, row.person_id or "", probability, row.outcome])

    def _reindex(self, **options):
        from qorgau.people.models import Person
        from qorgau.people.services import person_reindex

        people = Person.objects.select_related("case")
        for person in tqdm(
            people.iterator(chunk_size=500), total=people.count(), unit="person", file=sys.stderr
        ):
            person_reindex(person)

    def _duplicates(self, processes, no_progress, **options):
        from qorgau.core.audit import audit_source
        from qorgau.people.duplicates import find_duplicates

        if processes is not None and processes < 1:
            raise CommandError(_("--processes must be a whole number of at least 1."))
        units = {"blocking": "step", "opening": "person", "comparing": "pair"}
        labels = {
            "blocking": _("blocking"),
            "opening": _("opening"),
            "comparing": _("comparing"),
            "storing": _("storing"),
        }
        token = audit_source.set("job")
        try:
            with self._stage_bars(units, labels, no_progress) as stage:
                summary = find_duplicates(progress=stage, processes=processes)
        finally:
            audit_source.reset(token)
        self.stdout.write(
            _(
                "%(survivors)d survivors; %(compared)d pairs compared (%(opened)d persons opened); "
                "%(stored)d pairs stored for review."
            )
            % {
                "survivors": summary.survivors,
                "compared": summary.pairs_compared,
                "opened": summary.persons_opened,
                "stored": summary.pairs_stored,
            }
        )
        self.stdout.write(
            _("Seconds: %(stages)s.")
            % {
                "stages": ", ".join(
                    f"{labels.get(name, name)} {seconds:.1f}" for name, seconds in summary.seconds.items()
                )
            }
        )
