"""Production settings refuse insecure configurations; demo-only commands refuse production."""

import os
import subprocess
import sys

import pytest

from qorgau.accounts.demo import demo_totp_key  # noqa: F401 - importable without side effects

GOOD = {
    "QORGAU_ENV": "production",
    "SECRET_KEY": "k" * 30 + "production-secret-for-tests-0123456789",
    "QORGAU_DATA_KEYS": "p1:cHJvZHVjdGlvbi1kYXRhLWtleS10ZXN0LTMyYnl0ZSE=",
    "QORGAU_INDEX_KEY": "cHJvZHVjdGlvbi1pbmRleC1rZXktdGVzdC0zMmJ5dGUhIQ==",
    "QORGAU_AUDIT_KEY": "cHJvZHVjdGlvbi1hdWRpdC1rZXktdGVzdC0zMmJ5dGUhIQ==",
    "QORGAU_EVIDENCE_SIGNING_KEY": "cHJvZHVjdGlvbi1ldmlkZW5jZS1zaWduaW5nLWtleSE=",
    "DATABASE_URL": "postgres://qorgau@127.0.0.1:5432/qorgau",
    "ALLOWED_HOSTS": "qorgau.example.kz",
}


def run_qorgau(*args, **overrides):
    prefixes = ("QORGAU_", "DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env.update(GOOD)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-m", "qorgau.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_production_with_good_settings_starts():
    result = run_qorgau("check")
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = run_qorgau("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "override,message",
    [
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        (
            {"SECRET_KEY": "demo-insecure-secret-key-qorgau-never-use-in-production-0123456789abcdef"},
            "SECRET_KEY",
        ),
        ({"QORGAU_DATA_KEYS": None}, "QORGAU_DATA_KEYS"),
        ({"QORGAU_DATA_KEYS": "demo1:ZGVtby1kYXRhLWtleS1xb3JnYXUtMzItYnl0ZXMhISE="}, "QORGAU_DATA_KEYS"),
        ({"QORGAU_INDEX_KEY": None}, "QORGAU_INDEX_KEY"),
        ({"QORGAU_AUDIT_KEY": None}, "QORGAU_AUDIT_KEY"),
        ({"QORGAU_EVIDENCE_SIGNING_KEY": None}, "QORGAU_EVIDENCE_SIGNING_KEY"),
        (
            {"QORGAU_EVIDENCE_SIGNING_KEY": "ZGVtby1ldmlkZW5jZS1zaWduaW5nLWtleS0zMmJ5dGU="},
            "QORGAU_EVIDENCE_SIGNING_KEY",
        ),
        ({"QORGAU_EVIDENCE_SIGNING_KEY": "not-a-key"}, "QORGAU_EVIDENCE_SIGNING_KEY"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_insecure_settings(override, message):
    result = run_qorgau("check", **override)
    assert result.returncode == 2
    assert "refuses to start in production" in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_unset_mode_means_production():
    result = run_qorgau("check", QORGAU_ENV=None, SECRET_KEY=None)
    assert result.returncode == 2 and "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("command", [["demo-otp", "caseworker.astana"], ["demo-data"], ["demo-signins"]])
def test_demo_commands_refuse_production(command):
    result = run_qorgau(*command)
    assert result.returncode != 0
    assert "Refused" in (result.stdout + result.stderr)


def test_unknown_mode_is_refused():
    result = run_qorgau("check", QORGAU_ENV="staging")
    assert result.returncode == 2 and "QORGAU_ENV" in result.stderr


def test_the_demo_site_address_follows_the_port_it_serves(tmp_path):
    """`PORT=18100 make run`: letters' QR codes and e-mailed links must point at :18100, and the
    demo's e-mails go to files under var/mail/ rather than in full to the terminal."""
    code = (
        "from django.conf import settings as s; print(s.QORGAU_SITE_URL, s.EMAIL_BACKEND, s.EMAIL_FILE_PATH)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QORGAU_", "PORT", "EMAIL_URL"))}
    env.update(QORGAU_ENV="demo", PORT="18100", QORGAU_VAR_DIR=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-m", "qorgau.cli", "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    url, backend, path = out.stdout.strip().splitlines()[-1].split()
    assert url == "http://127.0.0.1:18100"
    assert backend == "django.core.mail.backends.filebased.EmailBackend" and path == str(tmp_path / "mail")
