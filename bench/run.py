"""Benchmark against the floor, measured side by side in one run: a bare page (one query in the
base template, bench/urls.py) and a bulk_create with history of the same rows.

    make bench                  # or: .venv/bin/python bench/run.py [--quick]

Seed scale is the fixtures (two pilots); national scale adds 45 employment areas. Each page's
median is printed with its ratio to the floor; then the national/seed ratios, the import of
17 580 counts against bulk_create_with_history of those rows, and a short load (8 connections)
against a gunicorn started on a free local port. The data lives in a throwaway database
(SQLite unless DATABASE_URL names PostgreSQL). Nothing here asserts a time.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
_scratch = tempfile.TemporaryDirectory(prefix="kokeilu-bench-")
os.environ["BENCH_SQLITE_FILE"] = str(Path(_scratch.name) / "bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench import data, load  # noqa: E402

FIXTURES = [
    "fixtures/reference.json",
    "fixtures/pilot_kokkola.json",
    "fixtures/pilot_jokilaaksot.json",
]
SEED_PILOT = "kokkolan-seutu"
TARGETS = {
    "seed dashboard / floor": 2.0,
    "national dashboard / seed dashboard": 1.2,
    "national home / seed home": 1.5,
    "import / bulk_create with history": 2.0,
}


def timed(function, repeat: int) -> tuple[float, int]:
    """Median seconds of `repeat` runs (after one warm-up) and the queries of the last."""
    function()
    timings, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            function()
            timings.append(time.perf_counter() - started)
        queries = len(context.captured_queries)
    return statistics.median(timings), queries


def queries_of(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries)


def pages(server, scale: str, pilots: dict[str, str], repeat: int) -> dict[str, float]:
    """Median over HTTP of the floor and each page; prints them with their ratio to the floor
    and the queries of one request."""
    urls = {"floor (bare page)": reverse("bench-bare"), "home": reverse("home")}
    for label, slug in pilots.items():
        urls[f"{label} dashboard"] = reverse("staffing:pilot-dashboard", kwargs={"pilot": slug})
        urls[f"{label} lines"] = reverse("staffing:allocation-list", kwargs={"pilot": slug})
        urls[f"{label} service points"] = reverse(
            "servicepoints:servicepoint-list", kwargs={"pilot": slug}
        )
    medians = {}
    for label, url in urls.items():
        medians[label] = load.median_get(server.port, url, server.cookie, repeat)
        floor = medians["floor (bare page)"]
        print(
            f"{scale:<9} {label:<34} {medians[label] * 1000:8.1f} ms"
            f"  {medians[label] / floor:5.1f}× floor  {queries_of(server.client, url):4d} queries"
        )
    return medians


def rolled_back(function):
    def run():
        with transaction.atomic():
            function()
            transaction.set_rollback(True)

    return run


def imports(user, rows, repeat: int) -> tuple[float, float]:
    """Median of the import service and of bulk_create_with_history of the same rows."""
    from simple_history.utils import bulk_create_with_history

    from municipalities.models import ClientStatistic, Municipality, Pilot, PilotMembership
    from municipalities.services import client_counts_import

    pilot = Pilot.objects.create(name="Tuonti", slug="tuonti", kind="area", start_date="2025-01-01")
    PilotMembership.objects.bulk_create(
        PilotMembership(pilot=pilot, municipality=m) for m in Municipality.objects.all()
    )
    ids = dict(Municipality.objects.values_list("code", "pk"))

    def bulk():
        statistics = [
            ClientStatistic(
                municipality_id=ids[row.municipality_code],
                date=row.date,
                measure=row.measure,
                value=row.value,
            )
            for row in rows
        ]
        bulk_create_with_history(statistics, ClientStatistic, default_user=user)

    floor, _queries = timed(rolled_back(bulk), repeat)
    service, queries = timed(
        rolled_back(lambda: client_counts_import(pilot=pilot, rows=rows, user=user)), repeat
    )
    print(
        f"{'import':<9} {'bulk_create with history':<34} {floor * 1000:8.1f} ms  {len(rows)} rows"
    )
    print(
        f"{'import':<9} {'client_counts_import':<34} {service * 1000:8.1f} ms"
        f"  {service / floor:5.1f}× bulk  {queries:4d} queries"
    )
    return service, floor


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=45)
    parser.add_argument("--municipalities", type=int, default=293)
    parser.add_argument("--dates", type=int, default=4)
    parser.add_argument("--lines", type=int, default=60)
    parser.add_argument("--import-dates", type=int, default=60, help="293 × 60 = 17 580 rows")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="5 repeats, a 5-second load")
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.seconds = 5, 5

    from django.contrib.auth import get_user_model

    from municipalities.models import Municipality

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    gunicorn = None
    try:
        call_command("loaddata", *FIXTURES, verbosity=0)
        user = get_user_model().objects.create_superuser("bench", password=None)
        client = Client()
        client.force_login(user)
        port = load.free_port()
        gunicorn = load.start_gunicorn(port, args.workers, connection.settings_dict["NAME"])
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        server = SimpleNamespace(
            port=port, client=client, cookie=f"{settings.SESSION_COOKIE_NAME}={session}"
        )
        print(
            f"{connection.vendor}, gunicorn with {args.workers} workers on 127.0.0.1:{port}; "
            f"medians of {args.repeat} sequential requests; queries of one"
        )
        seed = pages(server, "seed", {"Kokkola": SEED_PILOT}, args.repeat)

        started = time.perf_counter()
        areas = data.build(args.areas, args.municipalities, args.dates, args.lines)
        print(
            f"built {args.areas} areas, {args.municipalities} municipalities, {args.dates} dates,"
            f" {args.lines} lines per plan in {time.perf_counter() - started:.1f} s"
        )
        area = areas[len(areas) // 2].slug
        national = pages(server, "national", {"Kokkola": SEED_PILOT, "area": area}, args.repeat)

        url = reverse("staffing:pilot-dashboard", kwargs={"pilot": SEED_PILOT})
        result = load.drive(
            port, url, server.cookie, connections=args.connections, seconds=args.seconds
        )
        print(
            f"load      {args.connections} connections × {args.seconds:.0f} s, Kokkola dashboard:"
            f" {result['requests']} requests ({result['per_second']:.1f}/s),"
            f" p50 {result['p50'] * 1000:.1f} ms, p99 {result['p99'] * 1000:.1f} ms,"
            f" errors {result['errors']}"
        )
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        gunicorn = None

        members = Municipality.objects.filter(pilots__isnull=False).distinct()
        rows = data.import_rows(members[: args.municipalities], args.import_dates)
        service, floor = imports(user, rows, max(3, args.repeat // 5))

        kokkola = national["Kokkola dashboard"] / seed["Kokkola dashboard"]
        print(f"{'Kokkola dashboard, national / seed scale':<40} {kokkola:5.2f}×")
        ratios = {
            "seed dashboard / floor": seed["Kokkola dashboard"] / seed["floor (bare page)"],
            "national dashboard / seed dashboard": national["area dashboard"]
            / seed["Kokkola dashboard"],
            "national home / seed home": national["home"] / seed["home"],
            "import / bulk_create with history": service / floor,
        }
        for label, ratio in ratios.items():
            verdict = "ok" if ratio <= TARGETS[label] else "OVER"
            print(f"{label:<40} {ratio:5.2f}×  (target ≤ {TARGETS[label]}×) {verdict}")
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        connection.creation.destroy_test_db(old_name, verbosity=0)
        _scratch.cleanup()


if __name__ == "__main__":
    main()
