"""The home page compares every pilot the user may see; it filters, sorts and exports."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from municipalities.models import ClientStatistic, Municipality, Pilot
from tests.dashboard.helpers import (
    body_rows,
    build_pilot,
    count_queries,
    csv_rows,
    row_named,
    table,
    texts,
    xlsx_rows,
)

D = Decimal
KOKKOLA = "Kokkolan seudun kuntakokeilu"
JOKILAAKSOT = "Jokilaaksojen työllisyyskokeilu"
# name | region | statistics date | clients | change | FTE | client-work FTE | caseload | target
COLUMNS = slice(0, 9)


def home(client, **params):
    response = client.get(reverse("home"), params)
    assert response.status_code == 200
    return response


def pilot_rows(response):
    return body_rows(table(response.content, "pilot-table"))


def test_manager_sees_every_pilot_with_its_figures(seeded, client, manager):
    client.force_login(manager)
    rows = pilot_rows(home(client))
    assert [texts(row)[COLUMNS] for row in rows] == [
        [JOKILAAKSOT, "Pohjois-Pohjanmaa", "30.11.2022", "1\u202f377", "–", "20,9", "20,9"]
        + ["65,9", "–"],
        [KOKKOLA, "Keski-Pohjanmaa", "5.11.2020", "2\u202f622", "–", "33,75", "27,4"]
        + ["95,7", "–"],
    ]
    link = row_named(rows, KOKKOLA)["cells"][0]["links"][0]["href"]
    assert link == reverse("staffing:pilot-dashboard", kwargs={"pilot": "kokkolan-seutu"})
    # The welcome stays (the login test looks for it).
    assert "Tervetuloa" in home(client).content.decode()


def test_caseload_over_target_is_marked(seeded, client, manager):
    Pilot.objects.filter(slug="kokkolan-seutu").update(target_caseload=D("80"))
    Pilot.objects.filter(slug="jokilaaksot").update(target_caseload=D("80"))
    client.force_login(manager)
    rows = pilot_rows(home(client))
    kokkola, jokilaaksot = row_named(rows, KOKKOLA), row_named(rows, JOKILAAKSOT)
    assert texts(kokkola)[7:9] == ["95,7 ▲", "80,0"]
    assert 'data-status="over"' in home(client).content.decode()
    assert texts(jokilaaksot)[7] == "65,9"
    assert row_named(rows, KOKKOLA)["attrs"]["data-pilot"] == "kokkolan-seutu"


def test_change_since_the_previous_statistics_date(seeded, client, manager):
    earlier = datetime.date(2019, 11, 5)
    for code, value in (("272", 2000), ("217", 100)):
        ClientStatistic.objects.create(
            municipality=Municipality.objects.get(code=code),
            date=earlier,
            measure="clients",
            value=value,
        )
    client.force_login(manager)
    # 2622 on 5.11.2020 against 2100 on 5.11.2019.
    assert texts(row_named(pilot_rows(home(client)), KOKKOLA))[4] == "+522"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "Keski-Pohjanmaa"}, [KOKKOLA]),
        ({"name": "joki"}, [JOKILAAKSOT]),
        ({"name": "KUNTA"}, [KOKKOLA]),
        ({"name": "joki", "region": "Keski-Pohjanmaa"}, []),
        ({}, [JOKILAAKSOT, KOKKOLA]),
    ],
)
def test_filter_by_region_or_name(seeded, client, manager, params, expected):
    client.force_login(manager)
    assert [texts(row)[0] for row in pilot_rows(home(client, **params))] == expected


def test_an_unknown_region_is_refused_with_a_message(seeded, client, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    response = home(client, region="Lappi")
    assert pilot_rows(response) == []
    assert "Select a valid choice. Lappi is not one of the available choices." in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("caseload", [JOKILAAKSOT, KOKKOLA]),
        ("-caseload", [KOKKOLA, JOKILAAKSOT]),
        ("-fte", [KOKKOLA, JOKILAAKSOT]),
        ("clients", [JOKILAAKSOT, KOKKOLA]),
        ("-name", [KOKKOLA, JOKILAAKSOT]),
    ],
)
def test_sortable(seeded, client, manager, sort, expected):
    client.force_login(manager)
    assert [texts(row)[0] for row in pilot_rows(home(client, sort=sort))] == expected


def test_export_holds_what_the_page_shows(seeded, client, manager):
    client.force_login(manager)
    page = [texts(row) for row in pilot_rows(home(client, name="kunta"))]
    csv_data = csv_rows(home(client, name="kunta", _export="csv-rfc4180"))
    excel_data = csv_rows(home(client, name="kunta", _export="csv"))
    xlsx_data = xlsx_rows(home(client, name="kunta", _export="xlsx"))
    assert len(page) == len(csv_data) - 1 == len(xlsx_data) - 1 == 1
    # Excel's CSV: the same figures (read back with decimal points), the date as Finns write it.
    assert excel_data[1][2] == "5.11.2020"
    assert excel_data[1][:2] + excel_data[1][3:] == csv_data[1][:2] + csv_data[1][3:]
    assert csv_data[1][:9] == [
        KOKKOLA,
        "Keski-Pohjanmaa",
        "2020-11-05",
        "2622",
        "",
        "33.75",
        "27.40",
        "95.7",
        "",
    ]
    # XLSX: a real date and real numbers.
    assert xlsx_data[1][:4] == [KOKKOLA, "Keski-Pohjanmaa", datetime.datetime(2020, 11, 5), 2622]
    assert xlsx_data[1][5:8] == [33.75, 27.4, 95.7]


def test_roles(seeded, client, admin_user, manager, other_user, coordinator_factory):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    own = coordinator_factory(Pilot.objects.get(slug="jokilaaksot"))
    for user, expected in (
        (admin_user, [JOKILAAKSOT, KOKKOLA]),
        (manager, [JOKILAAKSOT, KOKKOLA]),
        (own, [JOKILAAKSOT]),
        (other_user, []),
    ):
        client.force_login(user)
        assert [texts(row)[0] for row in pilot_rows(home(client))] == expected, user
        exported = csv_rows(home(client, _export="csv"))
        assert [row[0] for row in exported[1:]] == expected, user
        # Read-only.
        assert client.post(reverse("home")).status_code == 405


HOME_QUERIES = 10
HOME_EXPORT_QUERIES = 10


@pytest.mark.slow
def test_home_query_count_is_pinned_and_does_not_grow(db, client, manager):
    client.force_login(manager)
    build_pilot(1)
    small = count_queries(connection, lambda: home(client))
    for scale in range(2, 22):
        build_pilot(1 if scale % 4 else 3)
    assert Pilot.objects.count() == 21
    big = count_queries(connection, lambda: home(client))
    assert (small, big) == (HOME_QUERIES, HOME_QUERIES)
    assert len(pilot_rows(home(client))) == 21
    assert count_queries(connection, lambda: home(client, _export="xlsx")) == HOME_EXPORT_QUERIES
