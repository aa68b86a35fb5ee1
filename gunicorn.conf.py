"""gunicorn settings for production: `gunicorn kokeilu.wsgi` reads this file from the checkout.

Bound to a local address: the TLS-terminating proxy in front is the only client, so nobody can
reach the app server directly and claim HTTPS with X-Forwarded-Proto. Under a burst, each
worker answers `503 Service Unavailable` with `Retry-After` at once when GUNICORN_MAX_WAITING
requests already wait for one of its threads (kokeilu/overload.py), instead of queueing minutes
of work for clients that have left: the listen backlog cannot do that on Linux, where a full one
drops connection attempts and the clients try again seconds later.
Every value can be changed from the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers per core plus one, the gunicorn documentation's starting point (3 on 1 core).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# gthread with a bounded queue: GUNICORN_MAX_WAITING (default 8; 0 for no bound) requests may
# wait for a thread in each worker, the next one is refused with 503 (read by the worker class).
worker_class = "kokeilu.overload.BoundedThreadWorker"
# Threads per worker, each with its own database connection while it serves a request: with
# PostgreSQL, workers x threads connections at most (CONN_MAX_AGE keeps them open).
threads = int(os.environ.get("GUNICORN_THREADS", 2))
# Connections the kernel holds until a worker accepts them (workers accept at once; when full,
# Linux drops new attempts, it does not refuse them).
backlog = int(os.environ.get("GUNICORN_BACKLOG", 64))
# A worker whose main loop has not checked in for this long is restarted. With threads this no
# longer ends one slow request (the thread runs on): the bound on waiting keeps a burst short.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 20))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# Recycle workers now and then so a slow leak in a library never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 200))
# Trust forwarded headers from the local proxy only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
