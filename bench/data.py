"""The benchmark's national-scale data: the 45 real employment areas of the shipped reference
data (fixtures/areas_2025.json: real names, codes and membership over the 308 municipalities
of fixtures/reference.json), five years of monthly client counts, and an approved plan of
lines each; and rows for a large import. Built with bulk_create."""

import datetime
from decimal import Decimal
from pathlib import Path

IMPORT_START = datetime.date(2010, 1, 31)
AREA_FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "areas_2025.json"
#: Five years of monthly counts, the last in June 2026 (StatFin's month on its last day).
MONTHS = 60
LAST_MONTH = datetime.date(2026, 6, 30)


def month_ends(count: int, last: datetime.date = LAST_MONTH) -> list[datetime.date]:
    """The last days of `count` months up to `last`'s month, oldest first."""
    days, year, month = [], last.year, last.month
    for _ in range(count):
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        days.append(following - datetime.timedelta(days=1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return days[::-1]


OFFICIAL_MEASURES = (
    ("clients", 1),
    ("job_seekers", 3),
    ("unemployed", 2),
    ("long_term_unemployed", 1),
)


def build(areas: int, municipalities: int, dates: int, lines: int):
    """The first `areas` (by code) of the 45 real areas with their real members, monthly counts
    on max(`dates`, 60) month ends, an approved plan of `lines` lines per area; returns the
    areas. `municipalities` is not used: the membership is the real one (292 on the mainland
    in 2025); the reference data must be loaded first (bench/run.py loads it)."""
    from django.core.management import call_command
    from django.db import connection

    from municipalities.models import ClientStatistic, Pilot
    from staffing.models import (
        Allocation,
        Organisation,
        PilotOrganisation,
        ServiceNeed,
        StaffingPlan,
    )

    call_command("loaddata", str(AREA_FIXTURE), verbosity=0)
    everything = sorted(Pilot.objects.areas(), key=lambda pilot: int(pilot.code))
    pilots = everything[:areas]
    # Fewer areas than the real 45: the rest go, so the pages see only the ones asked for.
    Pilot.objects.filter(pk__in=[pilot.pk for pilot in everything[areas:]]).delete()
    Pilot.objects.filter(pk__in=[pilot.pk for pilot in pilots]).update(
        target_caseload=Decimal("120")
    )
    members = {
        pilot.pk: [m.municipality for m in pilot.memberships.select_related("municipality")]
        for pilot in pilots
    }

    needs = [
        ServiceNeed.objects.create(code=f"BENCH{i}", name=f"Palvelutarve {i}", position=i)
        for i in range(6)
    ]
    te = Organisation.objects.create(name="Valtion palvelut (bench)", slug="bench-te", kind="state")
    months = month_ends(max(dates, MONTHS))
    stats, plans = [], []
    for pilot in pilots:
        for d, on in enumerate(months):
            # The area's own client count and, as StatFin 12r5 gives them, three official
            # measures of the same month.
            stats += [
                ClientStatistic(
                    municipality=m, date=on, measure=measure, value=(300 + 7 * i + d) * factor
                )
                for i, m in enumerate(members[pilot.pk])
                for measure, factor in OFFICIAL_MEASURES
            ]
        plans.append(
            StaffingPlan(
                pilot=pilot,
                name="Suunnitelma",
                slug="suunnitelma",
                status="approved",
                valid_from=datetime.date(2025, 1, 1),
                statistics_date=months[-1],
            )
        )
    # A seed pilot's count on a month end (Jokilaaksot's 30.11.2022) stays as it is.
    ClientStatistic.objects.bulk_create(stats, batch_size=2000, ignore_conflicts=True)
    StaffingPlan.objects.bulk_create(plans)
    organisations = {
        org.slug: org
        for org in Organisation.objects.bulk_create(
            Organisation(
                name=f"{m.name_fi} (bench)", slug=f"bench-org-{m.code}", kind="municipality"
            )
            for pilot in pilots
            for m in members[pilot.pk]
        )
    }
    # Each area's own list of organisations, as its lines need (the state's and its members').
    PilotOrganisation.objects.bulk_create(
        PilotOrganisation(pilot=pilot, organisation=org)
        for pilot in pilots
        for org in [te] + [organisations[f"bench-org-{m.code}"] for m in members[pilot.pk]]
    )
    allocations = []
    for plan in StaffingPlan.objects.filter(pilot__in=pilots):
        own = [organisations[f"bench-org-{m.code}"] for m in members[plan.pilot_id]]
        for index in range(lines):
            allocations.append(
                Allocation(
                    plan=plan,
                    position=index + 1,
                    service_need=needs[index % len(needs)],
                    organisation=te if index % 3 == 0 else own[index % len(own)],
                    role_title=f"Asiantuntija {index}",
                    fte=Decimal("0.75"),
                    client_work_fte=Decimal("0.50"),
                )
            )
    Allocation.objects.bulk_create(allocations, batch_size=2000)
    # The planner's statistics of the new rows, as a running database has them (PostgreSQL's
    # autovacuum analyses a grown table within a minute; the benchmark does not wait for it).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return pilots


def import_rows(municipalities, dates: int):
    """Client counts of every municipality on `dates` month ends none of the pages uses."""
    from municipalities.services import CountRow

    days = [IMPORT_START + datetime.timedelta(days=31 * index) for index in range(dates)]
    return [
        CountRow(m.code, day, "clients", Decimal(100 + index % 500))
        for day in days
        for index, m in enumerate(municipalities)
    ]
