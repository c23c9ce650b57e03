"""Gunicorn settings for one MotCua web process (docs/deploy/many-machines.md).

Run: ``gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:8001 motcua.config.wsgi:application``.
Every node runs the same file; what differs (the address, the number of workers) is given on the command
line or in the environment: ``--bind``, ``WEB_CONCURRENCY`` (gunicorn reads it itself).

Why these values:

- Sync workers, one request at a time each: MotCua's requests are short and CPU-bound in Python (rendering,
  the ORM); a slow client never holds a worker because nginx buffers requests and responses.
- ``workers`` = 2 × cores + 1 is the usual starting point; measure memory (about 80-140 MB a worker).
- ``max_requests`` recycles a worker after N requests (with jitter so they do not all restart at once):
  a bound on slow leaks in libraries (PDF rendering, signing).
- ``timeout`` kills a worker stuck on one request for longer than nginx would wait for it
  (``proxy_read_timeout`` 60 s in deploy/nginx.conf.template): the client has had its 504 by then.
- ``graceful_timeout``: on SIGTERM (``systemctl stop``, a deploy) workers finish the request in hand; nginx
  sends new ones to the other nodes meanwhile (the node's listen socket closes first).
"""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "motcua.config.wsgi:application"
bind = ["127.0.0.1:8001"]
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * multiprocessing.cpu_count() + 1)))
worker_class = "sync"
max_requests = 2000
max_requests_jitter = 200
timeout = 75  # seconds: more than nginx's proxy_read_timeout (60)
graceful_timeout = 30
keepalive = 2  # only used by non-sync workers; nginx talks HTTP/1.0 to sync workers anyway
# The application is imported once in the master and forked: workers share its memory pages and start fast.
# (Database connections are opened lazily in each worker, never in the master.)
preload_app = True
# nginx is the only client: trust its X-Forwarded-* headers (nginx runs on this host or on the given ones).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = "warning"
# Worker heartbeat files in memory, not on a disk that may stall (gunicorn's advice for containers too).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
