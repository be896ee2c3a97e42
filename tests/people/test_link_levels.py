"""Linking registers compares many pairs at once (people.levels): every pair must get exactly the
levels that comparing it alone gives (Matcher.keys), and the link's probabilities must be the
model's, so that the register link and the intake search are one model."""

import random
from datetime import date, timedelta

import numpy as np
import pytest

from qorgau.core.iin import make_iin
from qorgau.people import estimate, levels, linkage, matching
from qorgau.people.matching import Record

NAMES = [
    ("Айгүл", "Жандосова", "Қайратқызы"),
    ("Айгуль", "Жандосова", "Кайратовна"),
    ("AIGUL", "ZHANDOSOVA", "KAIRATKYZY"),
    ("Aigúl", "Jandosova", ""),
    ("Дана", "Жандосова", "Қайратқызы"),
    ("Мария", "Иванова", "Петровна"),
    ("Марья", "Иванов", ""),
    ("А.", "Ж.", ""),
    ("Zh.", "Aigul", ""),
    ("Әсел", "Сейітова", "Ерланқызы"),
    ("Асель", "Сеитова", "Ерлановна"),
    ("Гүлнар", "Оспанова", ""),
    ("Гульнара", "Оспан", "Болатовна"),
]


def people(rng: random.Random, count: int) -> list[matching.Prepared]:
    """Records that differ in every way the model knows: scripts, endings, initials, swapped
    names, IINs a digit or a transposition off, dates swapped or a digit off, no phone, one or
    two phones, missing fields."""
    out = []
    for n in range(count):
        given, surname, patronymic = rng.choice(NAMES)
        if rng.random() < 0.15:
            given, surname = surname, given
        born = date(1985, 3, 11) + timedelta(days=rng.choice([0, 1, 10, 243, 365, 4000]))
        iin = make_iin(born, "F", rng.choice([101, 102, 350])) or ""
        if rng.random() < 0.3:
            k = rng.randrange(11)
            iin = iin[:k] + iin[k + 1] + iin[k] + iin[k + 2 :]
        elif rng.random() < 0.2:
            k = rng.randrange(12)
            iin = iin[:k] + str((int(iin[k]) + 1) % 10) + iin[k + 1 :]
        if rng.random() < 0.2 and born.day <= 12:
            born = date(born.year, born.day, born.month)
        phones = rng.choice(
            [(), ("77001234567",), ("77001234576",), ("77019876543",), ("77001234567", "77019876543")]
        )
        out.append(
            matching.prepare(
                Record(
                    key=n,
                    given_name=given,
                    surname=surname,
                    patronymic=patronymic if rng.random() < 0.8 else "",
                    birth_date=born if rng.random() < 0.8 else None,
                    birth_year=born.year if rng.random() < 0.5 else None,
                    sex=rng.choice(["F", "F", "M", ""]),
                    iin=iin if rng.random() < 0.7 else "",
                    phones=phones,
                    region=rng.choice(["75", "71", ""]),
                )
            )
        )
    return out


@pytest.mark.parametrize("frequencies", [False, True])
def test_every_pair_gets_the_levels_it_gets_alone(frequencies):
    rng = random.Random(11)
    a, b = people(rng, 70), people(rng, 60)
    matcher = matching.Matcher(frequencies=linkage.name_frequencies(a, b) if frequencies else None)
    i, j = (x.ravel() for x in np.meshgrid(np.arange(len(a)), np.arange(len(b)), indexing="ij"))
    codes = levels.Records(a, b, matcher).codes(i, j)
    alone = np.full_like(codes, levels.MISSING)
    for row, (x, y) in enumerate(zip(i, j, strict=True)):
        for name, key in matcher.keys(a[x], b[y]):
            alone[row, levels.COLUMN[name]] = levels.CODE[name][key]
    assert (codes == alone).all()
    swapped = codes[:, levels.COLUMN["order"]] == levels.CODE["order"]["swapped"]
    assert swapped.any() and not swapped.all()  # the order decision was exercised both ways


def test_the_link_scores_each_pair_as_the_model_does():
    rng = random.Random(5)
    a, b = people(rng, 50), people(rng, 50)
    matcher = matching.Matcher(frequencies=linkage.name_frequencies(a, b))
    i, j = (np.asarray(x) for x in zip(*matching.candidate_pairs(a, b), strict=True))
    records = levels.Records(a, b, matcher)
    table = estimate.LevelTable(records.codes(i, j), {k: v[i] for k, v in records.exact_log_u.items()})
    fitted = table.fit()
    refitted = matching.Matcher(frequencies=matcher.frequencies, m=fitted)
    expected = [refitted.compare(a[x], b[y]).probability for x, y in zip(i, j, strict=True)]
    assert np.allclose(table.posteriors(fitted), expected, rtol=1e-9, atol=1e-12)
