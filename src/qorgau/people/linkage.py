"""Linking two registers (CSV files) with the matching model, in memory, touching no database.

File contract (both inputs): UTF-8, comma-separated, the header exactly
``record_id,given_name,surname,patronymic,birth_date,sex,iin,phone,region_code``; birth_date
``YYYY-MM-DD``; sex ``F`` or ``M``; phone as digits with the country code; every column except
record_id, given_name and surname may be empty; every value is text (IINs keep their leading 0).
Output: ``id_a,id_b,probability`` (and ``reasons`` with explain), one-to-one, best pairs first.
"""

from __future__ import annotations

import contextlib
import csv
import io
import multiprocessing
import os
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date

import numpy as np
from django.utils.translation import gettext as _

from qorgau.people import estimate, levels, matching

HEADER = [
    "record_id",
    "given_name",
    "surname",
    "patronymic",
    "birth_date",
    "sex",
    "iin",
    "phone",
    "region_code",
]
REQUIRED = ("record_id", "given_name", "surname")


class FileError(Exception):
    """A file that breaks the contract; the message names the file and the line."""


def read_records(path, *, label: str | None = None) -> list[matching.Record]:
    return [record for _line, record in read_register(path, label=label)]


def read_register(path, *, label: str | None = None) -> list[tuple[int, matching.Record]]:
    """The records of a file with the line each was read from (for messages that name it)."""
    label = label or str(path)
    try:
        raw = open(path, "rb").read()  # noqa: SIM115 - read whole, to name the line of bad bytes
    except OSError as exc:
        raise FileError(
            _("%(file)s: cannot be read (%(reason)s).") % {"file": label, "reason": exc.strerror}
        ) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileError(
            _("%(file)s, line %(line)d: not UTF-8 text. Save the file as UTF-8 and try again.")
            % {"file": label, "line": line}
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FileError(_("%(file)s is empty: it needs the header line.") % {"file": label}) from None
    except csv.Error as exc:
        raise FileError(_("%(file)s, line 1: %(reason)s") % {"file": label, "reason": exc}) from None
    if [h.strip() for h in header] != HEADER:
        raise FileError(
            _("%(file)s, line 1: the header must be exactly %(header)s.")
            % {"file": label, "header": ",".join(HEADER)}
        )
    records, seen = [], set()
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise FileError(
                _("%(file)s, line %(line)d: %(reason)s")
                % {"file": label, "line": reader.line_num, "reason": exc}
            ) from None
        line = reader.line_num
        if not row or all(not v.strip() for v in row):
            continue
        if len(row) != len(HEADER):
            raise FileError(
                _("%(file)s, line %(line)d: %(found)d columns, %(expected)d expected.")
                % {"file": label, "line": line, "found": len(row), "expected": len(HEADER)}
            )
        values = dict(zip(HEADER, (v.strip() for v in row), strict=True))
        for column in REQUIRED:
            if not values[column]:
                raise FileError(
                    _("%(file)s, line %(line)d: %(column)s is empty.")
                    % {"file": label, "line": line, "column": column}
                )
        if values["record_id"] in seen:
            raise FileError(
                _("%(file)s, line %(line)d: record_id %(id)s appears twice.")
                % {"file": label, "line": line, "id": values["record_id"][:40]}
            )
        seen.add(values["record_id"])
        born = None
        if values["birth_date"]:
            try:
                born = date.fromisoformat(values["birth_date"])
                if len(values["birth_date"]) != 10:
                    raise ValueError
            except ValueError:
                raise FileError(
                    _("%(file)s, line %(line)d: birth_date %(value)s is not a date written YYYY-MM-DD.")
                    % {"file": label, "line": line, "value": values["birth_date"][:20]}
                ) from None
        if values["sex"] not in ("", "F", "M"):
            raise FileError(
                _("%(file)s, line %(line)d: sex must be F, M or empty.") % {"file": label, "line": line}
            )
        records.append(
            (
                line,
                matching.Record(
                    key=values["record_id"],
                    given_name=values["given_name"],
                    surname=values["surname"],
                    patronymic=values["patronymic"],
                    birth_date=born,
                    sex=values["sex"],
                    iin=values["iin"],
                    phones=(values["phone"],) if values["phone"] else (),
                    region=values["region_code"],
                ),
            )
        )
    return records


def name_frequencies(*groups: list[matching.Prepared]) -> matching.Frequencies:
    """Term frequencies of folded names over the records given (rare names weigh more)."""
    counts: dict[str, Counter] = {"surname": Counter(), "given_name": Counter()}
    total = 0
    for group in groups:
        for p in group:
            total += 1
            if p.surname:
                counts["surname"][p.surname.fold] += 1
            if p.given:
                counts["given_name"][p.given.fold] += 1

    def share(field: str, folded: str) -> float | None:
        n = counts.get(field, Counter()).get(folded)
        return n / total if n and total else None

    return share


FIT_SAMPLE = 300_000  # pairs the m are re-estimated on; more adds time, not accuracy
PARALLEL_FROM = 200_000  # pairs; below this, starting processes costs more than it saves
CHUNK = 50_000  # pairs compared at once (arrays of this many rows)

_shared: dict = {}  # what forked workers read: the records as arrays and the pairs


def _codes(bounds: tuple[int, int]) -> np.ndarray:
    start, end = bounds
    return _shared["records"].codes(_shared["i"][start:end], _shared["j"][start:end])


def each_chunk(job, count: int, progress, processes: int, *, chunk: int = CHUNK) -> Iterator:
    """Results of job per chunk of ``count`` items (job gets its chunk's bounds), in order; on
    every core when there are many. Workers are forked: they inherit what the caller's module put
    in its shared dict before, and must not touch the database."""
    chunks = [(k, min(k + chunk, count)) for k in range(0, count, chunk)]
    parallel = processes > 1 and count >= PARALLEL_FROM
    pool = multiprocessing.get_context("fork").Pool(processes) if parallel else None
    with pool or contextlib.nullcontext():
        results = pool.imap(job, chunks) if pool else map(job, chunks)
        for bounds, result in zip(chunks, results, strict=True):
            if progress:
                progress(bounds[1] - bounds[0])
            yield result


def link(
    left: list[matching.Record],
    right: list[matching.Record],
    *,
    threshold: float = matching.DEFAULT_THRESHOLD,
    progress: Callable[[int], None] | None = None,
    fit: bool = True,
    processes: int | None = None,
) -> list[tuple[object, object, float, matching.Comparison]]:
    """One-to-one pairs (id_a, id_b, probability, comparison) at or above the threshold.

    Every pair that shares a blocking key is compared once, into its level per field
    (people.levels); on those levels (all, or a sample of FIT_SAMPLE when there are more) the m
    are re-estimated for these two registers (people.estimate), and every pair is scored with
    the re-estimated m as arithmetic on the levels, without comparing it again."""
    processes = processes or os.cpu_count() or 1
    a = [matching.prepare(r) for r in left]
    b = [matching.prepare(r) for r in right]
    frequencies = name_frequencies(a, b)
    found = array("i")
    for pair in matching.candidate_pairs(a, b):
        found.extend(pair)
    i, j = np.frombuffer(found, dtype=np.int32).reshape(-1, 2).T
    if not len(i):
        return []
    records = levels.Records(a, b, matching.Matcher(frequencies=frequencies))
    _shared.update(records=records, i=i, j=j)
    try:
        codes = np.concatenate(list(each_chunk(_codes, len(i), progress, processes)))
    finally:
        _shared.clear()

    def table(rows) -> estimate.LevelTable:
        return estimate.LevelTable(codes[rows], {k: v[i[rows]] for k, v in records.exact_log_u.items()})

    fitted = table(slice(None, None, max(len(i) // FIT_SAMPLE, 1))).fit() if fit else {}
    probability = np.concatenate(
        [table(slice(k, k + CHUNK)).posteriors(fitted) for k in range(0, len(i), CHUNK)]
    )
    hits = np.flatnonzero(probability >= threshold)
    chosen = matching.one_to_one(
        zip(probability[hits].tolist(), i[hits].tolist(), j[hits].tolist(), strict=True)
    )
    model = matching.Matcher(frequencies=frequencies, m=fitted)
    out = []
    for _p, x, y in chosen:
        result = model.compare(a[x], b[y])  # the reasons of the few pairs kept
        out.append((a[x].record.key, b[y].record.key, result.probability, result))
    return out
