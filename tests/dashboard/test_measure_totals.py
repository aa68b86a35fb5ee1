"""An area's dashboard shows its member municipalities' latest counts (clients, official job
seekers and unemployed) with date, source and change, also before the area has a plan; in a
constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from core.formatting import format_count, format_signed_count
from municipalities.models import Measure, Pilot
from tests.dashboard.helpers import count_queries
from tests.factories.municipalities import (
    ClientStatisticFactory,
    MunicipalityFactory,
    PilotFactory,
    PilotMembershipFactory,
)

D = datetime.date
STATFIN = "Tilastokeskus, StatFin, taulukko 12r5"


def area_with_counts(size):
    area = PilotFactory(kind=Pilot.Kind.AREA, start_date=D(2025, 1, 1), end_date=None)
    members = [MunicipalityFactory() for _ in range(size)]
    for municipality in members:
        PilotMembershipFactory(pilot=area, municipality=municipality)
        for on, seekers, unemployed in ((D(2026, 5, 29), 100, 40), (D(2026, 6, 30), 110, 35)):
            ClientStatisticFactory(
                municipality=municipality,
                date=on,
                measure=Measure.JOB_SEEKERS,
                value=Decimal(seekers),
                source=STATFIN,
            )
            ClientStatisticFactory(
                municipality=municipality,
                date=on,
                measure=Measure.UNEMPLOYED,
                value=Decimal(unemployed),
                source=STATFIN,
            )
    return area


def test_an_area_without_a_plan_shows_its_official_counts_with_date_and_source(db, client, manager):
    area = area_with_counts(3)
    client.force_login(manager)
    response = client.get(reverse("staffing:pilot-dashboard", kwargs={"pilot": area.slug}))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="no-plan"' in content
    assert 'data-testid="latest-job_seekers"' in content
    assert 'data-testid="latest-unemployed"' in content
    # 3 × 110 job seekers, up from 3 × 100; 3 × 35 unemployed, down from 3 × 40.
    for figure in (format_count(330), format_signed_count(Decimal(30))):
        assert figure in content
    for figure in (format_count(105), format_signed_count(Decimal(-15))):
        assert figure in content
    assert "30.6.2026" in content and "29.5.2026" in content
    assert STATFIN in content
    assert 'data-testid="latest-clients"' not in content  # no clients counted: not a zero


def test_a_seed_dashboard_lists_the_clients_of_all_members(seeded, client, manager):
    client.force_login(manager)
    content = client.get(
        reverse("staffing:pilot-dashboard", kwargs={"pilot": "kokkolan-seutu"})
    ).content.decode()
    assert 'data-testid="latest-clients"' in content
    assert format_count(2622) in content


@pytest.mark.parametrize("size", [1, 20])
def test_the_area_page_without_a_plan_has_a_constant_number_of_queries(db, client, manager, size):
    area = area_with_counts(size)
    client.force_login(manager)
    url = reverse("staffing:pilot-dashboard", kwargs={"pilot": area.slug})
    assert count_queries(connection, lambda: client.get(url)) == NO_PLAN_QUERIES


#: 10 with the database's revision, read for the page cache (core.page_cache).
NO_PLAN_QUERIES = 10
