"""The gunicorn worker's bounded queue (issue 11): what it answers when it refuses, and when it
refuses. No server and no clock here; `make bench` shows the burst."""

import runpy
import selectors
import socket
from email.parser import BytesParser
from pathlib import Path

import pytest

from kokeilu import overload

ROOT = Path(__file__).resolve().parents[2]


def parse(response: bytes):
    status_line, rest = response.split(b"\r\n", 1)
    head, body = rest.split(b"\r\n\r\n", 1)
    return status_line, BytesParser().parsebytes(head + b"\r\n\r\n", headersonly=True), body


def test_the_refusal_is_a_whole_503_that_closes_the_connection_and_names_a_retry():
    status_line, headers, body = parse(overload.refusal_response(retry_after=3))
    assert status_line == b"HTTP/1.1 503 Service Unavailable"
    assert headers["Retry-After"] == "3"
    assert headers["Connection"] == "close"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert int(headers["Content-Length"]) == len(body)
    text = body.decode()
    # Finnish first, then Swedish and English.
    assert text.index("Palvelu on ruuhkautunut") < text.index("Tjänsten") < text.index("busy")


def test_the_worker_answers_with_the_default_refusal_of_one_second():
    assert overload.refusal_response() == overload.REFUSAL
    assert b"\r\nRetry-After: 1\r\n" in overload.REFUSAL
    # Small enough for any socket's send buffer: the main loop writes it without waiting.
    assert len(overload.REFUSAL) < 1024


def test_requests_wait_up_to_the_limit_and_the_next_one_is_refused():
    waiting = overload.WaitingRequests(limit=3)
    assert [waiting.admit() for _ in range(4)] == [True, True, True, False]
    assert waiting.count == 3
    waiting.started()  # a thread took one: room for exactly one more
    assert waiting.admit() is True
    assert waiting.admit() is False
    for _ in range(3):
        waiting.started()
    assert waiting.count == 0


def test_a_limit_of_zero_never_refuses():
    waiting = overload.WaitingRequests(limit=0)
    assert all(waiting.admit() for _ in range(1000))


def test_the_limit_comes_from_the_environment_with_a_default():
    assert overload.max_waiting_from({}) == overload.DEFAULT_MAX_WAITING
    assert overload.max_waiting_from({"GUNICORN_MAX_WAITING": "0"}) == 0
    assert overload.max_waiting_from({"GUNICORN_MAX_WAITING": "20"}) == 20
    with pytest.raises(ValueError):
        overload.max_waiting_from({"GUNICORN_MAX_WAITING": "-1"})


def test_the_default_bound_is_above_what_the_benchmarks_eight_connections_produce(monkeypatch):
    """Eight kept-alive connections all on one worker keep at most 8 - threads waiting: none
    of them is ever refused (the benchmark's 8-connection load counts a 503 as an error)."""
    for name in ("GUNICORN_THREADS", "GUNICORN_MAX_WAITING"):
        monkeypatch.delenv(name, raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["worker_class"] == "kokeilu.overload.BoundedThreadWorker"
    assert config["threads"] >= 2
    assert 8 - config["threads"] < overload.DEFAULT_MAX_WAITING


def test_drain_reads_what_was_sent_and_tells_when_the_peer_has_closed():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        ours.setblocking(False)
        assert overload.drain(ours) is False  # nothing yet, still open
        theirs.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert overload.drain(ours) is False  # read, still open
        theirs.close()
        assert overload.drain(ours) is True


@pytest.fixture
def worker(monkeypatch):
    """The worker as its main loop sees it, with a poller but no thread pool and no listener."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    monkeypatch.setenv("GUNICORN_MAX_WAITING", "1")
    config = Config()
    worker = overload.BoundedThreadWorker(0, 0, [], None, 30, config, Logger(config))
    worker.poller = selectors.DefaultSelector()
    submitted = []
    monkeypatch.setattr(
        overload.ThreadWorker, "enqueue_req", lambda self, conn: submitted.append(conn)
    )
    worker.submitted = submitted
    yield worker
    worker.poller.close()
    worker.tmp.close()


def connection(worker):
    from gunicorn.workers.gthread import TConn

    ours, theirs = socket.socketpair()
    worker.nr_conns += 1  # as accept() counts it
    return TConn(worker.cfg, ours, ("127.0.0.1", 50000), ("127.0.0.1", 8000)), theirs


def test_the_worker_refuses_beyond_the_limit_answers_at_once_and_closes_when_the_client_does(
    worker,
):
    first, first_client = connection(worker)
    second, second_client = connection(worker)
    with first_client, second_client:
        worker.enqueue_req(first)  # waits for a thread
        second_client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        worker.enqueue_req(second)  # one is waiting already: refused
        assert worker.submitted == [first]

        answer = b""
        while chunk := second_client.recv(4096):  # the worker wrote all and half-closed
            answer += chunk
        assert answer == overload.REFUSAL
        assert list(worker.refused_conns) == [second]

        second_client.close()
        for key, _ in worker.poller.select(timeout=5):
            key.data(key.fileobj)
        assert not worker.refused_conns
        assert second.sock.fileno() == -1
        assert worker.nr_conns == 1  # the first one, still open

        worker.waiting.started()  # a thread took the first: the next one waits again
        third, third_client = connection(worker)
        with third_client:
            worker.enqueue_req(third)
            assert worker.submitted == [first, third]
    first.sock.close()
    third.sock.close()


def test_peer_closed_tells_a_next_request_from_a_client_that_left_and_reads_nothing():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        ours.setblocking(False)
        assert overload.peer_closed(ours) is False  # idle
        theirs.sendall(b"GET / HTTP/1.1\r\n\r\n")
        assert overload.peer_closed(ours) is False  # the next request, left where it was
        assert ours.recv(64) == b"GET / HTTP/1.1\r\n\r\n"
        theirs.close()
        assert overload.peer_closed(ours) is True


def test_a_kept_alive_connection_its_client_closed_takes_no_place_in_the_queue(worker):
    kept, client = connection(worker)
    kept.sock.setblocking(False)
    worker.keepalived_conns.append(kept)
    worker.poller.register(kept.sock, selectors.EVENT_READ, "kept")
    client.close()
    worker.on_client_socket_readable(kept, kept.sock)
    assert worker.submitted == []
    assert worker.waiting.count == 0
    assert not worker.keepalived_conns
    assert worker.nr_conns == 0
    assert kept.sock.fileno() == -1
