"""`keys reindex` on PostgreSQL with searches running in other threads the whole time: every
search finds its case before, during and after the rebuild."""

import random
import threading
from datetime import date

import pytest
from django.db import connection
from django.test import override_settings

from qorgau.cases.selectors import case_list
from qorgau.core.iin import make_iin
from qorgau.lifecycle.reindex import reindex_run

pytestmark = pytest.mark.postgres
NEW_KEY = "bmV3LWluZGV4LWtleS1xb3JnYXUtMzItYnl0ZXMhISE="
NAMES = ["Серікова", "Омарова", "Нұрланова", "Бекова", "Асанова", "Жүсіпова", "Төлеуова", "Қасымова"]


def test_searches_keep_finding_everyone_while_the_index_is_rebuilt(
    transactional_db, make_user, open_case, settings
):
    worker = make_user("caseworker", username="pg.reindex")
    targets = []
    for n, family in enumerate(NAMES, start=1):
        iin = next(i for s in range(n * 10, n * 10 + 10) if (i := make_iin(date(1991, 2, n), "F", s)))
        phone = f"+7700000{n + 10:04d}"
        case = open_case(worker, survivor={"iin": iin, "phones": [phone], "family_name": family})
        targets += [(case.pk, iin), (case.pk, phone), (case.pk, f"{family} Айгүл")]
    old_key = settings.QORGAU_INDEX_KEY
    misses, searches, stop = [], [0], threading.Event()

    def search():
        rng = random.Random()
        try:
            while not stop.is_set():
                case_id, q = rng.choice(targets)
                if case_id not in {s.case.pk for s in case_list(actor=worker, q=q)}:
                    misses.append(q)
                searches[0] += 1
        finally:
            connection.close()

    with override_settings(QORGAU_INDEX_KEY=NEW_KEY, QORGAU_INDEX_KEY_PREVIOUS=old_key):
        threads = [threading.Thread(target=search) for _ in range(3)]
        for thread in threads:
            thread.start()
        try:
            before = searches[0]
            state = reindex_run(batch_size=2, progress=lambda n: stop.wait(0.2))
            during = searches[0] - before
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
    assert state.finished_at and state.people_done == 2 * len(NAMES)
    assert during > 20, "searches ran while the index was rebuilt"
    assert misses == []
    with override_settings(QORGAU_INDEX_KEY=NEW_KEY):  # after: the new key alone finds everyone
        for case_id, q in targets:
            assert case_id in {s.case.pk for s in case_list(actor=worker, q=q)}, q
