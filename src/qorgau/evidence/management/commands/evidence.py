"""`qorgau evidence verify PACKAGE.zip [--key signing-key.pem]`: check an evidence package.

Every file's SHA-256 and size against manifest.json, nothing missing or added, and the manifest's
Ed25519 signature, under the platform's key (this installation's, or the published key given with
--key). Names the first thing that does not match and exits 1; prints OK and exits 0 otherwise.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qorgau.evidence.verify import VerificationError, verify_package


class Command(BaseCommand):
    help = "Evidence packages: `verify PACKAGE.zip` checks hashes, manifest and signature."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("package")
        parser.add_argument(
            "--key", help="the platform's published signing-key.pem (default: this installation's)"
        )

    def handle(self, *args, **options):
        if options["key"]:
            expected = Path(options["key"]).read_bytes()
        else:
            from qorgau.evidence.package import public_key_pem

            try:
                expected = public_key_pem()
            except Exception:  # no signing key here: check against the key inside the package only
                expected = None
        try:
            manifest = verify_package(options["package"], expected)
        except VerificationError as exc:
            raise CommandError(f"FAILED: {exc}") from None
        self.stdout.write(
            f"OK: {len(manifest['items'])} files match manifest.json; its signature is valid"
            + (" under the platform's key." if expected else " under the key in the package (compare it).")
        )
