"""Downloads: the same suppression in every format and language, text never a formula, the audit
run before anything leaves — a weak pattern gives an error, never a file."""

import subprocess
from io import BytesIO

import pytest
from openpyxl import load_workbook
from tests.stats.conftest import STATISTICS

from qorgau.stats import exports
from qorgau.stats.refresh import rebuild


@pytest.fixture
def figures(caseworker, open_case, analyst, login_client, client):
    from datetime import timedelta

    from django.utils import timezone

    # Last month: the default period is the last twelve whole months.
    day = timezone.localdate().replace(day=1) - timedelta(days=10)
    for _ in range(2):
        open_case(caseworker, consents=[STATISTICS], incident={"occurred_on": day, "reported_on": day})
    rebuild()
    login_client(analyst)
    return client


def test_formula_text_is_neutralised():
    assert exports.safe_text('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert exports.safe_text("+7 700") == "'+7 700" and exports.safe_text("Astana") == "Astana"


@pytest.mark.parametrize("lang,word", [("kk", "Оқиғалар"), ("ru", "Случаи"), ("en", "Incidents")])
def test_every_format_in_every_language_marks_suppressed_figures(figures, lang, word):
    csv = figures.get(f"/stats/download/incidents/?format=csv&lang={lang}")
    assert csv.status_code == 200 and word in csv.content.decode("utf-8-sig")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert any(",x" in line for line in lines)  # one small region: suppressed, not 0
    book = load_workbook(BytesIO(figures.get(f"/stats/download/incidents/?format=xlsx&lang={lang}").content))
    values = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    assert "x" in values and not any(isinstance(v, str) and v.startswith("=") for v in values)
    pdf = figures.get(f"/stats/download/incidents/?format=pdf&lang={lang}").content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert word in text and " x" in text.replace("\n", " ")


def test_a_weak_pattern_is_refused_before_any_byte_leaves(figures, monkeypatch):
    from qorgau.stats import release as release_module

    original = release_module.publish

    def weak(tables, rules=None):
        published = original(tables, rules)
        # The national totals published: each region's small count is the total minus zeros.
        published.suppressed = frozenset(c for c in published.suppressed if c.get("region") != "*")
        return published

    monkeypatch.setattr("qorgau.stats.figures.publish", weak)
    for fmt in ("csv", "xlsx", "pdf"):
        response = figures.get(f"/stats/download/incidents/?format={fmt}")
        assert response.status_code == 409
        assert response["Content-Type"].startswith("text/plain")


def test_bad_download_requests_get_a_clear_error(figures):
    assert figures.get("/stats/download/incidents/?format=docx").status_code == 400
    assert figures.get("/stats/download/incidents/?format=csv&start=2026-99").status_code == 400
