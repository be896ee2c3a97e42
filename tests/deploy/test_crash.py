"""kill -9 in the middle of a burst of writes: a web worker, and the job worker.

Production settings behind nginx, PostgreSQL and Redis. Eight clients open cases and refer them
through the API while a gunicorn worker is killed twice (the master starts a new one) and the huey
worker is killed and started again. Afterwards: every write that was answered 2xx is in the
database, no case or referral is half-written, every notification's e-mail went out exactly once
(the job a killed worker held is lost with Redis; the sweep sends it), and `audit verify` is clean.
"""

import json
import os
import re
import signal
import socketserver
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from tests.deploy.test_behind_nginx import REDIS_URL, _database_url, _require_nginx

from deploy import stack as deploy_stack
from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.accounts.services import token_create
from qorgau.cases.models import Case, CaseEvent
from qorgau.core.models import AuditEvent
from qorgau.notifications.models import Notification
from qorgau.people.models import Person
from qorgau.referrals.models import Referral

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
CLIENTS, SECONDS, MAX_PER_CLIENT = 8, float(os.environ.get("QORGAU_CRASH_SECONDS", "20")), 80


def _intake(n: int) -> dict:
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    return {
        "survivor": {
            "entry_point": "crisis_centre",
            "priority": "normal",
            "given_name": "Сәуле",
            "family_name": f"Апаттықова{n}",
            "sex": "F",
            "birth_date": "1988-04-05",
            "phone": f"+7700000{n % 10000:04d}",
            "region": "71",
            "disability": "none",
            "citizenship": "KZ",
            "contact_channel": "call",
        },
        "incident": {
            "occurred_on": yesterday,
            "region": "71",
            "place": "home",
            "q_physical_assault": True,
            "harmful_practice": "none",
            "weapon": "none",
            "injuries": "minor",
            "perpetrator_relationship": "current_partner",
            "perpetrator_sex": "M",
            "account": "He hit her at home.",
        },
        "consents": [
            {"purpose": "referral", "recipient_kind": "legal_aid", "method": "verbal", "given_by": "survivor"}
        ],
    }


def _clear_jobs():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter("huey*"):
        client.delete(key)


def _kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)


class SlowMailServer(socketserver.ThreadingTCPServer):
    """The mail server outside the machine, played on loopback: it speaks enough SMTP for Django
    and takes its time accepting each message, so a killed job worker is caught mid-send."""

    daemon_threads = allow_reuse_address = True

    def __init__(self, port: int, delay: float):
        self.delay, self.messages, self.sending = delay, [], 0
        super().__init__(("127.0.0.1", port), _SmtpHandler)


class _SmtpHandler(socketserver.StreamRequestHandler):
    def _say(self, line: str):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self._say("220 sink")
        while line := self.rfile.readline():
            verb = line.decode(errors="replace").strip().split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250 sink")
            elif verb == "DATA":
                self._say("354 go on")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data.decode(errors="replace"))
                self.server.sending += 1
                time.sleep(self.server.delay)
                self.server.messages.append("".join(lines))
                self.server.sending -= 1
                self._say("250 accepted")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 ok")


