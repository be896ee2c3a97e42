"""A 200 MB evidence upload through the real path, against gunicorn on loopback with production
settings: her upload link (/en/u/<token>/), the streaming handler, sniffing, SHA-256 and
AES-256-GCM chunks on disk. Prints the web worker's peak resident memory above its idle size
(goal < 64 MB) and the upload's throughput beside a floor measured in the same run on the same
file: `sha256sum` then `openssl enc -aes-256-ctr`, one after the other (goal >= 0.5x the floor).

    .venv/bin/python bench/evidence_upload.py                  # 200 MiB, one run
    .venv/bin/python bench/evidence_upload.py --mb 20          # a quick look

Needs PostgreSQL and Redis on loopback (TEST_DATABASE_URL's server, REDIS_URL). A scratch
database `<name>` is created and dropped; one gunicorn worker (one thread) is started and stopped
by its own pid. Nothing leaves the machine.
"""

import argparse
import hashlib
import http.client
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO)]

from deploy import stack as deploy_stack  # noqa: E402

BIN = Path(sys.executable).parent
MIB = 1024 * 1024
BLOCK = 1024 * 1024

SETUP = r"""
import django, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
sys.path.insert(0, %(repo)r)
django.setup()
from qorgau.accounts.models import Agency, User, UserRole
from qorgau.core.models import Region
from qorgau.core.regions import load_regions
from qorgau.cases.services import case_open
from qorgau.evidence import services
from tests.helpers import CASE_FIELDS, incident_data, survivor_data
if not Region.objects.exists():
    load_regions(Region)
agency = Agency.objects.create(kind="crisis_centre", region_id="71", name_kk="Bench", name_ru="Bench", name_en="Bench")
user = User.objects.create(username="bench.worker", agency=agency, must_change_password=False)
UserRole.objects.create(user=user, role="caseworker")
case, _w = case_open(actor=user, survivor=survivor_data(), case_fields=dict(CASE_FIELDS),
    incident=incident_data(), perpetrator=None, account="Bench", consents=[])
link, token = services.upload_link_create(actor=user, case=case, section="legal", max_files=1)
print("TOKEN=" + token)
"""

CHECK = r"""
import django, os, sys, json
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
django.setup()
from qorgau.evidence.models import EvidenceItem
item = EvidenceItem.objects.get()
print("ITEM=" + json.dumps({"sha256": item.sha256, "size": item.size, "type": item.content_type}))
"""


def make_file(path: Path, size: int) -> str:
    """An MP4-looking file (an `ftyp` box, then random bytes: incompressible, like video)."""
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        head = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
        out.write(head)
        digest.update(head)
        left = size - len(head)
        while left > 0:
            block = os.urandom(min(BLOCK, left))
            out.write(block)
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def floor_seconds(path: Path) -> tuple[float, float]:
    """`sha256sum` then `openssl enc -aes-256-ctr` on the same file (the cache is warm for both,
    as it is for the upload, which reads the same file)."""
    started = time.perf_counter()
    subprocess.run(["sha256sum", str(path)], check=True, capture_output=True)
    sha = time.perf_counter() - started
    key, iv = secrets.token_hex(32), secrets.token_hex(16)
    started = time.perf_counter()
    subprocess.run(
        ["openssl", "enc", "-aes-256-ctr", "-K", key, "-iv", iv, "-in", str(path), "-out", os.devnull],
        check=True,
        capture_output=True,
    )
    return sha, time.perf_counter() - started


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


