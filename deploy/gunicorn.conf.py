"""gunicorn settings for production (`gunicorn -c deploy/gunicorn.conf.py qorgau.wsgi`).

Each value can be changed from the environment, so the systemd unit and the bench harness share
this file. Sizing: docs/deployment.md.
"""

import os

bind = os.environ.get("QORGAU_WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("QORGAU_WEB_WORKERS", "2"))
threads = int(os.environ.get("QORGAU_WEB_THREADS", "4"))
worker_class = "gthread"
# A request that takes longer is a bug or an attack: the worker is replaced, the client gets 502.
timeout = int(os.environ.get("QORGAU_WEB_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Replace workers now and then so a slow leak never grows without bound.
max_requests = int(os.environ.get("QORGAU_WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# nginx on the same machine is the only client; it sets X-Forwarded-Proto (and For).
forwarded_allow_ips = os.environ.get("QORGAU_WEB_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("QORGAU_WEB_ACCESS_LOG", "-")
# No query strings in the log: search is a POST, but ids in paths are enough to trace a request.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
preload_app = False  # each worker opens its own database connections after the fork
