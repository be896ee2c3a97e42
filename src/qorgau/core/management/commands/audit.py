"""`qorgau audit verify|checkpoint|restore-head|rotate-key|grants`: the audit chain's maintenance.

- verify: walk every lane; exit 1 naming the first bad event, a missing or lagging head, or a
  lane rolled back below a signed checkpoint or a root record; a clean chain gets a checkpoint.
- checkpoint: anchor every lane in the root lane and sign the heads into
  QORGAU_AUDIT_CHECKPOINT_FILE (what the worker does periodically).
- restore-head: put back deleted head rows when the chain verifies against its checkpoints.
- rotate-key ID: seal later events with the key ID from QORGAU_AUDIT_KEYS.
- grants ROLE: print the SQL that gives the application's PostgreSQL role what it needs and no
  more (no TRUNCATE, no UPDATE or DELETE on the audit chain); run it as the owner.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from qorgau.core.audit import (
    AuditKeyMissing,
    CheckpointError,
    audit_checkpoint,
    audit_restore_head,
    audit_rotate_key,
    audit_verify,
)
from qorgau.core.errors import AuditUnavailable


class Command(BaseCommand):
    help = "Verify, checkpoint and maintain the audit chain."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Verify the whole chain (and checkpoint it when intact).")
        sub.add_parser("checkpoint", help="Sign the chain head into the checkpoint file.")
        sub.add_parser("restore-head", help="Re-create a deleted head row from a verified chain.")
        rotate = sub.add_parser("rotate-key", help="Seal new events with another key from QORGAU_AUDIT_KEYS.")
        rotate.add_argument("key_id")
        grants = sub.add_parser("grants", help="Print the SQL of the application role's privileges.")
        grants.add_argument("role")

    def handle(self, *args, action, **options):
        try:
            getattr(self, "do_" + action.replace("-", "_"))(**options)
        except (
            CheckpointError,
            AuditKeyMissing,
            AuditUnavailable,
            ImproperlyConfigured,
            ValueError,
        ) as error:
            raise CommandError(str(error)) from None
        except OSError as error:  # the checkpoint file's place is missing or not writable
            raise CommandError(f"audit checkpoint file: {error.strerror}: {error.filename}") from None

    def do_verify(self, **options):
        result = audit_verify(checkpoint=True)
        if not result.ok:
            raise CommandError(
                f"audit chain broken: {result.problem} ({result.checked} events verified before it)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"audit chain intact: {result.checked} events, {result.checkpoints} signed checkpoints"
            )
        )

    def do_checkpoint(self, **options):
        checkpoint = audit_checkpoint()
        if checkpoint is None:
            raise CommandError("QORGAU_AUDIT_CHECKPOINT_FILE is not set: no checkpoint written")
        lanes = ", ".join(f"{lane}:{n}" for lane, (n, _hash) in sorted(checkpoint.lanes.items()))
        self.stdout.write(
            self.style.SUCCESS(f"audit checkpoint of {checkpoint.events} events (lane:event {lanes})")
        )

    def do_restore_head(self, **options):
        heads = audit_restore_head()
        where = ", ".join(f"lane {head.id} at event {head.seq}" for head in heads)
        self.stdout.write(self.style.SUCCESS(f"audit head restored: {where}"))

    def do_rotate_key(self, *, key_id, **options):
        events = audit_rotate_key(actor=None, key_id=key_id)
        self.stdout.write(self.style.SUCCESS(f"audit key is now {key_id!r} in {len(events)} lanes"))

    def do_grants(self, *, role, **options):
        from qorgau.core.grants import app_role_sql

        for statement in app_role_sql(role):
            self.stdout.write(statement + ";")
