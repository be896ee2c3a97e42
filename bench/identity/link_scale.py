"""`qorgau people link` at register size: two files of the synthetic cross-script population
(bench/identity/population.py), linked by the real command, with its wall time, peak memory
and precision/recall/F1 against the known truth. Not part of `make test`.

    QORGAU_ENV=test .venv/bin/python bench/identity/link_scale.py [--households 40000] [--seed 1]

40,000 households give about 100,000 records on each side. The command runs as a child process
under the same interpreter; its peak memory is the child's maximum resident set.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "src"), str(Path(__file__).resolve().parent)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
os.environ.setdefault("QORGAU_ENV", "test")

import django  # noqa: E402

django.setup()

from population import population  # noqa: E402

from qorgau.people.linkage import HEADER  # noqa: E402


def write(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows([r[c] for c in HEADER] for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    a_rows, b_rows, truth = population(args.seed, args.households)
    print(
        f"population: {len(a_rows)} x {len(b_rows)} records in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as folder:
        a, b, out = Path(folder, "a.csv"), Path(folder, "b.csv"), Path(folder, "pairs.csv")
        write(a, a_rows)
        write(b, b_rows)
        qorgau = [str(Path(sys.executable).parent / "qorgau")]
        started = time.perf_counter()
        subprocess.run([*qorgau, "people", "link", str(a), str(b), "--out", str(out)], check=True)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with open(out, newline="", encoding="utf-8") as stream:
            found = {(r["id_a"], r["id_b"]) for r in csv.DictReader(stream)}
    tp = len(found & truth)
    precision, recall = tp / max(len(found), 1), tp / max(len(truth), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    print(
        f"people link {len(a_rows)} x {len(b_rows)}: {seconds:.0f} s wall, peak memory {peak:.0f} MiB, "
        f"{len(found)} pairs, P {precision:.4f} R {recall:.4f} F1 {f1:.4f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
