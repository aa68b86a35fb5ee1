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


def drive(port: int, path: str, cookie: str, *, connections: int, seconds: float) -> dict:
    """Fetch `path` over `connections` connections for `seconds`; latencies and errors."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
                else:
                    mine.append(time.perf_counter() - started)
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan"),
        "per_second": len(latencies) / seconds,
    }


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[max(0, int(len(sorted_values) * fraction) - 1)]


def burst(port: int, path: str, cookie: str, *, connections: int, seconds: float) -> dict:
    """`connections` clients fetch `path` for `seconds`, cold: each request's address is made
    unique (`?burst=N`), so no kept page answers it. A refused client waits the Retry-After
    seconds it is told (as a browser's user would, at least) and tries again on a new
    connection. Served (200) and refused (503) answers are counted and timed apart, each from
    sending the request (connecting, for a new connection) to the answer's last byte; anything
    else is an error."""
    served: list[float] = []
    refused: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    numbers = itertools.count()

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine_served, mine_refused, failed = [], [], 0
        while time.monotonic() < stop:
            address = f"{path}?burst={next(numbers)}"
            started = time.perf_counter()
            try:
                connection.request("GET", address, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                if response.status == 200:
                    mine_served.append(elapsed)
                elif response.status == 503 and response.getheader("Retry-After"):
                    mine_refused.append(elapsed)
                else:
                    failed += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                if response.status == 503:
                    wait = float(response.getheader("Retry-After", "1"))
                    time.sleep(max(0.0, min(wait, stop - time.monotonic())))
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
        connection.close()
        with lock:
            served.extend(mine_served)
            refused.extend(mine_refused)
            errors[0] += failed

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    served.sort()
    refused.sort()
    return {
        "served": len(served),
        "refused": len(refused),
        "errors": errors[0],
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
