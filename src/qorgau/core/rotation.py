"""Re-encrypting every EncryptedField under the active key, in batches, resumable.

Rows are walked in primary-key order; after each batch the last key reached is saved in
KeyRotationState, so a run that is interrupted (Ctrl+C, a crash, a deploy) continues from there.
A value already sealed with the active key is left as it is, so running twice is harmless.
"""

from collections.abc import Callable, Iterator

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from qorgau.core.audit import audit_record
from qorgau.core.fields import EncryptedField, Sealed
from qorgau.core.keys import data_keyring
from qorgau.core.models import KeyRotationState


def encrypted_models() -> Iterator[tuple[type, list[EncryptedField]]]:
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
        if fields:
            yield model, fields


def rows_to_visit(model) -> int:
    state = KeyRotationState.objects.filter(model=model._meta.label_lower).first()
    qs = model._base_manager.all()
    if state and state.target_key_id == data_keyring().active_id:
        if state.finished_at:
            return 0
        if state.last_pk:
            qs = qs.filter(pk__gt=state.last_pk)
    return qs.count()


def rotate_model(
    model,
    fields,
    *,
    batch_size: int = 500,
    progress: Callable[[int], None] = lambda n: None,
    max_batches: int | None = None,
) -> int:
    """Re-seal one model's rows; returns how many rows changed. Stops early after max_batches."""
    ring = data_keyring()
    active = ring.active_id
    label = model._meta.label_lower
    state, _ = KeyRotationState.objects.get_or_create(model=label, defaults={"target_key_id": active})
    if state.target_key_id != active:  # a newer key since the last run: start this model again
        state.target_key_id, state.last_pk, state.rows_resealed, state.finished_at = active, "", 0, None
        state.save()
    if state.finished_at:
        return 0
    columns = [f.attname for f in fields]
    changed_total, batches = 0, 0
    while max_batches is None or batches < max_batches:
        qs = model._base_manager.order_by("pk")
        if state.last_pk:
            qs = qs.filter(pk__gt=state.last_pk)
        rows = list(qs.values_list("pk", *columns)[:batch_size])
        if not rows:
            state.finished_at = timezone.now()
            state.save()
            audit_record(
                actor=None,
                action="keys.rotate",
                object_type=label,
                detail={"key_id": active, "rows": state.rows_resealed},
            )
            break
        changed = 0
        with transaction.atomic():
            for pk, *tokens in rows:
                changes = {}
                for field, token in zip(fields, tokens, strict=True):
                    if token and ring.needs_rotation(token):
                        aad = field.aad(_Row(model, pk))
                        changes[field.attname] = Sealed(ring.seal(ring.open(token, aad), aad))
                if changes:
                    model._base_manager.filter(pk=pk).update(**changes)
                    changed += 1
            state.last_pk = str(rows[-1][0])
            state.rows_resealed += changed
            state.save()
        changed_total += changed
        progress(len(rows))
        batches += 1
    return changed_total


class _Row:
    """Just enough of a model instance for EncryptedField.aad()."""

    def __init__(self, model, pk):
        self._meta, self.pk = model._meta, pk
