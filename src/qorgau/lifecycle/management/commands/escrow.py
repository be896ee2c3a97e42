"""`qorgau escrow split ENV_NAME [--threshold 2 --shares 3]` and `qorgau escrow recover` (the
shares on standard input, one per line). See docs/operations.md, "Keys: loss and escrow"."""

import os
import sys

from django.core.management.base import BaseCommand, CommandError

from qorgau.lifecycle.escrow import EscrowError, key_entries, recover_key, split_key

KEYS = ("QORGAU_DATA_KEYS", "QORGAU_INDEX_KEY", "QORGAU_AUDIT_KEY", "QORGAU_BACKUP_KEY")


class Command(BaseCommand):
    help = "Split a key into Shamir shares for escrow, or recover it from shares."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        split = sub.add_parser("split", help="Print shares of the key in this environment variable.")
        split.add_argument("name", choices=KEYS)
        split.add_argument("--threshold", type=int, default=2)
        split.add_argument("--shares", type=int, default=3)
        sub.add_parser("recover", help="Read shares (one per line) from standard input; print the key.")

    def handle(self, *args, action, **options):
        try:
            if action == "split":
                value = os.environ.get(options["name"], "")
                if not value:
                    raise CommandError(f"{options['name']} is not set in this environment")
                for kid, key in key_entries(value):
                    label = f"{options['name']}" + (f" key id {kid}" if kid else "")
                    shares = split_key(key, threshold=options["threshold"], shares=options["shares"])
                    self.stdout.write(f"{label}: any {options['threshold']} of these {len(shares)} shares")
                    for n, share in enumerate(shares, start=1):
                        self.stdout.write(f"  share {n}: {share}")
                return
            self.stdout.write(recover_key(sys.stdin.read().splitlines()))
        except EscrowError as exc:
            raise CommandError(str(exc)) from None
