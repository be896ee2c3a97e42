"""Start Qorgau as production runs it, on loopback: gunicorn with production settings, nginx in
front with TLS, the huey worker. Used by the smoke script (deploy/smoke.py), the proxy and crash
tests, and the load test (bench/load/run.py).

Everything listens on 127.0.0.1 only; each process is started here, remembered by its Popen, and
stopped by its own pid.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PORTS = range(
    int(os.environ.get("QORGAU_STACK_PORT_MIN", "18600")),
    int(os.environ.get("QORGAU_STACK_PORT_MAX", "18699")) + 1,
)


def free_port(taken=()) -> int:
    """A loopback port of this project's range that nothing listens on."""
    for port in PORTS:
        if port in taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in the range")


def new_keys() -> dict:
    """Fresh production keys (never the published demo ones)."""

    def key() -> str:
        return base64.b64encode(secrets.token_bytes(32)).decode()

    return {
        "SECRET_KEY": secrets.token_urlsafe(60),
        "QORGAU_DATA_KEYS": f"bench1:{key()}",
        "QORGAU_INDEX_KEY": key(),
        "QORGAU_AUDIT_KEY": key(),
        "QORGAU_EVIDENCE_SIGNING_KEY": key(),
    }


def production_env(*, database_url: str, redis_url: str, var_dir: Path, keys: dict, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QORGAU_", "DJANGO_"))}
    env.pop("TEST_DATABASE_URL", None)
    env.update(keys)
    env.update(
        QORGAU_ENV="production",
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CACHE_URL=redis_url,
        QORGAU_BROKER_URL=redis_url,
        QORGAU_VAR_DIR=str(var_dir),
        QORGAU_PROXY_COUNT="1",
        QORGAU_SITE_URL="https://127.0.0.1",
        LOG_LEVEL="WARNING",
        PATH=f"{BIN}:{env.get('PATH', '')}",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def qorgau(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "qorgau"), *args], env=env, cwd=REPO, check=check, capture_output=True, text=True
    )


