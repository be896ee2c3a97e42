"""Smoke test of a deployment: nginx (TLS) in front of gunicorn with production settings, on
loopback; checks the redirect to HTTPS, the security headers, static files, the request limits and
a real sign-in with password and one-time code.

    .venv/bin/python deploy/smoke.py --database-url postgres://postgres@127.0.0.1:5432/qorgau_smoke \\
        --redis-url redis://127.0.0.1:6379/6

The database is migrated and gets one staff account (`smoke.caseworker`) if it has none. Prints one
line per check and exits 1 if any failed. tests/deploy/test_smoke.py runs the same checks in CI.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

from deploy import stack as deploy_stack  # noqa: E402

REQUEST_MAX_MB = 1  # small, so the over-limit request is quick to send


def checks(stack, *, username: str, password: str, code) -> list[tuple[str, bool, str]]:
    """(what, ok, detail) for each check."""
    results = []

    def check(what, ok, detail=""):
        results.append((what, bool(ok), detail))

    client = stack.client()
    import http.client

    plain = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=10)
    plain.request("GET", "/en/")
    r = plain.getresponse()
    check(
        "plain HTTP redirects to HTTPS",
        r.status == 301 and r.headers["Location"].startswith("https://"),
        r.status,
    )
    plain.close()

    page = client.get("/en/")
    h = page.headers
    check("portal answers over TLS", page.status == 200, page.status)
    hsts = h.get_all("Strict-Transport-Security") or []
    check("one HSTS header, a year, preload", hsts == ["max-age=31536000; includeSubDomains; preload"], hsts)
    csp = h.get("Content-Security-Policy", "")
    check("CSP: scripts from this site only", "script-src 'self'" in csp and "default-src 'self'" in csp, csp)
    check("nosniff", h.get("X-Content-Type-Options") == "nosniff", h.get("X-Content-Type-Options"))
    check("no framing", h.get("X-Frame-Options") == "DENY", h.get("X-Frame-Options"))
    check("referrer policy", h.get("Referrer-Policy") == "same-origin", h.get("Referrer-Policy"))
    check("pages are not stored", h.get("Cache-Control") == "no-store", h.get("Cache-Control"))
    check("server version hidden", h.get("Server") == "nginx", h.get("Server"))

    manifest = json.loads((Path(stack.env["QORGAU_VAR_DIR"]) / "static" / "staticfiles.json").read_text())
    name = next(n for n in manifest["paths"].values() if n.endswith(".css"))
    static = client.get(f"/static/{name}", **{"Accept-Encoding": "gzip"})
    check(
        "static files from nginx, cached, compressed",
        static.status == 200
        and "public" in static.headers.get("Cache-Control", "")
        and static.headers.get("Content-Encoding") == "gzip"
        and "Content-Security-Policy" not in static.headers,  # Django never saw the request
        (static.status, static.headers.get("Cache-Control"), static.headers.get("Content-Encoding")),
    )

    big = client.request(
        "POST",
        "/en/contact/",
        body=b"x" * ((REQUEST_MAX_MB + 1) * 1024 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    check(f"request body over {REQUEST_MAX_MB} MB refused by nginx", big.status == 413, big.status)
    huge_header = client.get("/en/", **{"X-Padding": "y" * 20000})
    check("oversized header refused", huge_header.status in (400, 431, 494), huge_header.status)

    first = client.post_form("/accounts/sign-in/", {"username": username, "password": password})
    cookies = " ".join(first.headers.get_all("Set-Cookie") or [])
    check(
        "password step passes",
        first.status == 302 and "/sign-in/code/" in first.headers.get("Location", ""),
        first.status,
    )
    check(
        "session cookie is Secure and HttpOnly",
        "qorgau_session=" in cookies and "Secure" in cookies and "HttpOnly" in cookies,
        cookies[:120],
    )
    second = client.post_form("/accounts/sign-in/code/", {"code": code()})
    check(
        "one-time code signs in",
        second.status == 302 and second.headers.get("Location") == "/dashboard/",
        second.status,
    )
    dashboard = client.get("/dashboard/")
    check(
        "dashboard opens signed in",
        dashboard.status == 200 and b"/accounts/sign-out/" in dashboard.body,
        dashboard.status,
    )
    return results


SETUP_USER = """
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.oath import TOTP
from qorgau.accounts.models import Agency, User, UserRole
from qorgau.core.models import Region
agency, _ = Agency.objects.get_or_create(kind="crisis_centre", region=Region.objects.get(code="71"), name_en="Smoke test centre", defaults={"name_kk": "Smoke", "name_ru": "Smoke"})
user, _ = User.objects.get_or_create(username="smoke.caseworker", defaults={"agency": agency, "must_change_password": False})
user.set_password("%(password)s"); user.save()
UserRole.objects.get_or_create(user=user, role="caseworker")
device, _ = TOTPDevice.objects.get_or_create(user=user, name="smoke", defaults={"key": "%(key)s", "confirmed": True})
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    args = parser.parse_args(argv)
    password, key = "Smoke-Test-Password-2026", "31" * 20
    with tempfile.TemporaryDirectory(prefix="qorgau-smoke-") as tmp:
        env = deploy_stack.production_env(
            database_url=args.database_url,
            redis_url=args.redis_url,
            var_dir=Path(tmp),
            keys=deploy_stack.new_keys(),
        )
        deploy_stack.qorgau(env, "migrate", "--noinput", "-v", "0")
        subprocess.run(
            [
                str(deploy_stack.BIN / "qorgau"),
                "shell",
                "-c",
                SETUP_USER % {"password": password, "key": key},
            ],
            env=env,
            check=True,
        )

        def code():
            from django_otp.oath import TOTP

            return f"{TOTP(bytes.fromhex(key)).token():06d}"

        keys = {k: env[k] for k in deploy_stack.new_keys()}
        with deploy_stack.running(
            database_url=args.database_url,
            redis_url=args.redis_url,
            tmp=Path(tmp),
            keys=keys,
            workers=1,
            request_max_mb=REQUEST_MAX_MB,
        ) as stack:
            results = checks(stack, username="smoke.caseworker", password=password, code=code)
    for what, ok, detail in results:
        print(f"{'ok  ' if ok else 'FAIL'} {what}" + ("" if ok else f"  ({detail})"))
    return 0 if all(ok for _w, ok, _d in results) else 1


if __name__ == "__main__":
    sys.exit(main())
