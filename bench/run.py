"""Benchmark against the floor, measured side by side in one run: a bare page (one query in the
base template, bench/urls.py) and a bulk_create with history of the same rows.

    make bench                  # or: .venv/bin/python bench/run.py [--quick]

Seed scale is the fixtures (two pilots); national scale adds 45 employment areas. Each page's
median is printed with its ratio to the floor, as a user seeing it again meets it (served from
the page cache while nothing changed, core.page_cache) and cold (the database's revision raised
before each request, so every one is computed and rendered) and with a line of another pilot
saved before each request (a pilot's pages stay kept; the home page, which shows every pilot,
is rendered again with only that pilot's row computed); then the national/seed ratios,
the import of 17 580 counts against bulk_create_with_history of those rows, an inline (htmx)
line save against the floor (over HTTP as a browser posts it, and in process), and a short
load (8 connections each) of the floor, the national home, an area's dashboard and its line
list against a gunicorn started on a free local port, with p50/p99/errors and each p99 against
the floor's; then a burst (64 connections) of the area's dashboard, served and refused (503)
answers apart, and the floor right after it.
The data lives in a throwaway database (SQLite unless DATABASE_URL names PostgreSQL, e.g.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/kokeilu_bench: the run makes test_kokeilu_bench
and drops it). Nothing here asserts a time.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

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
    "inline line save / floor, HTTP": 2.0,
    "inline line save / floor, in process": 2.0,
}
LOAD_P99_TARGET = 5.0  # each page's p99 under load against the floor's p99
SAVE_QUERIES_TARGET = 15


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


def pages(
    server, scale: str, pilots: dict[str, str], repeat: int, elsewhere: bool = False
) -> dict[str, float]:
    """Median over HTTP of the floor and each page; prints them with their ratio to the floor
    and the queries of one request. `elsewhere`: each page also with another pilot's line
    saved before each request, as a national deployment's pages meet them."""
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
        # Cold: the database's revision raised before each request, so no kept page is
        # current and each is computed and rendered from the database.
        cold = load.median_get(server.port, url, server.cookie, repeat, before=raise_revision)
        medians[f"{label}, cold"] = cold
        floor = medians["floor (bare page)"]
        other = ""
        if elsewhere and not label.startswith("floor"):
            written = load.median_get(server.port, url, server.cookie, repeat, before=save_other)
            medians[f"{label}, elsewhere"] = written
            other = f"  other pilot saved {written * 1000:6.1f} ms {written / floor:5.1f}×"
        print(
            f"{scale:<9} {label:<34} {medians[label] * 1000:8.1f} ms"
            f"  {medians[label] / floor:5.1f}× floor"
            f"  cold {cold * 1000:6.1f} ms {cold / floor:5.1f}×{other}"
            f"  {queries_of(server.client, url):4d} queries"
        )
    return medians


def raise_revision():
    """A committed write as any save makes one: every kept page is old after it."""
    from core.revision import raise_revision

    raise_revision()


#: The pilot whose line `save_other` saves: a seed pilot no measured page shows.
OTHER_PILOT = "jokilaaksot"


def save_other():
    """A committed save of a line of another pilot (`OTHER_PILOT`): the pages of every pilot
    are old after it, those of the others are not (core.revision's pilots' revisions)."""
    from django.db.models import F

    from staffing.models import Allocation

    line = Allocation.objects.filter(plan__pilot__slug=OTHER_PILOT).order_by("pk")[:1]
    Allocation.objects.filter(pk__in=list(line.values_list("pk", flat=True))).update(
        version=F("version") + 1
    )


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


def editable_line(plan):
    """The first line of `plan`, made a draft again, its inline edit URL and the form a save of
    it posts (`form(turn, version)`: the FTE alternates, so every save changes the line)."""
    from staffing.models import Allocation, StaffingPlan

    StaffingPlan.objects.filter(pk=plan.pk).update(status=StaffingPlan.Status.DRAFT)
    line = Allocation.objects.filter(plan=plan).order_by("position").first()
    url = reverse(
        "staffing:allocation-edit",
        kwargs={"pilot": plan.pilot.slug, "plan": plan.slug, "pk": line.pk},
    )
    prefix = f"line-{line.pk}"

    def form(turn: int, version: int) -> str:
        data = {
            "service_need": line.service_need_id or "",
            "organisation": line.organisation_id,
            "role_title": line.role_title,
            "fte": "0,80" if turn % 2 else "0,75",
            "client_work_fte": "0,50",
            "serves_municipality": line.serves_municipality_id or "",
            "serves_group": line.serves_group_id or "",
            "note": "",
            "version": version,
        }
        return urlencode({f"{prefix}-{k}": v for k, v in data.items()})

    return line, url, form


