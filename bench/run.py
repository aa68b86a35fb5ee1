"""Benchmark at national scale: 45 employment areas, 293 municipalities, four statistics dates,
about 60 lines per plan. Builds the data in a throwaway test database (SQLite unless
DATABASE_URL says otherwise), then times the selectors and the main pages.

    make bench              # or: .venv/bin/python bench/run.py --areas 45 --repeat 5

Prints the median and worst time and the query count of each step. Nothing here asserts a
time: speed is read from this output, never from unit tests.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokeilu.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
)


def build(areas: int, municipalities: int, dates: int, lines: int):
    from municipalities.models import ClientStatistic, Municipality, Pilot, PilotMembership
    from staffing.models import Allocation, Organisation, ServiceNeed, StaffingPlan

    needs = [
        ServiceNeed.objects.create(code=f"B{i}", name=f"Palvelutarve {i}", position=i)
        for i in range(6)
    ]
    te = Organisation.objects.create(name="TE-hallinto", slug="te", kind="state")
    all_municipalities = Municipality.objects.bulk_create(
        Municipality(code=f"{i:03d}", name_fi=f"Kunta {i}") for i in range(municipalities)
    )
    per_area = municipalities // areas
    stats, plans, memberships = [], [], []
    pilots = Pilot.objects.bulk_create(
        Pilot(
            name=f"Työllisyysalue {a}",
            slug=f"alue-{a}",
            kind="area",
            start_date=datetime.date(2025, 1, 1),
            target_caseload=Decimal("120"),
        )
        for a in range(areas)
    )
    first_date = datetime.date(2025, 1, 31)
    for a, pilot in enumerate(pilots):
        members = all_municipalities[a * per_area : (a + 1) * per_area]
        if a == areas - 1:
            members = all_municipalities[a * per_area :]
        memberships += [PilotMembership(pilot=pilot, municipality=m) for m in members]
        for d in range(dates):
            on = first_date + datetime.timedelta(days=91 * d)
            stats += [
                ClientStatistic(municipality=m, date=on, measure="clients", value=300 + 7 * i + d)
                for i, m in enumerate(members)
            ]
        plans.append(
            StaffingPlan(
                pilot=pilot,
                name="Suunnitelma",
                slug="suunnitelma",
                status="approved",
                valid_from=datetime.date(2025, 1, 1),
                statistics_date=first_date + datetime.timedelta(days=91 * (dates - 1)),
            )
        )
    PilotMembership.objects.bulk_create(memberships)
    ClientStatistic.objects.bulk_create(stats)
    StaffingPlan.objects.bulk_create(plans)
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Kunta-organisaatio {m.code}", slug=f"org-{m.code}", kind="municipality")
        for m in all_municipalities
    )
    allocations = []
    for plan in StaffingPlan.objects.all():
        for index in range(lines):
            allocations.append(
                Allocation(
                    plan=plan,
                    position=index + 1,
                    service_need=needs[index % len(needs)],
                    organisation=te
                    if index % 3 == 0
                    else organisations[index % len(organisations)],
                    role_title=f"Asiantuntija {index}",
                    fte=Decimal("0.75"),
                    client_work_fte=Decimal("0.50"),
                )
            )
    Allocation.objects.bulk_create(allocations)
    return pilots


def measure(label, function, repeat):
    timings, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as context:
            start = time.perf_counter()
            function()
            timings.append(time.perf_counter() - start)
        queries = len(context.captured_queries)
    print(
        f"{label:<38} median {statistics.median(timings) * 1000:8.1f} ms"
        f"   worst {max(timings) * 1000:8.1f} ms   queries {queries}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=45)
    parser.add_argument("--municipalities", type=int, default=293)
    parser.add_argument("--dates", type=int, default=4)
    parser.add_argument("--lines", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.urls import NoReverseMatch, reverse

        from municipalities.models import Pilot
        from staffing.models import StaffingPlan
        from staffing.selectors.declared import reconcile_pilot
        from staffing.selectors.figures import plan_figures
        from staffing.selectors.overview import pilot_summaries

        started = time.perf_counter()
        pilots = build(args.areas, args.municipalities, args.dates, args.lines)
        print(
            f"built {args.areas} areas, {args.municipalities} municipalities, "
            f"{args.dates} dates, {args.lines} lines per plan "
            f"in {time.perf_counter() - started:.1f} s on {connection.vendor}"
        )
        pilot = pilots[len(pilots) // 2]
        plan = StaffingPlan.objects.get(pilot=pilot)

        measure(
            "pilot_summaries (all areas)", lambda: pilot_summaries(Pilot.objects.all()), args.repeat
        )
        measure(
            "plan_figures (one area)",
            lambda: plan_figures(plan),
            args.repeat,
        )
        measure("reconcile_pilot (one area)", lambda: reconcile_pilot(pilot), args.repeat)

        user = get_user_model().objects.create_superuser("bench", password=None)
        client = Client()
        client.force_login(user)
        pages = [("home page", "home", {})]
        pages.append(("pilot dashboard", "staffing:pilot-dashboard", {"pilot": pilot.slug}))
        pages.append(("allocation list", "staffing:allocation-list", {"pilot": pilot.slug}))
        pages.append(
            ("service point list", "servicepoints:servicepoint-list", {"pilot": pilot.slug})
        )
        for label, name, kwargs in pages:
            try:
                url = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                print(f"{label:<38} (no such page yet)")
                continue

            def get(url=url):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            measure(f"GET {label}", get, args.repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
