"""gunicorn settings for production: `gunicorn kokeilu.wsgi` reads this file from the checkout.

Bound to a local address: the TLS-terminating proxy in front is the only client, so nobody can
reach the app server directly and claim HTTPS with X-Forwarded-Proto. Under a burst, the
bounded backlog makes the kernel refuse connections beyond it at once, and the timeout ends a
request a worker cannot finish, instead of queueing minutes of work for clients that have left.
Every value can be changed from the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers per core plus one, the gunicorn documentation's starting point (3 on 1 core).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Connections waiting for a worker; beyond it new ones are refused rather than queued.
backlog = int(os.environ.get("GUNICORN_BACKLOG", 64))
# A request running longer is ended (pages answer in well under a second, an import in seconds).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 20))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# Recycle workers now and then so a slow leak in a library never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 200))
# Trust forwarded headers from the local proxy only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
