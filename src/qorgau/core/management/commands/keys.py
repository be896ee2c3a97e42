"""`qorgau keys rotate | status | reindex | generate KID`: manage the data-encryption key ring.

`keys reindex` rebuilds the blind indexes (qorgau.lifecycle.reindex): set the new
QORGAU_INDEX_KEY and the old one as QORGAU_INDEX_KEY_PREVIOUS, restart, run it, then remove
QORGAU_INDEX_KEY_PREVIOUS and restart.

To rotate: generate a key, put it FIRST in QORGAU_DATA_KEYS (keep the old ones after it), restart,
run `qorgau keys rotate` (interruptible; run it again to resume), check `qorgau keys status`, then
remove the old key from QORGAU_DATA_KEYS.
"""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from qorgau.core.crypto import generate_key_string
from qorgau.core.keys import data_keyring
from qorgau.core.rotation import encrypted_models, rotate_model, rows_to_visit


class Command(BaseCommand):
    help = "Rotate the data-encryption key, show which keys seal the data, or generate a key."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser("rotate", help="Re-encrypt everything under the active (first) key.")
        rotate.add_argument("--batch-size", type=int, default=500)
        rotate.add_argument(
            "--max-batches", type=int, default=None, help="stop after this many batches per model"
        )
        rotate.add_argument("--no-progress", action="store_true")
        sub.add_parser("status", help="Count stored values per key id.")
        reindex = sub.add_parser(
            "reindex", help="Rebuild every blind index under QORGAU_INDEX_KEY and the current name rules."
        )
        reindex.add_argument("--batch-size", type=int, default=200)
        reindex.add_argument("--max-batches", type=int, default=None, help="stop after this many batches")
        reindex.add_argument("--no-progress", action="store_true")
        generate = sub.add_parser("generate", help="Print a new random key as KID:BASE64.")
        generate.add_argument("kid")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _generate(self, kid, **options):
        self.stdout.write(generate_key_string(kid))

    def _rotate(self, batch_size, max_batches, no_progress, **options):
        ring = data_keyring()
        models = list(encrypted_models())
        total = sum(rows_to_visit(model) for model, _ in models)
        self.stdout.write(f"active key: {ring.active_id}; rows to visit: {total}")
        bar = tqdm(total=total, unit="row", disable=no_progress, file=self.stderr._out)
        changed = 0
        try:
            for model, fields in models:
                changed += rotate_model(
                    model, fields, batch_size=batch_size, progress=bar.update, max_batches=max_batches
                )
        finally:
            bar.close()
        self.stdout.write(self.style.SUCCESS(f"re-encrypted rows: {changed}"))

    def _reindex(self, batch_size, max_batches, no_progress, **options):
        from qorgau.lifecycle.reindex import people_to_visit, reindex_run, reindex_state

        state = reindex_state()
        total = people_to_visit(state)
        self.stdout.write(f"rebuilding blind indexes ({state.target}): {total} people to visit")
        bar = tqdm(total=total, unit="person", disable=no_progress, file=self.stderr._out)
        try:
            state = reindex_run(batch_size=batch_size, max_batches=max_batches, progress=bar.update)
        finally:
            bar.close()
        if state.finished_at:
            self.stdout.write(
                self.style.SUCCESS(
                    f"reindex finished: {state.people_done} people; now remove QORGAU_INDEX_KEY_PREVIOUS"
                )
            )
        else:
            self.stdout.write(f"reindex stopped after {state.people_done} people: run it again to resume")

    def _status(self, **options):
        ring = data_keyring()
        for model, fields in encrypted_models():
            counts: dict[str, int] = {}
            for row in model._base_manager.values_list(*[f.attname for f in fields]).iterator():
                for token in row:
                    if token:
                        kid = ring.key_id_of(token)
                        counts[kid] = counts.get(kid, 0) + 1
            summary = ", ".join(f"{kid}: {n}" for kid, n in sorted(counts.items())) or "empty"
            self.stdout.write(f"{model._meta.label_lower}: {summary}")
