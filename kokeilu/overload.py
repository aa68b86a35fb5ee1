"""gunicorn's threaded worker with a bounded queue: a burst is refused at once, not queued.

gunicorn's `gthread` worker accepts every connection and hands each request to its thread pool,
whose queue has no bound: under a burst, requests wait behind each other for as long as the burst
lasts. The listen backlog does not refuse either: on Linux a full backlog drops the connection
attempt (`net.ipv4.tcp_abort_on_overflow` is 0), and the client waits and tries again, 1 s, 3 s,
7 s later, for work it may no longer want.

This worker counts the requests handed to the pool that no thread has started yet. When
`GUNICORN_MAX_WAITING` of them (default 8) are waiting already, the next request is answered
from the worker's main loop, without reaching Django, with `503 Service Unavailable`,
`Retry-After: 1` and `Connection: close`. A request that is admitted so waits for at most
MAX_WAITING requests ahead of it, shared by the worker's threads; one that is not learns it in
milliseconds. `GUNICORN_MAX_WAITING=0` turns the bound off (plain gthread).

Django keeps one database connection per thread: a worker with T threads holds up to T
connections (SQLite: WAL lets them read side by side, and IMMEDIATE transactions with the busy
timeout make writers take turns, as between processes).

Plain HTTP/1.1 behind the proxy only: with TLS in gunicorn itself (`certfile`) the bound is off,
as the refusal is written before any handshake.
"""

import contextlib
import errno
import os
import selectors
import socket
import threading
import time
from collections import deque
from functools import partial

from gunicorn.workers.gthread import ThreadWorker

DEFAULT_MAX_WAITING = 8
RETRY_AFTER_SECONDS = 1
# How long a refused connection is read from (and its bytes dropped) after the answer, so that
# closing it with the client's request still unread does not reset the answer away.
REFUSAL_LINGER_SECONDS = 1.0
REFUSAL_LOG_INTERVAL_SECONDS = 10.0
REFUSAL_TEXT = (
    "Palvelu on ruuhkautunut. Yritä hetken kuluttua uudelleen.\n"
    "Tjänsten är överbelastad. Försök igen om en stund.\n"
    "The service is busy. Please try again in a moment.\n"
)


def refusal_response(retry_after: int = RETRY_AFTER_SECONDS) -> bytes:
    """The whole HTTP/1.1 answer to a request the worker has no room for."""
    body = REFUSAL_TEXT.encode()
    head = (
        "HTTP/1.1 503 Service Unavailable\r\n"
        f"Retry-After: {retry_after}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Cache-Control: no-store\r\n"
        "Connection: close\r\n"
        "\r\n"
    )
    return head.encode("ascii") + body


REFUSAL = refusal_response()


def max_waiting_from(environ) -> int:
    """GUNICORN_MAX_WAITING from the environment: a count of requests, 0 for no bound."""
    value = int(environ.get("GUNICORN_MAX_WAITING", DEFAULT_MAX_WAITING))
    if value < 0:
        raise ValueError(f"GUNICORN_MAX_WAITING must be 0 or more, not {value}")
    return value


class WaitingRequests:
    """Requests handed to the thread pool that no thread has started yet, at most `limit`
    (0: no limit). The main loop admits, the threads report that they started."""

    def __init__(self, limit: int):
        self.limit = limit
        self.count = 0
        self._lock = threading.Lock()

    def admit(self) -> bool:
        """Whether one more request may wait; if so it is counted as waiting."""
        with self._lock:
            if self.limit and self.count >= self.limit:
                return False
            self.count += 1
            return True

    def started(self) -> None:
        with self._lock:
            self.count -= 1


def drain(sock: socket.socket, most: int = 65536) -> bool:
    """Read and drop what a non-blocking socket has; True when the peer has closed it."""
    read = 0
    while read < most:
        try:
            data = sock.recv(16384)
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return True
        if not data:
            return True
        read += len(data)
    return False


def peer_closed(sock: socket.socket) -> bool:
    """Whether the client has closed a non-blocking socket that polls readable (nothing is read)."""
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return True


class BoundedThreadWorker(ThreadWorker):
    """gthread with at most GUNICORN_MAX_WAITING requests waiting for a thread."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = 0 if self.cfg.is_ssl else max_waiting_from(os.environ)
        self.waiting = WaitingRequests(limit)
        self.refused_conns = deque()  # answered, lingering until the client closes
        self.refused_since_log = 0
        self.refusals_logged_at = time.monotonic()

    def enqueue_req(self, conn):
        """Every request passes here (new, kept-alive and deferred connections alike)."""
        if self.waiting.admit():
            super().enqueue_req(conn)
        else:
            self.refuse(conn)

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection turns readable when its client sends the next request or
        closes it: a closed one is closed here, not counted as a waiting request (clients
        leaving would otherwise take the places of those arriving)."""
        if not peer_closed(conn.sock):
            super().on_client_socket_readable(conn, client)
            return
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self.nr_conns -= 1
        conn.close()

    def handle(self, conn):
        """Runs in a thread: the request no longer waits."""
        self.waiting.started()
        return super().handle(conn)

    def refuse(self, conn):
        """Answer 503 without blocking the main loop, then linger until the client closes."""
        self.refused_since_log += 1
        sock = conn.sock
        try:
            sock.setblocking(False)
            drain(sock)  # the request, when it has arrived already
            sock.send(REFUSAL)  # a few hundred bytes: an idle socket's buffer takes them
            sock.shutdown(socket.SHUT_WR)
        except OSError as error:
            if error.errno not in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN, errno.EAGAIN):
                self.log.debug("Refusing a request: %s", error)
            self.close_refused(conn)
            return
        conn.timeout = time.monotonic() + REFUSAL_LINGER_SECONDS
        self.refused_conns.append(conn)
        self.poller.register(sock, selectors.EVENT_READ, partial(self.on_refused_readable, conn))

    def on_refused_readable(self, conn, sock):
        if drain(sock):
            self.poller.unregister(sock)
            self.refused_conns.remove(conn)
            self.close_refused(conn)

    def close_refused(self, conn):
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self):
        """Called on every turn of the main loop: also close refused connections whose linger
        is over, and now and then log how many were refused."""
        super().murder_pending()
        now = time.monotonic()
        while self.refused_conns and self.refused_conns[0].timeout <= now:
            conn = self.refused_conns.popleft()
            with contextlib.suppress(OSError, KeyError, ValueError):
                self.poller.unregister(conn.sock)
            self.close_refused(conn)
        if self.refused_since_log and now - self.refusals_logged_at >= REFUSAL_LOG_INTERVAL_SECONDS:
            self.log.warning(
                "Refused %d requests with 503 in %.0f s: %d were waiting for %d threads",
                self.refused_since_log,
                now - self.refusals_logged_at,
                self.waiting.limit,
                self.cfg.threads,
            )
            self.refused_since_log = 0
            self.refusals_logged_at = now
        elif not self.refused_since_log:
            self.refusals_logged_at = now