def test_acknowledged_writes_survive_kill_9(transactional_db, make_agency, make_user, tmp_path):
    _require_nginx()
    _clear_jobs()
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, "71")
    lawyers = make_agency(Agency.Kind.LEGAL_AID, "71")
    worker = make_user(Role.CASEWORKER, agency=centre, username="crash.caseworker")
    receivers = [make_user(Role.LAWYER, agency=lawyers, username=f"crash.lawyer{n}") for n in (1, 2)]
    for n, user in enumerate(receivers):
        user.email = f"lawyer{n}@example.invalid"
        user.save(update_fields=["email"])
    keys = deploy_stack.new_keys()
    server_keys = {k: v for k, v in keys.items() if k.startswith("QORGAU_")}
    with override_settings(**server_keys):  # its audit event is chained with the server's key
        _token, secret = token_create(actor=worker, name="crash")
    mail_server = SlowMailServer(deploy_stack.free_port(), delay=1.0)
    threading.Thread(target=mail_server.serve_forever, daemon=True).start()

    stack = deploy_stack.start_stack(
        database_url=_database_url(),
        redis_url=REDIS_URL,
        tmp=tmp_path,
        keys=keys,
        workers=2,
        threads=4,
        worker=True,
        EMAIL_URL=f"smtp://127.0.0.1:{mail_server.server_address[1]}",
        QORGAU_EMAIL_RETRY_MINUTES=0,
    )
    answered = {"cases": [], "referrals": [], "failed": 0}
    stop, record = threading.Event(), threading.Lock()

    def api(client, path, body):
        return client.request(
            "POST",
            path,
            body=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
        )

    def burst(index):
        client = stack.client(f"127.0.0.{10 + index}")
        for n in range(MAX_PER_CLIENT):
            if stop.is_set():
                return
            try:
                opened = api(client, "/api/v1/cases/", _intake(index * 1000 + n))
                if opened.status != 201:
                    raise OSError(opened.status)
                case_id = json.loads(opened.body)["id"]
                with record:
                    answered["cases"].append(case_id)
                sent = api(
                    client,
                    "/api/v1/referrals/",
                    {
                        "case": case_id,
                        "service": "legal_aid",
                        "to_agency": lawyers.pk,
                        "note": "Needs a lawyer.",
                    },
                )
                if sent.status != 201:
                    raise OSError(sent.status)
                with record:
                    answered["referrals"].append(json.loads(sent.body)["id"])
            except OSError:  # a killed worker's connection, a 502 from nginx: not acknowledged
                with record:
                    answered["failed"] += 1

    killed = []
    try:
        # First the job worker must be up (its start takes long on a busy machine): one referral,
        # and its e-mails arrive.
        warm = stack.client("127.0.0.9")
        opened = api(warm, "/api/v1/cases/", _intake(9999))
        assert opened.status == 201, opened.status
        case_id = json.loads(opened.body)["id"]
        sent = api(
            warm, "/api/v1/referrals/", {"case": case_id, "service": "legal_aid", "to_agency": lawyers.pk}
        )
        assert sent.status == 201, (sent.status, sent.body[:500])
        answered["cases"].append(case_id)
        answered["referrals"].append(json.loads(sent.body)["id"])
        deadline = time.monotonic() + 240
        while not mail_server.messages and time.monotonic() < deadline:
            time.sleep(0.2)
        assert mail_server.messages, "the job worker did not start"

        with ThreadPoolExecutor(CLIENTS) as pool:
            futures = [pool.submit(burst, i) for i in range(CLIENTS)]
            started = time.monotonic()

            def kill_web():
                pid = stack.web_worker_pids()[0]
                _kill(pid)  # the master starts another; its requests in flight get no answer
                killed.append(("web", pid))

            time.sleep(SECONDS * 0.2)
            kill_web()
            # Kill the job worker while it is sending an e-mail: the job it holds must not be lost.
            deadline = time.monotonic() + 120
            while not mail_server.sending and time.monotonic() < deadline:
                time.sleep(0.02)
            assert mail_server.sending, "the job worker sent no e-mail during the burst"
            _kill(stack.procs["worker"].pid)
            stack.procs["worker"].wait()
            killed.append(("huey", stack.procs["worker"].pid))
            time.sleep(1)
            stack.start_worker()
            time.sleep(SECONDS * 0.2)
            kill_web()
            time.sleep(max(2, started + SECONDS - time.monotonic()))
            stop.set()
            for future in futures:
                future.result()

        # Every e-mail goes out: through its job, or through the minute sweep for lost jobs. The
        # slow mail server was needed to catch a send in flight; now it answers quickly, or the
        # drain would take a second per e-mail of the burst (more on a faster machine).
        mail_server.delay = 0.02
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            if not Notification.objects.filter(user__in=receivers, emailed_at__isnull=True).exists():
                break
            time.sleep(2)
        verify = deploy_stack.qorgau(stack.env, "audit", "verify", check=False)
    finally:
        stack.stop_all()
        mail_server.shutdown()

    assert [k for k, _pid in killed] == ["web", "huey", "web"]
    assert len(answered["referrals"]) >= 5, answered  # the burst did real work around the kills

    # Every acknowledged write is there.
    assert set(map(str, Case.objects.values_list("pk", flat=True))) >= set(answered["cases"])
    assert set(map(str, Referral.objects.values_list("pk", flat=True))) >= set(answered["referrals"])
    # Nothing half-written: each case has her, the incident, its timeline and its audit event;
    # each referral its audit event and the receiving agency's notifications.
    for case in Case.objects.all():
        assert Person.objects.filter(case=case, role="survivor").count() == 1
        assert case.incidents.count() == 1
        assert CaseEvent.objects.filter(case=case, kind="case_opened").count() == 1
        assert AuditEvent.objects.filter(action="case.open", case_id=case.pk).count() == 1
    for referral in Referral.objects.all():
        assert AuditEvent.objects.filter(action="referral.send", object_id=str(referral.pk)).count() == 1
        assert Notification.objects.filter(dedupe_key=f"referral-new:{referral.pk}").count() == len(receivers)

    # Each notification's e-mail went out once in effect: none lost, and a copy resent after the
    # kill (the server had it, the worker died before recording it) carries the same Message-ID.
    notifications = Notification.objects.filter(user__in=receivers)
    assert not notifications.filter(emailed_at__isnull=True).exists()
    received = {
        (
            re.search(r"^To: (.+?)\r?$", m, re.M).group(1),
            re.search(r"^Message-ID: (.+?)\r?$", m, re.M).group(1),
        )
        for m in mail_server.messages
    }
    expected = {(n.user.email, f"<qorgau-notification-{n.pk}@127.0.0.1>") for n in notifications}
    assert received == expected

    assert verify.returncode == 0, verify.stdout + verify.stderr
