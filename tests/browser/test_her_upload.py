"""Her own upload page on a phone (390×844): she sends a screenshot with no account, sees a plain
"received", the page fits the screen, sets no cookie, breaks no CSP rule, and the quick exit
leaves at once. The file lands, encrypted, in her case's locker."""

import io
import re

import pytest
from playwright.sync_api import expect

from qorgau.evidence import services
from qorgau.evidence.models import EvidenceItem

PHONE = {"width": 390, "height": 844}
NEUTRAL = "https://neutral.test/weather"


@pytest.fixture
def phone(browser, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.QORGAU_QUICK_EXIT_URL = NEUTRAL
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=PHONE, is_mobile=True)
    context.set_default_timeout(15000)
    context.route(
        re.compile(r"https://neutral\.test/.*"),
        lambda route: route.fulfill(status=200, content_type="text/html", body="<title>Weather</title>"),
    )
    pg = context.new_page()
    pg.csp_violations = []
    pg.on("console", lambda msg: "Content Security Policy" in msg.text and pg.csp_violations.append(msg.text))
    yield pg
    assert pg.csp_violations == [], "the page broke its Content-Security-Policy"
    assert context.cookies() == [], "her page left a cookie in her browser"
    context.close()


def _screenshot() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (390, 844), (90, 140, 220)).save(out, format="PNG")
    return out.getvalue()


def test_she_sends_a_screenshot_from_her_phone(phone, make_user, make_agency, open_case):
    from qorgau.accounts.models import Agency
    from qorgau.accounts.roles import Role

    worker = make_user(Role.CASEWORKER, agency=make_agency(Agency.Kind.CRISIS_CENTRE))
    case = open_case(worker)
    _link, token = services.upload_link_create(actor=worker, case=case, section="legal", max_files=2)
    phone.goto(f"/ru/u/{token}/")
    phone.get_by_role("link", name="English").click()  # the language switch keeps her link
    expect(phone.get_by_role("heading", name="Send files")).to_be_visible()
    assert phone.title() == "Files"
    exit_box = phone.locator("#quick-exit").bounding_box()
    assert exit_box and exit_box["x"] >= 0 and exit_box["x"] + exit_box["width"] <= PHONE["width"]
    assert exit_box["y"] + exit_box["height"] <= PHONE["height"]
    phone.locator("#her-file").set_input_files(
        {"name": "Screenshot_2026-01-05.png", "mimeType": "image/png", "buffer": _screenshot()}
    )
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#sent")).to_have_text("Received. Thank you.")
    assert "Screenshot_2026" not in phone.content()
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    expect(phone.get_by_text("You can send 1 more file through this page.")).to_be_visible()
    item = EvidenceItem.objects.get()
    assert item.case_id == case.pk and item.content_type == "image/png" and item.upload_link_id
    phone.get_by_role("link", name="Quick exit").click()
    phone.wait_for_url(NEUTRAL)
