"""The package's PDF summary for the court: Kazakh and Russian, items with their full SHA-256,
custody and how to verify; listed in manifest.json and SHA256SUMS, checked like every file."""

import hashlib
import json
import shutil
import subprocess
import zipfile

import pytest
from tests.evidence.test_package import exported, prosecutor, rewrite  # noqa: F401 - fixtures

from qorgau.evidence import package
from qorgau.evidence.models import EvidenceItem
from qorgau.evidence.verify import VerificationError, verify_package

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is missing"
)


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_summary_is_in_kazakh_and_russian_with_hashes_custody_and_how_to_verify(exported, case, tmp_path):  # noqa: F811
    manifest = verify_package(exported, package.public_key_pem())
    with zipfile.ZipFile(exported) as archive:
        pdf = archive.read("summary.pdf")
        sums = archive.read("SHA256SUMS").decode()
    assert manifest["summary"]["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert f"{hashlib.sha256(pdf).hexdigest()}  summary.pdf" in sums
    text = _text(pdf, tmp_path)
    assert "Сотқа арналған дәлелдемелер пакеті" in text  # Kazakh letters intact
    assert "Пакет доказательств для суда" in text
    assert "Сақтау тізбегі" in text and "Цепочка хранения" in text
    item = EvidenceItem.objects.get(kind="file")
    assert item.sha256[:32] in text and item.sha256[32:] in text
    assert case.number in text and "sha256sum -c SHA256SUMS" in text
    assert text.index("Сотқа арналған") < text.index("Пакет доказательств")  # Kazakh first


def test_a_changed_summary_fails_verification(exported, tmp_path):  # noqa: F811
    def change(name, data):
        return data.replace(b"/Producer", b"/Produced") if name == "summary.pdf" else data

    with pytest.raises(VerificationError, match=r"summary\.pdf: its SHA-256 does not match"):
        verify_package(rewrite(exported, tmp_path / "changed.zip", change))


def test_a_removed_summary_fails_verification(exported, tmp_path):  # noqa: F811
    target = rewrite(
        exported, tmp_path / "cut.zip", lambda name, data: None if name == "summary.pdf" else data
    )
    with pytest.raises(VerificationError, match=r"summary\.pdf is listed in the manifest but missing"):
        verify_package(target)


def test_the_manifest_lists_the_summary_under_its_signature(exported):  # noqa: F811
    with zipfile.ZipFile(exported) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["summary"]["path"] == "summary.pdf" and manifest["summary"]["languages"] == ["kk", "ru"]
