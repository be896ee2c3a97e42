"""`qorgau keys reindex`: a new index key, searches working before, during and after the rebuild,
an interrupted rebuild resuming where it stopped."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from tests.helpers import SURVIVOR_IIN, SURVIVOR_NAME, SURVIVOR_PHONE

from qorgau.cases.selectors import case_list
from qorgau.core.crypto import blind_index
from qorgau.core.keys import index_key
from qorgau.core.models import AuditEvent
from qorgau.lifecycle.models import IndexRebuildState
from qorgau.lifecycle.reindex import reindex_run
from qorgau.people.models import PersonIndex
from qorgau.people.selectors import person_known

NEW_KEY = "bmV3LWluZGV4LWtleS1xb3JnYXUtMzItYnl0ZXMhISE="


@pytest.fixture
def cases(make_user, open_case):
    worker = make_user("caseworker", username="k.worker")
    made = [open_case(worker)]
    for n in range(2, 6):
        made.append(
            open_case(
                worker, survivor={"iin": "", "phones": [f"+7700000{n:04d}"], "family_name": f"Әбенова{n}"}
            )
        )
    return worker, made


def found(worker, q) -> set:
    return {s.case.pk for s in case_list(actor=worker, q=q)}


def test_reindex_under_a_new_key_keeps_searches_working_and_resumes(db, cases, settings):
    worker, made = cases
    old_key = settings.QORGAU_INDEX_KEY
    full_name = " ".join(SURVIVOR_NAME)
    # The new key alone, before any reindex: nobody is found (this is why the previous key stays).
    with override_settings(QORGAU_INDEX_KEY=NEW_KEY):
        assert found(worker, SURVIVOR_IIN) == set()
    with override_settings(QORGAU_INDEX_KEY=NEW_KEY, QORGAU_INDEX_KEY_PREVIOUS=old_key):
        assert made[0].pk in found(worker, SURVIVOR_IIN) and made[0].pk in found(worker, full_name)
        state = reindex_run(batch_size=4, max_batches=1)  # interrupted after 4 of 10 people
        assert state.people_done == 4 and not state.finished_at
        # Half old, half new: every case is still found by IIN, phone and name, ranked the same.
        assert made[0].pk in found(worker, SURVIVOR_IIN) and made[0].pk in found(worker, SURVIVOR_PHONE)
        assert found(worker, full_name) >= {made[0].pk}
        assert all(
            person_known(actor=worker, phone=f"+7700000{n:04d}", purpose="referral") for n in range(2, 6)
        )
        call_command("keys", "reindex", "--batch-size", "4", "--no-progress")
        state = IndexRebuildState.objects.get()
        assert state.finished_at and state.people_done == 10
        new = index_key().key
        iin_entries = PersonIndex.objects.filter(kind="iin")
        assert {e.digest for e in iin_entries} == {blind_index(new, "iin", SURVIVOR_IIN)}
        call_command("keys", "reindex", "--no-progress")  # a second run finds it done
        assert IndexRebuildState.objects.get().people_done == 10
    with override_settings(QORGAU_INDEX_KEY=NEW_KEY):  # the previous key removed: all still found
        assert made[0].pk in found(worker, SURVIVOR_IIN) and made[0].pk in found(worker, full_name)
        assert made[3].pk in found(worker, "+77000000004")
    assert AuditEvent.objects.filter(action="keys.reindex").count() == 1
