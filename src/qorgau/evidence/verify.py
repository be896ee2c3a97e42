"""Check an evidence package with nothing but Python and the `cryptography` library (no Django, no
database): every file's SHA-256 and size against the manifest, no file missing or added, and the
Ed25519 signature of the manifest, under the key in the package and, when given, the platform's
published key. The same checks by hand: README.txt inside each package, docs/adr/0009.

    python -m qorgau.evidence.verify PACKAGE.zip [--key signing-key.pem]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import zipfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FORMAT = "qorgau-evidence-package/1"
FIXED = {
    "manifest.json",
    "manifest.sig",
    "signing-key.pem",
    "SHA256SUMS",
    "README.txt",
    "manifest.tsr",
}


class VerificationError(Exception):
    """The first thing in the package that does not match."""


def key_fingerprint(pem: bytes) -> str:
    key = serialization.load_pem_public_key(pem)
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def verify_package(path, expected_key_pem: bytes | None = None) -> dict:
    """Return the manifest when everything matches; raise VerificationError naming the first
    thing that does not."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise VerificationError(f"not a readable ZIP file ({exc})") from None
    with archive:
        names = set(archive.namelist())
        for required in ("manifest.json", "manifest.sig", "signing-key.pem"):
            if required not in names:
                raise VerificationError(f"{required} is missing from the package")
        manifest_bytes = archive.read("manifest.json")
        signature = archive.read("manifest.sig")
        key_pem = archive.read("signing-key.pem")
        try:
            key = serialization.load_pem_public_key(key_pem)
        except ValueError:
            raise VerificationError("signing-key.pem is not a public key") from None
        if not isinstance(key, Ed25519PublicKey):
            raise VerificationError("signing-key.pem is not an Ed25519 key")
        if expected_key_pem is not None and key_fingerprint(key_pem) != key_fingerprint(expected_key_pem):
            raise VerificationError(
                "the package was signed with a key that is not the platform's published key "
                f"(package key {key_fingerprint(key_pem)[:16]}…)"
            )
        try:
            key.verify(signature, manifest_bytes)
        except InvalidSignature:
            raise VerificationError("the signature of manifest.json does not match (manifest.sig)") from None
        try:
            manifest = json.loads(manifest_bytes)
        except ValueError:
            raise VerificationError("manifest.json is not valid JSON") from None
        if manifest.get("format") != FORMAT:
            raise VerificationError(f"manifest.json is not a {FORMAT} manifest")
        listed = set()
        for entry in manifest.get("items", []):
            name = entry["path"]
            listed.add(name)
            if name not in names:
                raise VerificationError(f"{name} is listed in the manifest but missing from the package")
            digest, size = hashlib.sha256(), 0
            with archive.open(name) as handle:
                while block := handle.read(1024 * 1024):
                    digest.update(block)
                    size += len(block)
            if digest.hexdigest() != entry["sha256"]:
                raise VerificationError(f"{name}: its SHA-256 does not match the manifest")
            if size != entry["size"]:
                raise VerificationError(f"{name}: its size does not match the manifest")
        summary = manifest.get("summary")
        if summary is not None:
            name = summary.get("path", "summary.pdf")
            if name not in names:
                raise VerificationError(f"{name} is listed in the manifest but missing from the package")
            data = archive.read(name)
            if hashlib.sha256(data).hexdigest() != summary.get("sha256") or len(data) != summary.get("size"):
                raise VerificationError(f"{name}: its SHA-256 does not match the manifest")
            listed.add(name)
        extra = sorted(names - listed - FIXED)
        if extra:
            raise VerificationError(f"{extra[0]} is in the package but not in the manifest")
        return manifest


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Qorgau evidence package.")
    parser.add_argument("package")
    parser.add_argument("--key", help="the platform's published signing-key.pem to compare with")
    args = parser.parse_args(argv)
    expected = Path(args.key).read_bytes() if args.key else None
    try:
        manifest = verify_package(args.package, expected)
    except VerificationError as exc:
        print(f"FAILED: {exc}")
        return 1
    print(f"OK: {len(manifest['items'])} files match manifest.json, and its signature is valid.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
