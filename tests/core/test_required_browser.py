"""QORGAU_REQUIRE_BROWSER=1 (CI) without Chromium is a failed run, never a pass with "xfailed"."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_browser_test(**env):
    return subprocess.run(  # a separate pytest: the browser plugin decides at collection time
        [sys.executable, "-m", "pytest", "tests/browser/test_api_docs.py", "-q", "-p", "no:randomly", "-x"],
        cwd=ROOT,
        # On SQLite: the run under test must not touch this run's PostgreSQL test database.
        env={
            **{k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"},
            "QORGAU_ENV": "test",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_required_browser_that_is_missing_fails_the_run():
    result = run_browser_test(QORGAU_REQUIRE_BROWSER="1", CHROMIUM="/nonexistent/chromium")
    assert result.returncode != 0, result.stdout
    assert (
        "Chromium missing at /nonexistent/chromium" in result.stdout or "Chromium is missing" in result.stdout
    )
    summary = result.stdout.strip().splitlines()[-1]
    assert (
        "xfail" not in result.stdout
        and "passed" not in summary
        and ("error" in summary or "failed" in summary)
    )
