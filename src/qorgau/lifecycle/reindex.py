"""`qorgau keys reindex`: every blind index rebuilt under the current QORGAU_INDEX_KEY and the
current name-folding rules (qorgau.core.names.TOKEN_VERSION), in batches, resumable.

People are walked in primary-key order; each batch replaces its people's entries in one
transaction (a concurrent search sees a person's old entries or her new ones, never neither), and
the last key reached is saved, so an interrupted run continues there. While it runs, searches
accept digests under both the current and the previous key (QORGAU_INDEX_KEY_PREVIOUS), so
everyone stays findable; once it has finished, remove QORGAU_INDEX_KEY_PREVIOUS.

A target names the key (by a fingerprint, never the key) and the folding version: a new key or new
rules start a new rebuild; the same ones again find it finished and do nothing.
"""

import hashlib
import hmac
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from qorgau.core.audit import audit_record
from qorgau.core.keys import index_key
from qorgau.core.names import TOKEN_VERSION
from qorgau.lifecycle.models import IndexRebuildState
from qorgau.people.models import Person
from qorgau.people.services import person_reindex


def reindex_target() -> str:
    fingerprint = hmac.new(index_key().key, b"qorgau-index-key-fingerprint", hashlib.sha256).hexdigest()[:16]
    return f"{fingerprint}-names{TOKEN_VERSION}"


def reindex_state() -> IndexRebuildState:
    state, _ = IndexRebuildState.objects.get_or_create(
        target=reindex_target(), defaults={"started_at": timezone.now()}
    )
    return state


def people_to_visit(state: IndexRebuildState) -> int:
    if state.finished_at:
        return 0
    qs = Person.objects.all()
    return (qs.filter(pk__gt=state.last_pk) if state.last_pk else qs).count()


def reindex_run(
    *, batch_size: int = 200, max_batches: int | None = None, progress: Callable[[int], None] = lambda n: None
) -> IndexRebuildState:
    state = reindex_state()
    batches = 0
    while not state.finished_at and (max_batches is None or batches < max_batches):
        qs = Person.objects.select_related("case").order_by("pk")
        if state.last_pk:
            qs = qs.filter(pk__gt=state.last_pk)
        people = list(qs[:batch_size])
        with transaction.atomic():
            if not people:
                state.finished_at = timezone.now()
                state.save()
                audit_record(
                    actor=None,
                    action="keys.reindex",
                    object_type="people.personindex",
                    detail={"target": state.target, "people": state.people_done},
                )
                break
            for person in people:
                person_reindex(person)
            state.last_pk = str(people[-1].pk)
            state.people_done += len(people)
            state.save()
        progress(len(people))
        batches += 1
    return state