def _static_stamp() -> str:
    """Changes when a static source file or a pinned package changes."""
    digest = hashlib.sha256((REPO / "requirements" / "run.lock").read_bytes())
    for path in sorted((REPO / "src" / "qorgau").glob("**/static/**/*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_static(env: dict) -> None:
    """`qorgau collectstatic` as production runs it (hashed names, compressed copies). That takes
    minutes on a busy machine, so the result is kept under var/stack-static and copied while no
    source changed."""
    cache, stamp = REPO / "var" / "stack-static", _static_stamp()
    target = Path(env["QORGAU_VAR_DIR"]) / "static"
    if not (cache / ".stamp").is_file() or (cache / ".stamp").read_text() != stamp:
        shutil.rmtree(cache, ignore_errors=True)
        qorgau(  # the package's settings: `qorgau` cannot import bench/ (the floor's settings)
            dict(
                env,
                QORGAU_VAR_DIR=str(cache.parent / "stack-static-build"),
                DJANGO_SETTINGS_MODULE="qorgau.settings",
            ),
            "collectstatic",
            "--noinput",
            "-v",
            "0",
        )
        (cache.parent / "stack-static-build" / "static").rename(cache)
        shutil.rmtree(cache.parent / "stack-static-build", ignore_errors=True)
        (cache / ".stamp").write_text(stamp)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(cache, target)
    # nginx's workers run as an unprivileged user: they must be able to walk to the files.
    for path in [target.parent, target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def _wait_port(port: int, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {seconds} s")


def stop(proc: subprocess.Popen | None, sig=signal.SIGTERM, seconds: float = 20) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class Stack:
    env: dict
    tmp: Path
    web_port: int = 0
    https_port: int = 0
    http_port: int = 0
    procs: dict = field(default_factory=dict)

    # --- processes ---------------------------------------------------------------------------
    def start_web(self, workers: int = 2, threads: int = 4) -> subprocess.Popen:
        self.web_port = self.web_port or free_port()
        env = dict(
            self.env,
            QORGAU_WEB_BIND=f"127.0.0.1:{self.web_port}",
            QORGAU_WEB_WORKERS=str(workers),
            QORGAU_WEB_THREADS=str(threads),
            QORGAU_WEB_ACCESS_LOG=str(self.tmp / "access.log"),
        )
        proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(DEPLOY / "gunicorn.conf.py"), "qorgau.wsgi"],
            env=env,
            cwd=REPO,
            stdout=open(self.tmp / "web.log", "ab"),  # noqa: SIM115 - the process owns it
            stderr=subprocess.STDOUT,
        )
        self.procs["web"] = proc
        _wait_port(self.web_port, proc)
        return proc

    def start_worker(self) -> subprocess.Popen:
        proc = subprocess.Popen(
            [str(BIN / "qorgau"), "run_huey", "--quiet"],
            env=self.env,
            cwd=REPO,
            stdout=open(self.tmp / "worker.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        self.procs["worker"] = proc
        return proc

    def start_nginx(self, request_max_mb: int = 60, signin_per_minute: int = 30) -> subprocess.Popen:
        from deploy.render import render

        self.https_port = self.https_port or free_port({self.web_port})
        self.http_port = self.http_port or free_port({self.web_port, self.https_port})
        nginx_dir = self.tmp / "nginx"
        (nginx_dir / "tmp").mkdir(parents=True, exist_ok=True)
        (nginx_dir / "tmp").chmod(0o777)
        cert, key = nginx_dir / "cert.pem", nginx_dir / "key.pem"
        openssl = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
        subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        subprocess.run(
            [*openssl.split(), *subject, "-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
        )
        site = render(
            (DEPLOY / "nginx" / "qorgau.conf.template").read_text(),
            {
                "QORGAU_SERVER_NAME": "127.0.0.1 localhost",
                "QORGAU_HTTPS_LISTEN": f"127.0.0.1:{self.https_port}",
                "QORGAU_HTTP_LISTEN": f"127.0.0.1:{self.http_port}",
                "QORGAU_TLS_CERT": cert,
                "QORGAU_TLS_KEY": key,
                "QORGAU_UPSTREAM": f"127.0.0.1:{self.web_port}",
                "QORGAU_STATIC_ROOT": Path(self.env["QORGAU_VAR_DIR"]) / "static",
                "QORGAU_REQUEST_MAX_MB": request_max_mb,
                "QORGAU_SIGNIN_PER_MINUTE": signin_per_minute,
                "QORGAU_DEPLOY_DIR": DEPLOY,
            },
        )
        (nginx_dir / "qorgau.conf").write_text(site)
        tmp = nginx_dir / "tmp"
        (nginx_dir / "nginx.conf").write_text(
            f"""worker_processes 1;
pid {nginx_dir}/nginx.pid;
error_log {nginx_dir}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {nginx_dir}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {nginx_dir}/qorgau.conf;
}}
"""
        )
        proc = subprocess.Popen(
            [NGINX, "-p", str(nginx_dir), "-c", str(nginx_dir / "nginx.conf"), "-g", "daemon off;"],
            stdout=open(nginx_dir / "stdout.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        self.procs["nginx"] = proc
        _wait_port(self.https_port, proc)
        return proc

    def stop_all(self) -> None:
        for name in ("nginx", "web", "worker"):
            stop(self.procs.pop(name, None), signal.SIGQUIT if name == "nginx" else signal.SIGTERM)

    def web_worker_pids(self) -> list[int]:
        """The gunicorn workers (children of the master), by pid."""
        master = self.procs["web"].pid
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def client(self, source: str = "127.0.0.1") -> Client:
        return Client(self.https_port, source)


def start_stack(
    *,
    database_url: str,
    redis_url: str,
    tmp: Path,
    keys: dict,
    workers=2,
    threads=4,
    worker=False,
    request_max_mb=60,
    signin_per_minute=30,
    **extra,
) -> Stack:
    # Outside pytest's private temporary directory: nginx's workers must reach the static files.
    var_dir = Path(tempfile.mkdtemp(prefix="qorgau-var-"))
    var_dir.chmod(0o755)
    stack = Stack(
        env=production_env(
            database_url=database_url, redis_url=redis_url, var_dir=var_dir, keys=keys, **extra
        ),
        tmp=tmp,
    )
    collect_static(stack.env)
    try:
        stack.start_web(workers, threads)
        stack.start_nginx(request_max_mb, signin_per_minute)
        if worker:
            stack.start_worker()
    except Exception:
        stack.stop_all()
        raise
    return stack


# --- A small HTTPS client: cookies, CSRF, a chosen loopback source address -------------------------


class Client:
    """Talks to nginx over TLS from one loopback address (127.0.0.2, 127.0.0.3, ... are all this
    machine), keeping cookies like a browser."""

    def __init__(self, port: int, source: str = "127.0.0.1"):
        self.port, self.source = port, source
        self.cookies: dict[str, str] = {}
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE  # our own self-signed certificate

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=self.context, source_address=(self.source, 0), timeout=30
        )
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.setdefault("Accept-Language", "en")
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or "expires=Thu, 01 Jan 1970" in header:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        response.body = data
        return response

    def get(self, path: str, **headers):
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, data: dict, **headers):
        """POST a form the way a browser does after loading it: CSRF cookie and token, Referer."""
        if "csrftoken" not in self.cookies:
            self.get(path)
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        headers.setdefault("Referer", f"https://127.0.0.1:{self.port}{path}")
        headers.setdefault("Origin", f"https://127.0.0.1:{self.port}")
        return self.request("POST", path, body=urlencode(fields).encode(), headers=headers)

    def sign_in(self, username: str, password: str, code) -> http.client.HTTPResponse:
        """Password, then the one-time code (`code` is called for a fresh one); returns the
        answer of the code step (302 to the dashboard when it worked)."""
        first = self.post_form("/accounts/sign-in/", {"username": username, "password": password})
        if first.status != 302:
            return first
        step = urlsplit(first.headers["Location"]).path
        return self.post_form(step, {"code": code()})


@contextlib.contextmanager
def running(**kwargs):
    stack = start_stack(**kwargs)
    try:
        yield stack
    finally:
        stack.stop_all()
        shutil.rmtree(stack.env["QORGAU_VAR_DIR"], ignore_errors=True)
