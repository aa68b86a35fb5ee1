"""A short load against a gunicorn of the benchmark's database: N connections (threads, one
keep-alive http.client connection each) fetch a page for a while; p50, p99 and errors. A burst
counts and times the served (200) and refused (503) answers apart."""

import http.client
import itertools
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 6


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, workers: int, database_name: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_DATABASE_NAME": database_name,
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "kokeilu.wsgi:application",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not answer within 30 s")


def median_get(port: int, path: str, cookie: str, repeat: int, before=None) -> float:
    """Median seconds of `repeat` sequential GETs, after a few to warm every worker up;
    `before()`, if given, runs (untimed) before each."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    timings = []
    try:
        for index in range(repeat + WARM_UP):
            if before is not None:
                before()
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"GET {path}: {response.status}")
            if index >= WARM_UP:
                timings.append(time.perf_counter() - started)
    finally:
        connection.close()
    return statistics.median(timings)


def paired_post(
    port: int, floor_path: str, path: str, cookie: str, csrf: str, repeat: int, body
) -> tuple[float, float]:
    """Medians of the floor and of a form POST (`body(turn)`, urlencoded, with the CSRF
    header and HX-Request, as htmx sends it), alternated on one keep-alive connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {
        "Cookie": cookie,
        "X-CSRFToken": csrf,
        "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    floors, posts = [], []
    try:
        for turn in range(repeat + WARM_UP):
            started = time.perf_counter()
            connection.request("GET", floor_path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            floor = time.perf_counter() - started
            if response.status != 200:
                raise RuntimeError(f"GET {floor_path}: {response.status}")
            data = body(turn).encode()
            started = time.perf_counter()
            connection.request("POST", path, body=data, headers=headers)
            response = connection.getresponse()
            content = response.read()
            posted = time.perf_counter() - started
            if response.status != 200 or b"data-version" not in content:
                raise RuntimeError(f"POST {path}: {response.status} {content[:300]!r}")
            if turn >= WARM_UP:
                floors.append(floor)
                posts.append(posted)
    finally:
        connection.close()
    return statistics.median(floors), statistics.median(posts)


def clients(port: int, cookie: str, *, connections: int, seconds: float, address, patient=False):
    """`connections` threads, each on a keep-alive connection, GET `address()` until `seconds`
    have passed; (status, seconds, Retry-After) of every answer, timed from sending the request
    (connecting, for a new connection) to its last byte, status None for a connection error. A
    `patient` client refused with 503 waits the Retry-After it is told (as a browser's user
    would, at least) before it tries again."""
    answers: list[tuple[int | None, float, str | None]] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                connection.request("GET", address(), headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                mine.append((None, time.perf_counter() - started, None))
                connection.close()
                continue
            retry = response.getheader("Retry-After")
            mine.append((response.status, time.perf_counter() - started, retry))
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
            if patient and response.status == 503:
                wait = float(retry or "1")
                time.sleep(max(0.0, min(wait, stop - time.monotonic())))
        connection.close()
        with lock:
            answers.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[max(0, int(len(sorted_values) * fraction) - 1)]


def drive(port: int, path: str, cookie: str, *, connections: int, seconds: float) -> dict:
    """Fetch `path` over `connections` connections for `seconds`; latencies and errors (any
    answer but a 200 is one)."""
    answers = clients(port, cookie, connections=connections, seconds=seconds, address=lambda: path)
    latencies = sorted(elapsed for status, elapsed, _retry in answers if status == 200)
    return {
        "requests": len(latencies),
        "errors": len(answers) - len(latencies),
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": percentile(latencies, 0.99),
        "per_second": len(latencies) / seconds,
    }


def burst(port: int, path: str, cookie: str, *, connections: int, seconds: float) -> dict:
    """`connections` patient clients fetch `path` for `seconds`, cold: each request's address
    is made unique (`?burst=N`), so no kept page answers it. Served (200) and refused (503
    with Retry-After) answers are counted and timed apart; anything else is an error."""
    numbers = itertools.count()
    answers = clients(
        port,
        cookie,
        connections=connections,
        seconds=seconds,
        address=lambda: f"{path}?burst={next(numbers)}",
        patient=True,
    )
    served = sorted(elapsed for status, elapsed, _retry in answers if status == 200)
    refused = sorted(elapsed for status, elapsed, retry in answers if status == 503 and retry)
    return {
        "served": len(served),
        "refused": len(refused),
        "errors": len(answers) - len(served) - len(refused),
        "served_p50": percentile(served, 0.5),
        "served_p99": percentile(served, 0.99),
        "refused_p50": percentile(refused, 0.5),
        "refused_p99": percentile(refused, 0.99),
    }


def first_get(port: int, path: str, cookie: str) -> float:
    """Seconds of one GET on a new connection, as a client arriving after a burst sees it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} after the burst: {response.status}")
    return elapsed
