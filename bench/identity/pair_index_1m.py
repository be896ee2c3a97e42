"""Add the pair blind-index rows (people migration 0005) to the persons of persons_1m.py in bulk,
as `qorgau people reindex` would one person at a time, so the intake benchmark can run on the
same million persons without building them again.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qorgau_persons_1m QORGAU_ENV=demo \\
        .venv/bin/python bench/identity/pair_index_1m.py

Each person is read through the model (its sealed fields opened by the real EncryptedField),
its digests made by ``people.services.pair_digests`` and written with COPY, one transaction per
chunk. The pair rows of a person already done are left alone, so an interrupted run goes on.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(REPO / "src")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunk", type=int, default=5000)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from bench.generator.bulk import copy_tuples
    from django.core.management import call_command
    from django.db import transaction
    from tqdm import tqdm

    from qorgau.people.models import Person, PersonIndex
    from qorgau.people.services import pair_digests

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    done = set(
        PersonIndex.objects.filter(kind=PersonIndex.Kind.PAIR).values_list("person_id", flat=True).distinct()
    )
    people = Person.objects.select_related("case").order_by("pk")
    total, rows_written, last = people.count(), 0, None
    with tqdm(total=total, unit="person", file=sys.stderr, initial=len(done)) as bar:
        while True:
            batch = people.filter(pk__gt=last) if last else people
            chunk = list(batch[: args.chunk])
            if not chunk:
                break
            last = chunk[-1].pk
            rows = [
                (p.pk, p.case_id, p.case.holding_agency_id, PersonIndex.Kind.PAIR, digest)
                for p in chunk
                if p.pk not in done
                for digest in pair_digests(p)
            ]
            with transaction.atomic():
                copy_tuples(PersonIndex, ["person_id", "case_id", "agency_id", "kind", "digest"], rows)
            rows_written += len(rows)
            bar.update(sum(p.pk not in done for p in chunk))
    with transaction.get_connection().cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) people_personindex")
    print(
        f"pair_index_1m: {rows_written} pair rows for {total - len(done)} persons in "
        f"{time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
