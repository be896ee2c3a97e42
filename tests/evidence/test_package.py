"""The package for court: verifiable with standard tools and `qorgau evidence verify`; one changed
byte, a removed or added file, a swapped signature or a re-signed manifest fail with a clear
message; the export is in every item's chain of custody; a time-stamp authority (mocked network)."""

import hashlib
import io
import json
import shutil
import subprocess
import zipfile

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.evidence.conftest import jpeg_with_gps, upload_file

from qorgau.accounts.roles import Role
from qorgau.core.models import AuditEvent
from qorgau.evidence import package, services
from qorgau.evidence.models import EvidenceExport, EvidenceItem
from qorgau.evidence.verify import VerificationError, verify_package


@pytest.fixture
def prosecutor(make_user, centre):
    return make_user(Role.PROSECUTOR, agency=centre)


@pytest.fixture
def exported(worker, case, login_client, prosecutor, api_client, tmp_path):
    login_client(worker).post(
        f"/evidence/{case.pk}/files/", {"section": "legal", "file": upload_file("photo.jpg", jpeg_with_gps())}
    )
    services.evidence_message_add(actor=worker, case=case, section="general", text="Мен сені табамын.")
    response = api_client(prosecutor).post(
        f"/api/v1/cases/{case.pk}/evidence/export/", {"purpose": "court"}, format="json"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    path = tmp_path / "package.zip"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def rewrite(source, target, change):
    """Copy a ZIP, letting `change(name, data)` return new bytes, or None to drop the entry."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = change(name, old.read(name))
            if data is not None:
                new.writestr(name, data)
    return target


def test_the_package_verifies_and_holds_the_originals(exported, case):
    manifest = verify_package(exported, package.public_key_pem())
    assert [e["kind"] for e in manifest["items"]] == ["file", "message"]
    with zipfile.ZipFile(exported) as archive:
        original = archive.read(manifest["items"][0]["path"])
        assert (
            original == jpeg_with_gps()
            or hashlib.sha256(original).hexdigest() == manifest["items"][0]["sha256"]
        )
        assert "Мен сені табамын." in archive.read(manifest["items"][1]["path"]).decode()
        assert {"manifest.json", "manifest.sig", "signing-key.pem", "SHA256SUMS", "README.txt"} <= set(
            archive.namelist()
        )
    item = EvidenceItem.objects.get(kind="file")
    assert manifest["items"][0]["sha256"] == item.sha256
    assert "export" in [c["event"] for c in manifest["items"][0]["custody"]]
    assert (
        EvidenceExport.objects.get().manifest_sha256
        == hashlib.sha256(zipfile.ZipFile(exported).read("manifest.json")).hexdigest()
    )
    assert (
        AuditEvent.objects.filter(action="evidence.export", object_id=str(item.pk), purpose="court").count()
        == 1
    )


@pytest.mark.skipif(
    not shutil.which("openssl") or not shutil.which("sha256sum"), reason="needs openssl and sha256sum"
)
def test_standard_tools_verify_it(exported, tmp_path):
    folder = tmp_path / "out"
    with zipfile.ZipFile(exported) as archive:
        archive.extractall(folder)
    sums = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert sums.returncode == 0, sums.stdout + sums.stderr
    signed = subprocess.run(
        [
            "openssl",
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            "signing-key.pem",
            "-rawin",
            "-in",
            "manifest.json",
            "-sigfile",
            "manifest.sig",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert signed.returncode == 0 and "Signature Verified Successfully" in signed.stdout


def _fail(path, message, key=True):
    with pytest.raises(VerificationError, match=message):
        verify_package(path, package.public_key_pem() if key else None)


def test_one_changed_byte_is_named(exported, tmp_path):
    def change(name, data):
        if name.startswith("originals/01-"):
            data = bytearray(data)
            data[100] ^= 1
            return bytes(data)
        return data

    _fail(rewrite(exported, tmp_path / "t.zip", change), r"originals/01-.*SHA-256 does not match")


def test_a_removed_file_and_an_added_file_are_named(exported, tmp_path):
    removed = rewrite(exported, tmp_path / "r.zip", lambda n, d: None if n.startswith("originals/02-") else d)
    _fail(removed, "listed in the manifest but missing")
    with zipfile.ZipFile(exported) as old, zipfile.ZipFile(tmp_path / "a.zip", "w") as new:
        for name in old.namelist():
            new.writestr(name, old.read(name))
        new.writestr("originals/03-extra.jpg", b"\xff\xd8\xff planted")
    _fail(tmp_path / "a.zip", "originals/03-extra.jpg is in the package but not in the manifest")


def test_a_swapped_signature_or_a_changed_manifest_fails(exported, tmp_path):
    swapped = rewrite(exported, tmp_path / "s.zip", lambda n, d: bytes(64) if n == "manifest.sig" else d)
    _fail(swapped, "signature of manifest.json does not match")

    def edit(name, data):
        if name == "manifest.json":
            return data.replace(b'"purpose": "court"', b'"purpose": "review"')
        return data

    _fail(rewrite(exported, tmp_path / "m.zip", edit), "signature of manifest.json does not match")


def test_a_re_signed_package_fails_against_the_platform_key(exported, tmp_path):
    forger = Ed25519PrivateKey.generate()
    pem = forger.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with zipfile.ZipFile(exported) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    manifest["purpose"] = "review"
    forged = json.dumps(manifest).encode()

    def change(name, data):
        return {"manifest.json": forged, "manifest.sig": forger.sign(forged), "signing-key.pem": pem}.get(
            name, data
        )

    path = rewrite(exported, tmp_path / "f.zip", change)
    verify_package(path)  # consistent in itself...
    _fail(path, "not the platform's published key")  # ...but not signed by the platform


def test_the_command_names_the_first_mismatch(exported, tmp_path, capsys):
    call_command("evidence", "verify", str(exported))
    assert "OK: 2 files match" in capsys.readouterr().out
    broken = rewrite(exported, tmp_path / "b.zip", lambda n, d: None if n == "manifest.sig" else d)
    with pytest.raises(CommandError, match=r"manifest\.sig is missing"):
        call_command("evidence", "verify", str(broken))
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not a readable ZIP"):
        call_command("evidence", "verify", str(tmp_path / "junk.zip"))


def test_only_exporters_export_and_only_what_they_see(worker, case, api_client, login_client):
    services.evidence_message_add(actor=worker, case=case, section="legal", text="threat")
    refused = api_client(worker).post(
        f"/api/v1/cases/{case.pk}/evidence/export/", {"purpose": "court"}, format="json"
    )
    assert refused.status_code == 403 and not EvidenceExport.objects.exists()


def test_bad_purpose_is_a_400_and_nothing_is_exported(exported, case, prosecutor, api_client):
    before = EvidenceExport.objects.count()
    response = api_client(prosecutor).post(
        f"/api/v1/cases/{case.pk}/evidence/export/", {"purpose": "fun"}, format="json"
    )
    assert response.status_code == 400 and "purpose" in response.json()["error"]["fields"]
    assert EvidenceExport.objects.count() == before


class FakeAnswer(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_a_timestamp_authority_stamps_the_manifest(worker, case, prosecutor, settings, monkeypatch):
    settings.QORGAU_EVIDENCE_TSA_URL = "https://tsa.invalid/tsr"
    seen = {}

    def urlopen(request, timeout):
        seen["body"], seen["type"] = request.data, request.headers["Content-type"]
        digest = request.data[-(32 + 3 + 9 + 3) :]  # not parsed here: the server echoes the imprint
        imprint = request.data[request.data.index(b"\x04\x20") + 2 : request.data.index(b"\x04\x20") + 34]
        return FakeAnswer(b"\x30\x82\x00\x10\x30\x03\x02\x01\x00" + b"token:" + imprint + digest[:0])

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    services.evidence_message_add(actor=worker, case=case, section="legal", text="threat")
    result = package.evidence_export(actor=prosecutor, case=case, purpose="court")
    data = b"".join(result.stream)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        tsr = archive.read("manifest.tsr")
        assert hashlib.sha256(archive.read("manifest.json")).digest() in tsr
    assert seen["type"] == "application/timestamp-query" and EvidenceExport.objects.get().timestamped


def test_a_refusing_timestamp_authority_exports_nothing(worker, case, prosecutor, settings, monkeypatch):
    from django.core.exceptions import ValidationError

    settings.QORGAU_EVIDENCE_TSA_URL = "https://tsa.invalid/tsr"
    monkeypatch.setattr(
        "urllib.request.urlopen", lambda request, timeout: FakeAnswer(b"\x30\x05\x30\x03\x02\x01\x02")
    )
    services.evidence_message_add(actor=worker, case=case, section="legal", text="threat")
    with pytest.raises(ValidationError, match="refused"):
        package.evidence_export(actor=prosecutor, case=case, purpose="court")
    assert not EvidenceExport.objects.exists()
    assert not AuditEvent.objects.filter(action="evidence.export").exists()
