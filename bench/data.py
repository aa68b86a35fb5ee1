"""The benchmark's national-scale data, built with bulk_create: employment areas with their
municipalities, statistics dates and a plan of lines each; and rows for a large import."""

import datetime
from decimal import Decimal

IMPORT_START = datetime.date(2010, 1, 31)


def build(areas: int, municipalities: int, dates: int, lines: int):
    """`areas` pilots sharing out `municipalities`, `dates` statistics dates, `lines` lines per
    plan; returns the pilots."""
    from municipalities.models import ClientStatistic, Municipality, Pilot, PilotMembership
    from staffing.models import Allocation, Organisation, ServiceNeed, StaffingPlan

    needs = [
        ServiceNeed.objects.create(code=f"BENCH{i}", name=f"Palvelutarve {i}", position=i)
        for i in range(6)
    ]
    te = Organisation.objects.create(name="Valtion palvelut (bench)", slug="bench-te", kind="state")
    taken = set(Municipality.objects.values_list("code", flat=True))  # the seed pilots'
    codes = [f"{i:03d}" for i in range(1000) if f"{i:03d}" not in taken][:municipalities]
    all_municipalities = Municipality.objects.bulk_create(
        Municipality(code=code, name_fi=f"Kunta {code}") for code in codes
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
        Organisation(
            name=f"Kunta-organisaatio {m.code}", slug=f"bench-org-{m.code}", kind="municipality"
        )
        for m in all_municipalities
    )
    allocations = []
    for plan in StaffingPlan.objects.filter(pilot__in=pilots):
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


def import_rows(municipalities, dates: int):
    """Client counts of every municipality on `dates` month ends none of the pages uses."""
    from municipalities.services import CountRow

    days = [IMPORT_START + datetime.timedelta(days=31 * index) for index in range(dates)]
    return [
        CountRow(m.code, day, "clients", Decimal(100 + index % 500))
        for day in days
        for index, m in enumerate(municipalities)
    ]
