"""The repository holds what it should: nothing stray at its root (a screenshot once was)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXPECTED_AT_ROOT = {
    ".ci",
    ".gitignore",
    "Makefile",
    "README.md",
    "bench",
    "deploy",
    "docs",
    "package-lock.json",
    "package.json",
    "pyproject.toml",
    "requirements",
    "scripts",
    "src",
    "tests",
}


@pytest.mark.skipif(not (ROOT / ".git").exists() or not shutil.which("git"), reason="not a git checkout")
def test_nothing_stray_is_committed_at_the_root():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    top = {line.split("/", 1)[0] for line in tracked.splitlines()}
    assert top <= EXPECTED_AT_ROOT, f"unexpected at the repository root: {sorted(top - EXPECTED_AT_ROOT)}"
