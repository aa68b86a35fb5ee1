"""The managers' national view: regions → a region's areas → an area's municipalities → a
municipality over time; the chart comparing areas on the home page; pinned query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from kokeilu.charts import caseload_chart
from municipalities.models import (
    ClientStatistic,
    Measure,
    Municipality,
    Pilot,
    PilotSuccession,
    Region,
)
from tests.dashboard.helpers import body_rows, build_pilot, count_queries, row_named, table, texts
from tests.factories.municipalities import (
    MunicipalityGroupFactory,
    PilotFactory,
    PilotMembershipFactory,
)

D = Decimal
AREA_START = datetime.date(2025, 1, 1)


@pytest.fixture
def area_12(seeded):
    """Area 12 Keski-Pohjanmaa from 2025 with the Kokkola pilot's eight municipalities, their
    2020 counts and a 2026 count of job seekers for Kokkola; the Kokkola pilot succeeded."""
    region = Region.objects.get(code="MK16")
    area = PilotFactory(
        name="Keski-Pohjanmaa",
        slug="keski-pohjanmaa",
        kind="area",
        code="12",
        start_date=AREA_START,
        end_date=None,
        statistical_region=region,
        region=region.name_fi,
        target_caseload=D("90"),
    )
    old = Pilot.objects.get(slug="kokkolan-seutu")
    for municipality in old.municipalities.all():
        PilotMembershipFactory(pilot=area, municipality=municipality)
        PilotSuccession.objects.create(predecessor=old, successor=area, municipality=municipality)
    ClientStatistic.objects.create(
        municipality=Municipality.objects.get(code="272"),
        date=datetime.date(2026, 6, 30),
        measure=Measure.JOB_SEEKERS,
        value=D(4321),
        source="Tilastokeskus, StatFin 12r5",
    )
    return area


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response


def test_regions_list_with_totals(area_12, client, manager):
    client.force_login(manager)
    rows = body_rows(table(get(client, reverse("national-regions")).content, "region-table"))
    assert len(rows) == 19  # every region of the classification
    keski = row_named(rows, "Keski-Pohjanmaa")
    # One area in force, eight municipalities, 2622 clients on 5.11.2020; no plan: no FTE.
    assert texts(keski)[:6] == ["Keski-Pohjanmaa", "MK16", "1", "8", "2\u202f622", "5.11.2020"]
    assert texts(keski)[8] == "–"  # no client-work FTE: no caseload
    link = keski["cells"][0]["links"][0]["href"]
    assert link == reverse("national-region", kwargs={"region": "MK16"})
    # The ended seed pilots are not in force today: Pohjois-Pohjanmaa has none.
    assert texts(row_named(rows, "Pohjois-Pohjanmaa"))[2] == "0"


def test_a_regions_areas_with_the_home_columns(area_12, client, manager):
    client.force_login(manager)
    response = get(client, reverse("national-region", kwargs={"region": "MK16"}))
    rows = body_rows(table(response.content, "area-table"))
    assert [texts(row)[:5] for row in rows] == [
        ["Keski-Pohjanmaa", "Keski-Pohjanmaa", "8", "5.11.2020", "2\u202f622"]
    ]
    members_link = rows[0]["cells"][2]["links"][0]["href"]
    assert members_link == reverse(
        "municipalities:area-members", kwargs={"pilot": "keski-pohjanmaa"}
    )
    assert client.get(reverse("national-region", kwargs={"region": "MK99"})).status_code == 404


def test_an_areas_municipalities_with_their_latest_counts(area_12, client, manager):
    client.force_login(manager)
    url = reverse("municipalities:area-members", kwargs={"pilot": "keski-pohjanmaa"})
    rows = table(get(client, url).content, "member-table")
    kokkola = row_named(body_rows(rows), "Kokkola")
    # clients 1975 on 5.11.2020 (seed 000), job seekers 4321 on 30.6.2026, no unemployed.
    assert texts(kokkola)[3:9] == ["1\u202f975", "5.11.2020", "4\u202f321", "30.6.2026", "–", ""]
    footer = [row for row in rows if row["section"] == "tfoot"][0]
    # The members' clients sum to the pilot's 2622; job seekers only Kokkola has: no total.
    assert texts(footer)[1:4] == ["2\u202f622", "", "–"]


def test_a_municipality_over_time_and_who_served_it(area_12, client, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    content = get(client, reverse("municipality-detail", kwargs={"code": "272"})).content
    served = body_rows(table(content, "membership-table"))
    assert [texts(row)[:3] for row in served] == [
        ["Kokkolan seudun kuntakokeilu", "employment pilot", "1.3.2021–31.12.2024"],
        ["Keski-Pohjanmaa", "employment area", "1.1.2025–…"],
    ] or [texts(row)[2] for row in served] == ["1.3.2021–31.12.2024", "1.1.2025–…"]
    history = body_rows(table(content, "history-table"))
    assert [texts(row)[0] for row in history] == ["30.6.2026", "5.11.2020"]
    assert texts(history[0])[-1] == "Keski-Pohjanmaa"
    # The 2020 count planned the pilot that began on 1.3.2021: no one served it on that day.
    assert texts(history[1])[-1] == "no pilot or area"
    assert "Kokkolan seudun kuntakokeilu → Keski-Pohjanmaa" in content.decode()
    assert client.get(reverse("municipality-detail", kwargs={"code": "999"})).status_code == 404


def test_roles_on_the_drill_down(area_12, client, other_user, coordinator_factory):
    own = coordinator_factory(area_12)
    municipality = reverse("municipality-detail", kwargs={"code": "272"})
    members = reverse("municipalities:area-members", kwargs={"pilot": "keski-pohjanmaa"})
    for url in (reverse("national-regions"), municipality, members):
        assert client.get(url).status_code == 302  # to login
    client.force_login(other_user)
    assert client.get(municipality).status_code == 404
    assert client.get(members).status_code == 404
    regions = body_rows(table(get(client, reverse("national-regions")).content, "region-table"))
    assert all(texts(row)[2] == "0" for row in regions)
    client.force_login(own)
    assert client.get(municipality).status_code == 200
    assert client.get(members).status_code == 200
    assert client.get(reverse("municipality-detail", kwargs={"code": "977"})).status_code == 404
    assert client.post(members).status_code == 405


def test_home_chart_compares_the_rows_the_table_shows(seeded, client, manager):
    Pilot.objects.filter(slug="kokkolan-seutu").update(target_caseload=D("80"))
    # The chart compares the current areas: the seed pilots are made current here.
    Pilot.objects.update(end_date=None)
    client.force_login(manager)
    response = get(client, reverse("home"), sort="-caseload")
    chart = response.context["chart"]
    assert chart["labels"] == ["Kokkolan seudun kuntakokeilu", "Jokilaaksojen työllisyyskokeilu"]
    assert chart["caseloads"] == ["95.7", "65.9"]
    assert chart["targets"] == ["80", None] or chart["targets"] == ["80.0", None]
    assert chart["over"] == [True, False]
    numbers = [texts(row) for row in body_rows(table(response.content, "chart-caseloads-table"))]
    assert numbers == [
        ["Kokkolan seudun kuntakokeilu", "95,7 ▲", "80,0"],
        ["Jokilaaksojen työllisyyskokeilu", "65,9", "–"],
    ]
    assert 'id="national-chart"' in response.content.decode()
    # Filtered like the table.
    assert get(client, reverse("home"), name="joki").context["chart"]["labels"] == [
        "Jokilaaksojen työllisyyskokeilu"
    ]


def test_caseload_chart_leaves_out_rows_without_a_caseload():
    rows = [
        {"name": "A", "caseload": D("95.7"), "target": D("90.0"), "status": "over"},
        {"name": "B", "caseload": None, "target": None, "status": ""},
    ]
    chart = caseload_chart(rows)
    assert chart["labels"] == ["A"] and chart["missing"] == ["B"]
    assert chart["numbers"] == [("A", "95,7", "90,0", True)]


# Computed (not kept): with the page's revision, the pilots listed and their revisions
# (kokeilu.national.kept_summaries).
REGIONS_QUERIES = 13
REGION_QUERIES = 13
MEMBERS_QUERIES = 11  # with the area's groups and their members
MUNICIPALITY_QUERIES = 9


def _areas_in_force(region):
    Pilot.objects.update(
        start_date=AREA_START, end_date=None, kind="area", statistical_region=region
    )


@pytest.mark.slow
def test_drill_down_query_counts_are_pinned_and_do_not_grow(db, client, manager):
    client.force_login(manager)
    region = Region.objects.create(code="MK16", name_fi="Keski-Pohjanmaa")
    build_pilot(1)
    _areas_in_force(region)
    pilot = Pilot.objects.get()
    municipality = pilot.municipalities.first()
    urls = {
        "regions": reverse("national-regions"),
        "region": reverse("national-region", kwargs={"region": "MK16"}),
        "members": reverse("municipalities:area-members", kwargs={"pilot": pilot.slug}),
        "municipality": reverse("municipality-detail", kwargs={"code": municipality.code}),
    }

    def counts():
        return {
            name: count_queries(connection, lambda u=url: get(client, u))
            for name, url in urls.items()
        }

    small = counts()
    for scale in range(2, 22):
        build_pilot(1 if scale % 4 else 3)
    _areas_in_force(region)
    # ×20: more areas, and the first area's municipality has more counts and memberships.
    for other in Pilot.objects.exclude(pk=pilot.pk)[:5]:
        PilotMembershipFactory(pilot=other, municipality=municipality)
    # ×20 groups of the area's members, with all of them each.
    for index in range(20):
        group = MunicipalityGroupFactory(pilot=pilot, name=f"Ryhmä {index}")
        group.members.set(pilot.municipalities.all())
    for day in range(20):
        ClientStatistic.objects.create(
            municipality=municipality,
            date=datetime.date(2025, 1, 1) + datetime.timedelta(days=day),
            measure=Measure.JOB_SEEKERS,
            value=D(100 + day),
        )
    assert Pilot.objects.count() == 21
    big = counts()
    expected = {
        "regions": REGIONS_QUERIES,
        "region": REGION_QUERIES,
        "members": MEMBERS_QUERIES,
        "municipality": MUNICIPALITY_QUERIES,
    }
    assert (small, big) == (expected, expected), (small, big)
    region_rows = body_rows(table(get(client, urls["region"]).content, "area-table"))
    assert len(region_rows) == 21
