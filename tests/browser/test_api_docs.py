"""The interactive API docs work offline, from this server, under the strict CSP."""

from playwright.sync_api import expect


def test_api_docs_render_from_local_assets(page, live_server):
    external = []
    page.on("request", lambda req: None if req.url.startswith(live_server.url) else external.append(req.url))
    page.goto("/api/v1/docs/")
    expect(page.get_by_text("Qorgau API").first).to_be_visible()
    expect(page.locator(".opblock-summary-path").filter(has_text="/api/v1/cases/").first).to_be_visible()
    assert external == []  # nothing from a CDN
