"""Browser tests: Playwright driving the system Chromium (/usr/bin/chromium or $CHROMIUM).

Without Chromium the tests are skipped with a clear reason, unless QORGAU_REQUIRE_BROWSER=1 (CI):
then every browser test runs and fails on the missing Chromium, and the run exits non-zero.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves (fixtures, checks) are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def pytest_collection_modifyitems(config, items):
    have = Path(CHROMIUM).exists()
    for item in items:
        if "/tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)
            if not have and os.environ.get("QORGAU_REQUIRE_BROWSER") != "1":
                item.add_marker(pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (set CHROMIUM)"))
            elif not have:
                item.add_marker(pytest.mark.usefixtures("chromium_required"))


@pytest.fixture
def chromium_required():
    pytest.fail(f"QORGAU_REQUIRE_BROWSER=1 but Chromium is missing at {CHROMIUM}", pytrace=False)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium missing at {CHROMIUM}")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _new_page(browser, live_server, with_axe=False):
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1200, "height": 900}
    )
    context.set_default_timeout(15000)
    if with_axe:
        # Injected through the DevTools protocol, so the page's strict CSP stays as it is.
        context.add_init_script(path=str(AXE))
    pg = context.new_page()
    pg.csp_violations = []
    pg.on("console", lambda msg: "Content Security Policy" in msg.text and pg.csp_violations.append(msg.text))
    return context, pg


@pytest.fixture(autouse=True)
def _regions_after_flush(transactional_db):
    from tests.conftest import ensure_regions

    ensure_regions()


@pytest.fixture
def page(browser, live_server):
    context, pg = _new_page(browser, live_server)
    yield pg
    context.close()
    assert pg.csp_violations == [], "the page broke its Content-Security-Policy"


@pytest.fixture
def axe_page(browser, live_server):
    context, pg = _new_page(browser, live_server, with_axe=True)
    yield pg
    context.close()
    assert pg.csp_violations == [], "the page broke its Content-Security-Policy"


def run_axe(page) -> list[dict]:
    """Serious and critical accessibility violations on the current page (axe-core, vendored)."""
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
