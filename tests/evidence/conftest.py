import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.QORGAU_EVIDENCE_CHUNK_BYTES = 4096
    return Path(settings.MEDIA_ROOT)


def stored_files(media: Path) -> list[Path]:
    return (
        [p for p in (media / "evidence").rglob("*") if p.is_file()] if (media / "evidence").exists() else []
    )


def jpeg_with_gps() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (320, 200), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (51.0, 10.0, 0.0), 3: "E", 4: (71.0, 26.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def upload_file(name="photo.jpg", data=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, jpeg_with_gps() if data is None else data, content_type=content_type)


@pytest.fixture
def centre(make_agency):
    return make_agency(Agency.Kind.CRISIS_CENTRE)


@pytest.fixture
def worker(make_user, centre):
    return make_user(Role.CASEWORKER, agency=centre)


@pytest.fixture
def case(worker, open_case):
    return open_case(worker)
