"""Kazakh and Russian pages of every role carry no English: the demo world is built in a
throwaway database, then every role walks its pages in both languages (tests/language_scan.py).

A finding names the page, the word and the phrase around it. Names stored as entered, codes,
addresses and terms the same in every language are not findings (see the scan's docstring)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCAN = Path(__file__).with_name("language_scan.py")


def _run(args, env, timeout=900):
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args[2:]} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    var = tmp_path_factory.mktemp("demo-world")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("QORGAU_", "DATABASE_URL", "TEST_DATABASE_URL"))
    }
    env.update(QORGAU_ENV="demo", QORGAU_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="qorgau.settings")
    qorgau = [sys.executable, "-m", "qorgau.cli"]
    for command in (["migrate", "--noinput", "-v", "0"], ["createcachetable"], ["demo-data"]):
        _run([*qorgau, *command], env)
    out = var / "scan.json"
    _run([sys.executable, str(SCAN), str(out)], env)
    return json.loads(out.read_text(encoding="utf-8"))


def test_every_role_was_walked_in_both_languages(report):
    walked = {key.rsplit("/", 1)[0] for key in report}
    assert len(walked) >= 10, sorted(walked)
    assert all(report[key]["pages"] >= 3 for key in report), {k: v["pages"] for k, v in report.items()}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_english_on_kazakh_or_russian_pages(report, lang):
    findings = {key: v["findings"] for key, v in report.items() if key.endswith(f"/{lang}") and v["findings"]}
    lines = [f"{key} {path}: {words}" for key, pages in findings.items() for path, words in pages.items()]
    assert not lines, f"{len(lines)} pages show English words:\n" + "\n".join(lines[:40])
