"""The evidence package for court: a ZIP anyone can check years later with standard tools.

    originals/01-<item id>.<ext>   the original bytes (a link or a message: a UTF-8 text file)
    manifest.json                  every file's SHA-256 and size, capture and upload times, custody
    manifest.sig                   Ed25519 signature of manifest.json (64 raw bytes)
    signing-key.pem                the platform's public key (also at /evidence/signing-key.pem)
    SHA256SUMS                     for `sha256sum -c SHA256SUMS`
    summary.pdf                    the summary for the court in Kazakh and Russian (items, hashes,
                                   custody, how to verify); its hash is in the manifest
    README.txt                     how to verify with sha256sum and openssl
    manifest.tsr                   an RFC 3161 timestamp of manifest.json (when a TSA is configured)

Every stored file is read back and checked (each chunk opens, the SHA-256 matches) before anything
is sent. The ZIP is written as it streams: the originals are never held whole in memory.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.cases.models import Case
from qorgau.core.audit import audit_record
from qorgau.evidence import policies, selectors, sniff, storage
from qorgau.evidence.models import EvidenceExport, EvidenceItem
from qorgau.evidence.verify import FORMAT

README = """Qorgau evidence package {export_id}
Case {case}, exported {exported_at} by {who} ({agency}).

Check it with standard tools, without Qorgau:

1. The files are the originals:
       sha256sum -c SHA256SUMS
   Every line must say OK. (Each hash is also in manifest.json.) summary.pdf is the same
   content for the court in Kazakh and Russian; it is checked by the same line.

2. The manifest was signed by the platform (Ed25519, OpenSSL 1.1.1 or later):
       openssl pkeyutl -verify -pubin -inkey signing-key.pem -rawin -in manifest.json -sigfile manifest.sig
   It must say "Signature Verified Successfully".

3. The key is the platform's: compare signing-key.pem with the key published at
   {key_url}
   (SHA-256 of the raw public key: {fingerprint}).

4. If manifest.tsr is present, the manifest existed at the time the authority stamped:
       openssl ts -verify -data manifest.json -in manifest.tsr -CAfile <the authority's certificate>

