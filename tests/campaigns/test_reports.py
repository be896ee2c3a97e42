"""Event reports: participants, messages, media links and photos (checked with Pillow)."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from qorgau.campaigns import images
from qorgau.campaigns.models import Event, EventReport, ReportPhoto

S = Event.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def image_bytes(fmt="JPEG", size=(64, 48), mode="RGB", exif_gps=False) -> bytes:
    out = BytesIO()
    image = Image.new(mode, size, (200, 30, 90, 128)[: len(mode)] if mode != "L" else 100)
    kwargs = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # camera maker
        exif[0x8825] = {1: "N", 2: (51.0, 10.0, 0.0), 3: "E", 4: (71.0, 26.0, 0.0)}  # GPS: near Astana
        kwargs["exif"] = exif
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def upload(name="photo.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(
        name, content if content is not None else image_bytes(), content_type=content_type
    )


def report_data(**overrides):
    data = {
        "participants_total": "120",
        "group_women": "70",
        "group_men": "50",
        "group_youth": "",
        "key_messages": "Zero tolerance. Call 111.",
        "recommendations": "Hold it every year.",
        "media_links": "https://news.example.invalid/a\n\nhttp://tv.example.invalid/b",
    }
    data.update(overrides)
    return data


def test_organiser_files_the_report_with_photos(world, client, login_client, make_event):
    event = make_event(status=S.HELD)
    login_client(world["organiser"])
    url = reverse("campaigns:event_report", args=[event.pk])
    assert client.get(url).status_code == 200
    data = report_data(photos=[upload(), upload("b.png", image_bytes("PNG", mode="RGBA"), "image/png")])
    response = client.post(url, data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == S.REPORTED
    report = EventReport.objects.get(event=event)
    assert report.participants_total == 120
    assert dict(report.participants.values_list("group", "count")) == {"women": 70, "men": 50}
    assert report.media_links == ["https://news.example.invalid/a", "http://tv.example.invalid/b"]
    assert sorted(event.photos.values_list("content_type", flat=True)) == ["image/jpeg", "image/png"]
    page = client.get(reverse("campaigns:event_detail", args=[event.pk])).content.decode()
    assert "Zero tolerance" in page and reverse("campaigns:photo", args=[event.photos.first().pk]) in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"participants_total": "-5"}, "greater than or equal to 1"),
        ({"participants_total": "many"}, "Enter a whole number"),
        ({"participants_total": "2000000"}, "less than or equal to 1000000"),
        ({"participants_total": "12.5"}, "Enter a whole number"),
        ({"group_women": "-1"}, "greater than or equal to 0"),
        ({"participants_total": "60"}, "cannot be smaller than the largest group (70)"),
        ({"media_links": "https://ok.example.invalid\nnot a link"}, "Link 2 is not a web address"),
        ({"media_links": "javascript:alert(1)"}, "Link 1 is not a web address"),
        ({"media_links": "ftp://files.example.invalid/x"}, "Link 1 is not a web address"),
        ({"key_messages": ""}, "This field is required"),
    ],
)
def test_bad_report_is_refused_and_nothing_changes(
    world, client, login_client, make_event, overrides, message
):
    event = make_event(status=S.HELD)
    login_client(world["organiser"])
    response = client.post(reverse("campaigns:event_report", args=[event.pk]), report_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    event.refresh_from_db()
    assert event.status == S.HELD and not EventReport.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"this is plain text, not a picture", "is not a JPEG, PNG or WebP photo"),
        ("script.png", b"\x89PNG\r\n\x1a\n<script>alert(1)</script>", "is not a JPEG, PNG or WebP photo"),
        ("anim.gif", None, "is not a JPEG, PNG or WebP photo"),
        ("truncated.jpg", None, "is not a JPEG, PNG or WebP photo"),
    ],
)
def test_files_that_are_not_photos_are_refused(
    world, client, login_client, make_event, name, content, message
):
    if name == "anim.gif":
        content = image_bytes("GIF", mode="L")
    if name == "truncated.jpg":
        content = image_bytes(size=(400, 400))[:300]
    event = make_event(status=S.HELD)
    login_client(world["organiser"])
    data = report_data(photos=[upload(name, content)])
    response = client.post(reverse("campaigns:event_report", args=[event.pk]), data)
    assert response.status_code == 400 and f"{name} {message}" in response.content.decode()
    event.refresh_from_db()
    assert event.status == S.HELD and not ReportPhoto.objects.exists() and not EventReport.objects.exists()


def test_oversize_photo_is_refused(world, client, login_client, make_event, settings):
    settings.QORGAU_PHOTO_MAX_BYTES = 2000
    event = make_event(status=S.HELD)
    login_client(world["organiser"])
    noisy = Image.frombytes("RGB", (300, 300), bytes(range(256)) * 1055)  # noise compresses badly
    out = BytesIO()
    noisy.save(out, "JPEG", quality=95)
    assert len(out.getvalue()) > 2000
    response = client.post(
        reverse("campaigns:event_report", args=[event.pk]),
        report_data(photos=[upload("big.jpg", out.getvalue())]),
    )
    assert response.status_code == 400 and "big.jpg is larger than" in response.content.decode()
    assert not ReportPhoto.objects.exists()


def test_too_many_pixels_is_refused(world, make_event):
    bomb = image_bytes("PNG", size=(8000, 6000), mode="L")  # 48 megapixels, a few kilobytes
    with pytest.raises(ValidationError) as exc:
        images.clean_photo(upload("bomb.png", bomb, "image/png"))
    assert "too many pixels" in str(exc.value)


def test_stored_photo_keeps_no_metadata(world, make_event, client, login_client):
    event = make_event(status=S.HELD)
    login_client(world["organiser"])
    with_gps = image_bytes(exif_gps=True)
    assert Image.open(BytesIO(with_gps)).getexif().get(0x8825)  # the upload has a GPS position
    client.post(
        reverse("campaigns:event_report", args=[event.pk]), report_data(photos=[upload("gps.jpg", with_gps)])
    )
    photo = ReportPhoto.objects.get()
    stored = photo.file.read()
    assert b"PhoneMaker" not in stored
    assert not Image.open(BytesIO(stored)).getexif()
    assert photo.file.name == f"campaigns/photos/{photo.pk}.jpg"  # never the uploader's file name


def test_photos_are_for_signed_in_staff_who_may_read_the_report(world, client, login_client, make_event):
    event = make_event(status=S.HELD)
    login_client(world["organiser"])
    client.post(reverse("campaigns:event_report", args=[event.pk]), report_data(photos=[upload()]))
    url = reverse("campaigns:photo", args=[ReportPhoto.objects.get().pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "no-store"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/sign-in/" in anonymous["Location"]
    login_client(world["almaty_organiser"])
    assert client.get(url).status_code == 404
    login_client(world["regional"])
    assert client.get(url).status_code == 200


def test_no_report_before_the_event_was_held(world, client, login_client, make_event):
    event = make_event(status=S.APPROVED)
    login_client(world["organiser"])
    assert client.get(reverse("campaigns:event_report", args=[event.pk])).status_code == 403
    assert client.post(reverse("campaigns:event_report", args=[event.pk]), report_data()).status_code == 403
    assert not EventReport.objects.exists()


def test_a_filed_report_can_be_corrected(world, client, login_client, make_event):
    event = make_event(status=S.HELD)
    login_client(world["organiser"])
    url = reverse("campaigns:event_report", args=[event.pk])
    client.post(url, report_data())
    assert client.post(url, report_data(participants_total="130", group_men="")).status_code == 302
    report = EventReport.objects.get()
    assert report.participants_total == 130
    assert dict(report.participants.values_list("group", "count")) == {"women": 70}