def line_save(client, plan, repeat: int) -> tuple[float, int, float]:
    """Median and queries of an inline (htmx) save of one line of `plan`, and the median of
    the floor, both in process (the test client: no CSRF token to fetch). The form is posted
    urlencoded, as htmx posts it, and the two alternate so that both see the same machine."""
    line, url, form = editable_line(plan)
    state = {"version": line_version(line), "turn": 0}

    def save():
        state["turn"] += 1
        response = client.post(
            url,
            form(state["turn"], state["version"]),
            content_type="application/x-www-form-urlencoded",
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200 and b"data-version" in response.content, (
            url,
            response.content.decode()[:3000],
        )
        state["version"] += 1

    floor_url = reverse("bench-bare")
    floors, saves = [], []
    for _ in range(3):
        floor, _queries = timed(lambda: client.get(floor_url), repeat)
        median, queries = timed(save, repeat)
        floors.append(floor)
        saves.append(median)
    floor, median = statistics.median(floors), statistics.median(saves)
    print(f"{'save':<9} {'floor (bare page), in process':<34} {floor * 1000:8.1f} ms")
    print(
        f"{'save':<9} {'inline line save (htmx), in process':<34} {median * 1000:8.1f} ms"
        f"  {median / floor:5.1f}× floor  {queries:4d} queries (target ≤ {SAVE_QUERIES_TARGET})"
    )
    return median, queries, floor


def line_save_http(server, plan, repeat: int) -> tuple[float, float]:
    """The same save over HTTP, as a browser's htmx posts it to gunicorn (the session and CSRF
    cookies, the CSRF header), alternated with the floor on one connection."""
    line, url, form = editable_line(plan)
    start = line_version(line)
    floor, median = load.paired_post(
        server.port,
        reverse("bench-bare"),
        url,
        server.cookie,
        server.csrf,
        repeat * 3,
        lambda turn: form(turn, start + turn),
    )
    print(f"{'save':<9} {'floor (bare page), HTTP':<34} {floor * 1000:8.1f} ms")
    print(
        f"{'save':<9} {'inline line save (htmx), HTTP':<34} {median * 1000:8.1f} ms"
        f"  {median / floor:5.1f}× floor"
    )
    return median, floor


def line_version(line) -> int:
    """The line's version now (a save elsewhere in the run may have raised it)."""
    from staffing.models import Allocation

    return Allocation.objects.values_list("version", flat=True).get(pk=line.pk)


def under_load(server, pages: dict[str, str], connections: int, seconds: float) -> dict:
    """Each page in turn under `connections` connections for `seconds`; the floor first, and
    each page's p99 against the floor's."""
    results = {}
    for label, url in pages.items():
        result = results[label] = load.drive(
            server.port, url, server.cookie, connections=connections, seconds=seconds
        )
        ratio = result["p99"] / results["floor (bare page)"]["p99"]
        verdict = "ok" if ratio <= LOAD_P99_TARGET and result["errors"] == 0 else "OVER"
        print(
            f"{'load':<9} {label:<34} {result['requests']:5d} requests"
            f" ({result['per_second']:5.1f}/s)  p50 {result['p50'] * 1000:7.1f} ms"
            f"  p99 {result['p99'] * 1000:7.1f} ms  {ratio:5.1f}× floor p99"
            f"  errors {result['errors']}"
            + (
                ""
                if label.startswith("floor")
                else f"  (target ≤ {LOAD_P99_TARGET:.0f}×, 0) {verdict}"
            )
        )
    return results


def burst(server, area: str, connections: int, seconds: float, national: dict) -> dict:
    """A burst on an area's dashboard beyond what the workers hold (threads plus
    GUNICORN_MAX_WAITING each): served and refused answers apart, then the floor once the burst
    is over, against its median before."""
    print(
        f"burst: {connections} connections × {seconds:.0f} s, area dashboard (cold), national"
        " scale; a refused client waits its Retry-After"
    )
    url = reverse("staffing:pilot-dashboard", kwargs={"pilot": area})
    result = load.burst(server.port, url, server.cookie, connections=connections, seconds=seconds)
    print(
        f"{'burst':<9} {'served (200)':<34} {result['served']:5d} requests"
        f"  p50 {result['served_p50'] * 1000:7.1f} ms  p99 {result['served_p99'] * 1000:7.1f} ms"
    )
    print(
        f"{'burst':<9} {'refused (503, Retry-After)':<34} {result['refused']:5d} requests"
        f"  p50 {result['refused_p50'] * 1000:7.1f} ms  p99 {result['refused_p99'] * 1000:7.1f} ms"
        f"  errors {result['errors']}"
    )
    first = load.first_get(server.port, reverse("bench-bare"), server.cookie)
    after = load.median_get(server.port, reverse("bench-bare"), server.cookie, 5)
    print(
        f"{'burst':<9} {'floor right after the burst':<34} first {first * 1000:7.1f} ms"
        f"  median {after * 1000:7.1f} ms  (before: {national['floor (bare page)'] * 1000:.1f} ms)"
    )
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=45)
    parser.add_argument("--municipalities", type=int, default=293)
    parser.add_argument(
        "--dates", type=int, default=60, help="monthly counts per area (at least 60)"
    )
    parser.add_argument("--lines", type=int, default=60)
    parser.add_argument("--import-dates", type=int, default=60, help="293 × 60 = 17 580 rows")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--burst-connections", type=int, default=64)
    parser.add_argument("--burst-seconds", type=float, default=10)
    parser.add_argument("--quick", action="store_true", help="5 repeats, a 5-second load")
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.seconds, args.burst_seconds = 5, 5, 5

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
        # A browser's cookies: the session and the CSRF cookie its first page set (a page is
        # kept per CSRF secret, so a client without one is never served a kept page).
        client.get(reverse("bench-bare"))
        cookie = "; ".join(
            f"{name}={client.cookies[name].value}"
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
        )
        server = SimpleNamespace(
            port=port,
            client=client,
            cookie=cookie,
            csrf=client.cookies[settings.CSRF_COOKIE_NAME].value,
        )
        print(
            f"{connection.vendor}, gunicorn with {args.workers} workers on 127.0.0.1:{port}; "
            f"medians of {args.repeat} sequential requests; queries of one"
        )
        seed = pages(server, "seed", {"Kokkola": SEED_PILOT}, args.repeat, elsewhere=True)

        started = time.perf_counter()
        areas = data.build(args.areas, args.municipalities, args.dates, args.lines)
        print(
            f"built {args.areas} areas, {args.municipalities} municipalities, {args.dates} dates,"
            f" {args.lines} lines per plan in {time.perf_counter() - started:.1f} s"
        )
        area = areas[len(areas) // 2].slug
        national = pages(
            server, "national", {"Kokkola": SEED_PILOT, "area": area}, args.repeat, elsewhere=True
        )

        print(f"load: {args.connections} connections × {args.seconds:.0f} s each, national scale")
        under_load(
            server,
            {
                "floor (bare page)": reverse("bench-bare"),
                "home": reverse("home"),
                "area dashboard": reverse("staffing:pilot-dashboard", kwargs={"pilot": area}),
                "area lines": reverse("staffing:allocation-list", kwargs={"pilot": area}),
            },
            args.connections,
            args.seconds,
        )
        from staffing.models import StaffingPlan

        plan = StaffingPlan.objects.get(pilot__slug=area)
        save_http, save_http_floor = line_save_http(server, plan, args.repeat)
        burst(server, area, args.burst_connections, args.burst_seconds, national)
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        gunicorn = None

        save, save_queries, save_floor = line_save(client, plan, args.repeat)

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
            "inline line save / floor, HTTP": save_http / save_http_floor,
            "inline line save / floor, in process": save / save_floor,
        }
        cold_ratios = {
            "seed dashboard / floor": seed["Kokkola dashboard, cold"] / seed["floor (bare page)"],
            "national dashboard / seed dashboard": national["area dashboard, cold"]
            / seed["Kokkola dashboard, cold"],
            "national home / seed home": national["home, cold"] / seed["home, cold"],
        }
        elsewhere_ratios = {
            "national dashboard / floor": national["area dashboard, elsewhere"]
            / national["floor (bare page)"],
            "national lines / floor": national["area lines, elsewhere"]
            / national["floor (bare page)"],
            "national home / floor": national["home, elsewhere"] / national["floor (bare page)"],
            "national home / seed home": national["home, elsewhere"] / seed["home, elsewhere"],
        }
        for label, ratio in elsewhere_ratios.items():
            print(
                f"{label + ', other pilot saved':<40} {ratio:5.2f}×  (a line of another pilot"
                " saved before each request)"
            )
        for label, ratio in cold_ratios.items():
            verdict = "ok" if ratio <= TARGETS[label] else "over"
            print(
                f"{label + ', cold':<40} {ratio:5.2f}×  (target ≤ {TARGETS[label]}×) {verdict}"
                "  (every request computed and rendered, none kept)"
            )
        for label, ratio in ratios.items():
            verdict = "ok" if ratio <= TARGETS[label] else "OVER"
            print(f"{label:<40} {ratio:5.2f}×  (target ≤ {TARGETS[label]}×) {verdict}")
        verdict = "ok" if save_queries <= SAVE_QUERIES_TARGET else "OVER"
        print(
            f"{'inline line save, queries':<40} {save_queries:5d}   "
            f"(target ≤ {SAVE_QUERIES_TARGET}) {verdict}"
        )
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        connection.creation.destroy_test_db(old_name, verbosity=0)
        _scratch.cleanup()


if __name__ == "__main__":
    main()