Or, with Python and the `cryptography` package: python -m qorgau.evidence.verify PACKAGE.zip --key signing-key.pem
"""


def signing_key() -> Ed25519PrivateKey:
    seed = settings.QORGAU_EVIDENCE_SIGNING_KEY
    if not seed:
        raise ValidationError(
            _("Evidence packages cannot be signed: the platform's signing key is not configured.")
        )
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed))


def public_key_pem() -> bytes:
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def key_fingerprint() -> str:
    raw = signing_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def extension(item: EvidenceItem) -> str:
    if item.kind != EvidenceItem.Kind.FILE:
        return "txt"
    kind = sniff.TYPES.get(item.content_type)
    return kind.extensions[0] if kind else "bin"


def _text_of(item: EvidenceItem) -> bytes:
    """A link or a message as a text file: what was seen, when and by whom."""
    if item.kind == EvidenceItem.Kind.URL:
        lines = [item.url, f"observed_at: {item.captured_at.isoformat() if item.captured_at else ''}"]
        lines.append(f"observed_by: {item.observed_by}")
    else:
        lines = [
            f"sender: {item.message_sender}",
            f"sent_at: {item.captured_at.isoformat() if item.captured_at else ''}",
        ]
        lines += ["", item.message_text]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- RFC 3161 (only when QORGAU_EVIDENCE_TSA_URL is set) ----------------------------------------


def _der(tag: int, body: bytes) -> bytes:
    length = len(body)
    if length < 0x80:
        return bytes([tag, length]) + body
    size = (length.bit_length() + 7) // 8
    return bytes([tag, 0x80 | size]) + length.to_bytes(size, "big") + body


SHA256_OID = bytes.fromhex("0609608648016503040201")  # 2.16.840.1.101.3.4.2.1


def timestamp_request(digest: bytes, nonce: int) -> bytes:
    """A DER TimeStampReq: version 1, SHA-256 imprint, a nonce, certReq true."""
    algorithm = _der(0x30, SHA256_OID + b"\x05\x00")
    imprint = _der(0x30, algorithm + _der(0x04, digest))
    nonce_bytes = nonce.to_bytes((nonce.bit_length() + 8) // 8, "big")
    return _der(0x30, b"\x02\x01\x01" + imprint + _der(0x02, nonce_bytes) + b"\x01\x01\xff")


def fetch_timestamp(digest: bytes) -> bytes:
    """The authority's TimeStampResp for the digest; refuses a rejection or a token that does
    not carry this digest."""
    import secrets

    url = settings.QORGAU_EVIDENCE_TSA_URL
    if not url.startswith(("https://", "http://")):
        raise ValidationError(_("The time-stamp authority's address must start with https://."))
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=timestamp_request(digest, secrets.randbits(63)),
        headers={"Content-Type": "application/timestamp-query"},
    )
    try:
        timeout = settings.QORGAU_EVIDENCE_TSA_TIMEOUT_SECONDS
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            body = answer.read(1024 * 1024)
    except OSError:
        raise ValidationError(_("The time-stamp authority did not answer. Nothing was exported.")) from None
    # TimeStampResp ::= SEQUENCE { status PKIStatusInfo ::= SEQUENCE { status INTEGER, ... }, token }
    head = body[:16]
    granted = body[:1] == b"\x30" and (b"\x30\x03\x02\x01\x00" in head or b"\x30\x03\x02\x01\x01" in head)
    if not granted or digest not in body:
        raise ValidationError(_("The time-stamp authority refused the request. Nothing was exported."))
    return body


# --- The export ----------------------------------------------------------------------------------


@dataclass
class ExportResult:
    export: EvidenceExport
    manifest: bytes
    stream: Iterator[bytes]


class _Sink(io.RawIOBase):
    """An unseekable stream the ZIP writer writes into; the response takes what it wrote."""

    def __init__(self):
        self._parts: list[bytes] = []

    def writable(self):
        return True

    def write(self, data):
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def evidence_export(*, actor, case: Case, purpose: str) -> ExportResult:
    """Check every item, record the export (one custody event per item), sign the manifest, and
    return the ZIP as a stream. Only the sections the actor sees are exported."""
    if not policies.can_export(actor, case):
        raise PermissionDenied
    key = signing_key()
    from qorgau.cases.policies import case_access

    access = case_access(actor, case)
    items = list(
        EvidenceItem.objects.filter(case_id=case.pk, section__in=sorted(access.sections)).select_related(
            "added_by", "agency"
        )
    )
    if not items:
        raise ValidationError(_("There is no evidence to export."))
    for item in items:
        if item.kind == EvidenceItem.Kind.FILE:
            try:
                storage.verify(item.pk, storage.item_key(item), item.sha256, item.size)
            except storage.TamperedError:
                raise ValidationError(
                    _(
                        "A stored file does not match its recorded hash. Nothing was exported; tell the administrator."
                    )
                ) from None
    with transaction.atomic():
        export = EvidenceExport(
            case=case,
            items=[str(i.pk) for i in items],
            purpose=purpose,
            exported_by=actor,
            agency_id=actor.agency_id,
            exported_at=timezone.now(),
        )
        for item in items:
            audit_record(actor=actor, action="evidence.export", obj=item, case_id=case.pk, purpose=purpose)
        entries, texts = [], {}
        for number, item in enumerate(items, start=1):
            path = f"originals/{number:02d}-{item.pk}.{extension(item)}"
            if item.kind == EvidenceItem.Kind.FILE:
                sha256, size = item.sha256, item.size
            else:
                texts[path] = _text_of(item)
                sha256, size = hashlib.sha256(texts[path]).hexdigest(), len(texts[path])
            entries.append(
                {
                    "path": path,
                    "item": str(item.pk),
                    "kind": item.kind,
                    "content_type": item.content_type or "text/plain; charset=utf-8",
                    "sha256": sha256,
                    "size": size,
                    "section": item.section,
                    "captured_at": item.captured_at.isoformat() if item.captured_at else None,
                    "uploaded_at": item.added_at.isoformat(),
                    "uploaded_by": item.added_by.username,
                    "uploaded_from": item.agency.name,
                    "custody": [
                        {
                            "at": e.at.isoformat(),
                            "event": e.action,
                            "who": e.who,
                            "agency": e.agency,
                            "why": e.purpose,
                        }
                        for e in selectors.custody_events(item)
                    ],
                }
            )
        manifest = {
            "format": FORMAT,
            "export": str(export.pk),
            "case": case.number,
            "exported_at": export.exported_at.isoformat(),
            "exported_by": actor.username,
            "exported_from": actor.agency.name if actor.agency else "",
            "purpose": purpose,
            "signature": {"algorithm": "Ed25519", "key_sha256": key_fingerprint(), "file": "manifest.sig"},
            "items": entries,
        }
        from qorgau.evidence.summary import summary_pdf

        summary = summary_pdf(manifest)
        manifest["summary"] = {
            "path": "summary.pdf",
            "sha256": hashlib.sha256(summary).hexdigest(),
            "size": len(summary),
            "languages": ["kk", "ru"],
        }
        manifest_bytes = (
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"
        )
        signature = key.sign(manifest_bytes)
        tsr = (
            fetch_timestamp(hashlib.sha256(manifest_bytes).digest())
            if settings.QORGAU_EVIDENCE_TSA_URL
            else None
        )
        export.manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
        export.signature = signature.hex()
        export.timestamped = tsr is not None
        export.save(force_insert=True)
        audit_record(
            actor=actor,
            action="evidence.package",
            obj=export,
            case_id=case.pk,
            purpose=purpose,
            detail={"items": len(items), "manifest_sha256": export.manifest_sha256},
        )
    readme = README.format(
        export_id=export.pk,
        case=case.number,
        exported_at=export.exported_at.isoformat(),
        who=actor.username,
        agency=manifest["exported_from"],
        key_url=f"{settings.QORGAU_SITE_URL}/evidence/signing-key.pem",
        fingerprint=key_fingerprint(),
    ).encode("utf-8")
    sums = "".join(f"{e['sha256']}  {e['path']}\n" for e in entries).encode("utf-8")
    sums += f"{manifest['summary']['sha256']}  summary.pdf\n".encode()
    sums += f"{export.manifest_sha256}  manifest.json\n".encode()
    fixed = {
        "manifest.json": manifest_bytes,
        "manifest.sig": signature,
        "signing-key.pem": public_key_pem(),
        "SHA256SUMS": sums,
        "README.txt": readme,
        "summary.pdf": summary,
    }
    if tsr is not None:
        fixed["manifest.tsr"] = tsr
    return ExportResult(export, manifest_bytes, _zip_stream(items, entries, texts, fixed))


def _zip_stream(items, entries, texts, fixed) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in fixed.items():
            archive.writestr(name, data)
            yield sink.take()
        for item, entry in zip(items, entries, strict=True):
            with archive.open(entry["path"], "w", force_zip64=True) as target:
                if entry["path"] in texts:
                    target.write(texts[entry["path"]])
                else:
                    key = storage.item_key(item)
                    for chunk in storage.read_chunks(item.pk, key):
                        target.write(chunk)
                        yield sink.take()
            yield sink.take()
    yield sink.take()
