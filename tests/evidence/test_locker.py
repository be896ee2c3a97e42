"""The locker through its screens and the API: streamed upload, refused files leave nothing,
access per agency and section, custody, preview without EXIF, translated errors."""

import hashlib
import io

import pytest
from tests.evidence.conftest import jpeg_with_gps, stored_files, upload_file

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.cases import services as case_services
from qorgau.core.models import AuditEvent
from qorgau.evidence import services, storage
from qorgau.evidence.models import EvidenceItem

PNG_HEAD = b"\x89PNG\r\n\x1a\n"


def add_file(client, case, name="photo.jpg", data=None, content_type="image/jpeg", section="legal", **extra):
    return client.post(
        f"/evidence/{case.pk}/files/",
        {
            "section": section,
            "description": "Screenshot of his messages",
            **extra,
            "file": upload_file(name, data, content_type),
        },
    )


def test_a_photo_is_streamed_encrypted_in_chunks(worker, case, login_client, media, monkeypatch):
    peaks = []
    finish = storage.ChunkWriter.finish

    def spy(self):
        peaks.append((self.peak_buffered, self.chunk_bytes))
        return finish(self)

    monkeypatch.setattr(storage.ChunkWriter, "finish", spy)
    data = jpeg_with_gps() + b"\x00" * 20000  # trailing bytes: a JPEG decoder ignores them
    response = add_file(login_client(worker), case, data=data)
    assert response.status_code == 302, response.content[:500]
    item = EvidenceItem.objects.get()
    assert item.sha256 == hashlib.sha256(data).hexdigest() and item.size == len(data)
    assert item.content_type == "image/jpeg" and item.chunk_count == -(-len(data) // 4096)
    assert peaks == [(4096, 4096)]  # never more than one chunk of plaintext held
    (stored,) = stored_files(media)
    assert data[:200] not in stored.read_bytes()
    assert AuditEvent.objects.filter(action="evidence.add", case_id=case.pk).count() == 1


@pytest.mark.parametrize(
    "name,data,content_type",
    [
        ("photo.jpg", b"MZ\x90\x00\x03" + b"\x00" * 3000, "image/jpeg"),  # a program named as a photo
        ("photo.jpg", b"%PDF-1.7\n" + b"x" * 3000, "image/jpeg"),  # a PDF named as a photo
        ("photo.jpg", b"%PDF-1.7\n" + b"x" * 3000, "application/octet-stream"),  # ... sent as bytes
        ("notes.docx", b"PK\x03\x04" + b"\x00" * 22 + b"\x07\x00\x00\x00evil.sh" + b"x" * 900, ""),
        ("page.html", b"<html><script>alert(1)</script></html>" * 50, "text/html"),
        ("scan.pdf", b"%PDF-1.7\n" + b"x" * 3000, "image/png"),  # declared as something else
        ("empty.png", b"", "image/png"),
    ],
)
def test_a_disguised_or_disallowed_file_is_refused_and_nothing_is_stored(
    worker, case, login_client, media, name, data, content_type
):
    response = add_file(login_client(worker), case, name=name, data=data, content_type=content_type)
    assert response.status_code == 400
    assert "This type of file is not accepted" in response.content.decode()
    assert not EvidenceItem.objects.exists() and stored_files(media) == []
    assert not AuditEvent.objects.filter(action="evidence.add").exists()


def test_an_oversize_file_stops_at_the_limit_and_leaves_nothing(worker, case, login_client, media, settings):
    settings.QORGAU_EVIDENCE_LIMITS_MB = {**settings.QORGAU_EVIDENCE_LIMITS_MB, "image": 1}
    data = PNG_HEAD + b"\x00" * (3 * 1024 * 1024)
    response = add_file(login_client(worker), case, name="big.png", data=data, content_type="image/png")
    assert response.status_code == 400
    assert "larger than allowed" in response.content.decode()
    assert not EvidenceItem.objects.exists() and stored_files(media) == []


def test_a_refused_section_leaves_nothing(worker, case, api_client, media):
    response = api_client(worker).post(
        f"/api/v1/cases/{case.pk}/evidence/", {"section": "gossip", "file": upload_file()}, format="multipart"
    )
    assert response.status_code == 400 and "section" in response.json()["error"]["fields"]
    assert not EvidenceItem.objects.exists() and stored_files(media) == []


def test_preview_strips_exif_and_the_original_keeps_its_bytes(worker, case, login_client):
    from PIL import Image

    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get(0x8825)  # the upload has a location
    client = login_client(worker)
    add_file(client, case, data=data)
    item = EvidenceItem.objects.get()
    preview = client.get(f"/evidence/{case.pk}/items/{item.pk}/preview/")
    assert preview.status_code == 200 and preview["Content-Type"] == "image/png"
    shown = Image.open(io.BytesIO(preview.content))
    assert not shown.getexif() and "exif" not in shown.info and shown.size == (320, 200)
    original = client.get(f"/evidence/{case.pk}/items/{item.pk}/original/?purpose=court")
    body = b"".join(original.streaming_content)
    assert body == data and hashlib.sha256(body).hexdigest() == item.sha256


def test_custody_lists_every_view_download_and_who(worker, case, login_client):
    client = login_client(worker)
    add_file(client, case)
    item = EvidenceItem.objects.get()
    b"".join(
        client.get(f"/evidence/{case.pk}/items/{item.pk}/original/?purpose=investigation").streaming_content
    )
    page = client.get(f"/evidence/{case.pk}/items/{item.pk}/").content.decode()
    actions = list(
        AuditEvent.objects.filter(object_id=str(item.pk)).order_by("seq").values_list("action", "purpose")
    )
    assert actions == [
        ("evidence.add", ""),
        ("evidence.download", "investigation"),
        ("evidence.view", "custody"),
    ]
    assert worker.username in page and worker.agency.name in page
    assert "original downloaded" in page and "For the investigation" in page


def test_another_agency_gets_404_everywhere_and_it_is_audited(
    worker, case, login_client, make_user, make_agency, api_client
):
    add_file(login_client(worker), case)
    item = EvidenceItem.objects.get()
    stranger = make_user(Role.POLICE_OFFICER, agency=make_agency(Agency.Kind.POLICE, "75"))
    client, api = login_client(stranger), api_client(stranger)
    for url in (
        f"/evidence/{case.pk}/",
        f"/evidence/{case.pk}/items/{item.pk}/",
        f"/evidence/{case.pk}/items/{item.pk}/original/?purpose=court",
        f"/evidence/{case.pk}/items/{item.pk}/preview/",
    ):
        assert client.get(url).status_code == 404, url
    assert api.get(f"/api/v1/cases/{case.pk}/evidence/{item.pk}/").status_code == 404
    assert (
        api.post(f"/api/v1/cases/{case.pk}/evidence/export/", {"purpose": "court"}, format="json").status_code
        == 404
    )
    assert (
        AuditEvent.objects.filter(action="case.view_denied", actor_id=stranger.pk, case_id=case.pk).count()
        == 6
    )
    assert not AuditEvent.objects.filter(
        action__in=["evidence.view", "evidence.download"], actor_id=stranger.pk
    ).exists()


def test_a_share_shows_only_the_sections_it_opens(
    worker, case, make_user, make_agency, api_client, login_client
):
    services.evidence_message_add(
        actor=worker, case=case, section="general", text="Secret-general-msg", sender="+7 700 000 11 22"
    )
    legal = services.evidence_message_add(actor=worker, case=case, section="legal", text="Secret-legal-msg")
    police = make_agency(Agency.Kind.POLICE)
    case_services.emergency_grant(
        actor=make_user(Role.SUPERVISOR, agency=worker.agency),
        case=case,
        agency=police,
        sections=["general"],
        hours=4,
        reason="Threats to kill her tonight, says the police",
    )
    officer = make_user(Role.POLICE_OFFICER, agency=police)
    api = api_client(officer)
    listed = api.get(f"/api/v1/cases/{case.pk}/evidence/").json()
    assert [i["message_text"] for i in listed] == ["Secret-general-msg"]
    assert api.get(f"/api/v1/cases/{case.pk}/evidence/{legal.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="evidence.view_denied", object_id=str(legal.pk)).count() == 1
    assert "Secret-legal-msg" not in login_client(officer).get(f"/evidence/{case.pk}/").content.decode()


def test_api_links_and_messages_with_translated_400s(worker, case, api_client):
    worker.language = "ru"
    worker.save()
    api = api_client(worker)
    url = f"/api/v1/cases/{case.pk}/evidence/"
    bad = api.post(
        url,
        {"kind": "url", "section": "legal", "url": "https://example.org/p/1"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert bad.status_code == 400 and "observed_at" in bad.json()["error"]["fields"]
    assert "Обязательное поле." in str(bad.json()["error"]["fields"]["observed_at"])
    future = api.post(
        url,
        {
            "kind": "url",
            "section": "legal",
            "url": "https://example.org/p/1",
            "observed_at": "2999-01-01T10:00",
            "observed_by": "her sister",
        },
        format="json",
    )
    assert future.status_code == 400 and "observed_at" in future.json()["error"]["fields"]
    nothing = api.post(url, {"kind": "telepathy"}, format="json")
    assert nothing.status_code == 400 and "file" in nothing.json()["error"]["fields"]
    assert not EvidenceItem.objects.exists()
    ok = api.post(
        url,
        {
            "kind": "url",
            "section": "legal",
            "url": "https://example.org/p/1",
            "observed_at": "2026-01-05T10:00",
            "observed_by": "her sister",
        },
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["url"] == "https://example.org/p/1" and ok.json()["observed_by"] == "her sister"


def test_a_download_needs_a_reason(worker, case, login_client, api_client):
    client = login_client(worker)
    add_file(client, case)
    item = EvidenceItem.objects.get()
    asked = client.get(f"/evidence/{case.pk}/items/{item.pk}/original/")
    assert asked.status_code == 200 and "Every download is recorded" in asked.content.decode()
    assert client.get(f"/evidence/{case.pk}/items/{item.pk}/original/?purpose=fun").status_code == 400
    response = api_client(worker).get(f"/api/v1/cases/{case.pk}/evidence/{item.pk}/original/?purpose=fun")
    assert response.status_code == 400 and "purpose" in response.json()["error"]["fields"]
    assert not AuditEvent.objects.filter(action="evidence.download").exists()


def test_a_tampered_file_is_not_served(worker, case, login_client):
    client = login_client(worker)
    add_file(client, case)
    item = EvidenceItem.objects.get()
    path = storage.path_for(item.pk)
    raw = bytearray(path.read_bytes())
    raw[40] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(storage.TamperedError):
        client.get(f"/evidence/{case.pk}/items/{item.pk}/original/?purpose=court")