class Sampler(threading.Thread):
    """The worker's resident size every 10 ms while the upload runs."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.01)


def upload(port: int, path_url: str, file: Path) -> tuple[int, str, float]:
    boundary = "----qorgau-bench-" + secrets.token_hex(8)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="video.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = file.stat().st_size

    def body():
        yield head
        with open(file, "rb") as handle:
            while block := handle.read(256 * 1024):
                yield block
        yield tail

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(len(head) + size + len(tail)),
        "X-Forwarded-Proto": "https",  # as nginx says it
        "X-Forwarded-For": "127.0.0.1",
        "Host": "127.0.0.1",
    }
    started = time.perf_counter()
    conn.request("POST", path_url, body=body(), headers=headers)
    response = conn.getresponse()
    response.read()
    seconds = time.perf_counter() - started
    conn.close()
    return response.status, response.headers.get("Location", ""), seconds


def get(port: int, path_url: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "GET",
        path_url,
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1", "Host": "127.0.0.1"},
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=200, help="file size in MiB (default 200)")
    parser.add_argument("--database", default="qorgau_bench_evidence_upload")
    args = parser.parse_args(argv)
    server = urlsplit(os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x"))
    admin = f"postgres://{server.username or 'postgres'}@{server.hostname}:{server.port or 5432}"
    database_url = f"{admin}/{args.database}"
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3")
    pg = ["-h", server.hostname, "-p", str(server.port or 5432), "-U", server.username or "postgres"]
    subprocess.run(["dropdb", "--if-exists", *pg, args.database], check=True)
    subprocess.run(["createdb", *pg, args.database], check=True)
    tmp = Path(tempfile.mkdtemp(prefix="qorgau-bench-upload-"))
    web = None
    try:
        env = deploy_stack.production_env(
            database_url=database_url,
            redis_url=redis_url,
            var_dir=tmp / "var",
            keys=deploy_stack.new_keys(),
            QORGAU_WEB_TIMEOUT="600",
            QORGAU_EVIDENCE_UPLOAD_LINK_PER_ADDRESS="1000",
        )
        deploy_stack.qorgau(env, "migrate", "--no-input")
        deploy_stack.collect_static(env)
        out = subprocess.run(
            [sys.executable, "-c", SETUP % {"repo": str(REPO)}],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        if out.returncode:
            print(out.stderr)
            return 1
        token = next(line[6:] for line in out.stdout.splitlines() if line.startswith("TOKEN="))
        file = tmp / "video.mp4"
        expected = make_file(file, args.mb * MIB)
        size = file.stat().st_size

        stack = deploy_stack.Stack(env=env, tmp=tmp)
        web = stack.start_web(workers=1, threads=1)
        (pid,) = stack.web_worker_pids()
        page = f"/en/u/{token}/"
        for _n in range(3):  # warm: imports, templates, connections
            status = get(stack.web_port, page)
            if status != 200:
                print(f"her page answered {status}:\n" + (tmp / "web.log").read_text()[-3000:])
                return 1
        time.sleep(0.5)
        idle = rss_kib(pid)
        sampler = Sampler(pid)
        sampler.start()
        status, location, upload_seconds = upload(stack.web_port, page, file)
        sampler.running = False
        sampler.join()
        peak = max(sampler.peak, rss_kib(pid))
        if status != 303 or not location.endswith("?sent=1"):
            print(f"upload answered {status} {location}; see {tmp / 'web.log'}")
            return 1
        check = subprocess.run(
            [sys.executable, "-c", CHECK], env=env, cwd=REPO, capture_output=True, text=True
        )
        item = json.loads(next(line[5:] for line in check.stdout.splitlines() if line.startswith("ITEM=")))
        assert item["sha256"] == expected and item["size"] == size, item

        sha_seconds, aes_seconds = floor_seconds(file)
        floor_seconds_total = sha_seconds + aes_seconds
        mb = size / 1e6
        upload_rate, floor_rate = mb / upload_seconds, mb / floor_seconds_total
        above = (peak - idle) / 1024
        print(f"file: {size / MIB:.0f} MiB ({size} bytes), stored as {item['type']}, SHA-256 matches")
        print(
            f"web worker RSS: idle {idle / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB, above idle {above:.1f} MiB (goal < 64)"
        )
        print(
            f"upload through her link (HTTP on loopback, stream + sniff + SHA-256 + AES-GCM + fsync): {upload_seconds:.2f} s, {upload_rate:.0f} MB/s"
        )
        print(
            f"floor: sha256sum {sha_seconds:.2f} s + openssl enc -aes-256-ctr {aes_seconds:.2f} s = {floor_seconds_total:.2f} s, {floor_rate:.0f} MB/s"
        )
        print(f"upload / floor: {upload_rate / floor_rate:.2f}x (goal >= 0.5x)")
        ok = above < 64 and upload_rate >= 0.5 * floor_rate
        print("GOALS MET" if ok else "GOALS NOT MET")
        return 0 if ok else 2
    finally:
        if web is not None:
            deploy_stack.stop(web)
        shutil.rmtree(tmp, ignore_errors=True)
        subprocess.run(["dropdb", "--if-exists", *pg, args.database], check=False)


if __name__ == "__main__":
    sys.exit(main())
