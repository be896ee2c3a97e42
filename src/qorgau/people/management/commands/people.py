"""`qorgau people link A.csv B.csv --out pairs.csv` | `import FILE --agency ID` | `reindex` | `duplicates`.

link: two registers in the file contract of ``people.linkage``; writes the pairs judged the same
person, one-to-one, with a progress bar on stderr; touches no database; on any bad input a
message naming the file and line, and nothing written.
import: matches a register against the persons of one agency (through the blind indexes) and
reports what it linked (``record_id,person_id,probability`` with --out).
reindex: rebuilds every person's blind indexes (after the index kinds or TOKEN_VERSION change).
duplicates: the country-wide duplicate search of ``people.duplicates`` (also run nightly), with a
progress bar per stage on stderr and a summary on stdout; it stores candidates, never merges.
"""

import csv
import os
import sys
import tempfile
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
        imp = sub.add_parser("import", help="Match a register against an agency's persons.")
        imp.add_argument("file")
        imp.add_argument("--agency", required=True, type=int, help="the agency's id")
        imp.add_argument("--out", help="write record_id,person_id,probability here")
        imp.add_argument("--threshold", type=float, default=None)
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

    def _import(self, file, agency, out, threshold, **options):
        from qorgau.accounts.models import Agency
        from qorgau.people.selectors import match_people

        holder = Agency.objects.filter(pk=agency).first()
        if holder is None:
            raise CommandError(f"No agency with the id {agency}.")
        records = linkage.read_records(file)
        linked = []
        for record in tqdm(records, unit="record", file=sys.stderr):
            found = [
                (c, p)
                for c, p in match_people(record, roles=("survivor",), threshold=threshold)
                if p.case.holding_agency_id == holder.pk
            ]
            if found:
                linked.append((record.key, found[0][1].pk, found[0][0].probability))
        if out:
            with open(out, "w", newline="", encoding="utf-8") as stream:
                writer = csv.writer(stream, lineterminator="\n")
                writer.writerow(["record_id", "person_id", "probability"])
                writer.writerows([k, p, f"{prob:.4f}"] for k, p, prob in linked)
        self.stdout.write(
            f"{len(records)} records: {len(linked)} linked to persons of {agency}, {len(records) - len(linked)} new"
        )

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

        token = audit_source.set("job")
        try:
            summary = find_duplicates(progress=stage, processes=processes)
        finally:
            audit_source.reset(token)
            for bar in bars:
                bar.close()
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
