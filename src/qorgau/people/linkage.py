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
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date

from django.utils.translation import gettext as _

from qorgau.people import estimate, matching

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
PARALLEL_FROM = 20_000  # pairs; below this, starting processes costs more than it saves
CHUNK = 5_000

_shared: dict = {}  # what forked workers read: the prepared records, the pairs and the model


def _compact_levels(bounds: tuple[int, int]) -> list[estimate.Compact]:
    a, b, pairs, model = _shared["a"], _shared["b"], _shared["pairs"], _shared["model"]
    return [estimate.compact(model.compare(a[i], b[j])) for i, j in pairs[bounds[0] : bounds[1]]]


def _above(bounds: tuple[int, int]) -> list[tuple[float, int]]:
    a, b, pairs, model = _shared["a"], _shared["b"], _shared["pairs"], _shared["model"]
    out = []
    for n in range(*bounds):
        i, j = pairs[n]
        probability = model.compare(a[i], b[j]).probability
        if probability >= _shared["threshold"]:
            out.append((probability, n))
    return out


def each_chunk(job, pairs, progress, processes: int, *, chunk: int = CHUNK) -> Iterator:
    """Results of job per chunk of pairs (job gets the bounds of its chunk), in order; on every
    core when there are many pairs. Workers are forked: they inherit what the caller's module
    put in its shared dict before, and must not touch the database."""
    chunks = [(k, min(k + chunk, len(pairs))) for k in range(0, len(pairs), chunk)]
    parallel = processes > 1 and len(pairs) >= PARALLEL_FROM
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

    The pairs that share a blocking key are compared with the model's own numbers (all of them,
    or a sample of FIT_SAMPLE when there are more); on those the m are re-estimated for these two
    registers (people.estimate), and every pair is scored with the re-estimated model."""
    processes = processes or os.cpu_count() or 1
    a = [matching.prepare(r) for r in left]
    b = [matching.prepare(r) for r in right]
    frequencies = name_frequencies(a, b)
    pairs = list(matching.candidate_pairs(a, b))
    step = max(len(pairs) // FIT_SAMPLE, 1) if fit else 0
    model = matching.Matcher(frequencies=frequencies)
    _shared.update(a=a, b=b, model=model, threshold=threshold)
    try:
        if step:
            _shared["pairs"] = pairs[::step]
            sample = [
                levels
                for chunk in each_chunk(
                    _compact_levels, _shared["pairs"], progress if step == 1 else None, processes
                )
                for levels in chunk
            ]
            table = estimate.LevelTable(sample)
            fitted = table.fit()
            model = _shared["model"] = matching.Matcher(frequencies=frequencies, m=fitted)
        if step == 1:  # every pair was in the sample: its levels are scored again, not compared
            found = [(float(p), n) for n, p in enumerate(table.posteriors(fitted)) if p >= threshold]
        else:
            _shared["pairs"] = pairs
            found = [hit for chunk in each_chunk(_above, pairs, progress, processes) for hit in chunk]
    finally:
        _shared.clear()
    chosen = matching.one_to_one((p, pairs[n][0], pairs[n][1]) for p, n in found)
    out = []
    for _p, i, j in chosen:
        result = model.compare(a[i], b[j])  # the reasons of the few pairs kept
        out.append((a[i].record.key, b[j].record.key, result.probability, result))
    return out
