"""The home page compares every pilot the user may see; it filters, sorts and exports."""

import datetime
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

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
    """The home page; the seed pilots (ended 31.12.2024) are listed under `period=ended`."""
    response = client.get(reverse("home"), params)
    assert response.status_code == 200
    return response


def ended(client, **params):
    return home(client, period="ended", **params)


def pilot_rows(response):
    return body_rows(table(response.content, "pilot-table"))


def test_manager_sees_every_pilot_with_its_figures(seeded, client, manager):
    client.force_login(manager)
    rows = pilot_rows(ended(client))
    assert [texts(row)[COLUMNS] for row in rows] == [
        [JOKILAAKSOT, "Pohjois-Pohjanmaa", "30.11.2022", "1\u202f377", "–", "20,9", "20,9"]
        + ["65,9", "–"],
        [KOKKOLA, "Keski-Pohjanmaa", "5.11.2020", "2\u202f622", "–", "33,75", "27,4"]
        + ["95,7", "–"],
    ]
    link = row_named(rows, KOKKOLA)["cells"][0]["links"][0]["href"]
    assert link == reverse("staffing:pilot-dashboard", kwargs={"pilot": "kokkolan-seutu"})
    # The welcome stays (the login test looks for it).
    assert "Tervetuloa" in ended(client).content.decode()


def test_caseload_over_target_is_marked(seeded, client, manager):
    Pilot.objects.filter(slug="kokkolan-seutu").update(target_caseload=D("80"))
    Pilot.objects.filter(slug="jokilaaksot").update(target_caseload=D("80"))
    client.force_login(manager)
    rows = pilot_rows(ended(client))
    kokkola, jokilaaksot = row_named(rows, KOKKOLA), row_named(rows, JOKILAAKSOT)
    assert texts(kokkola)[7:9] == ["95,7 ▲", "80,0"]
    assert 'data-status="over"' in ended(client).content.decode()
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
    assert texts(row_named(pilot_rows(ended(client)), KOKKOLA))[4] == "+522"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "MK16"}, [KOKKOLA]),
        ({"name": "joki"}, [JOKILAAKSOT]),
        ({"name": "KUNTA"}, [KOKKOLA]),
        ({"name": "joki", "region": "MK16"}, []),
        ({}, [JOKILAAKSOT, KOKKOLA]),
    ],
)
def test_filter_by_region_or_name(seeded, client, manager, params, expected):
    client.force_login(manager)
    assert [texts(row)[0] for row in pilot_rows(ended(client, **params))] == expected


NOT_A_CHOICE = "Select a valid choice. That choice is not one of the available choices."


@pytest.mark.parametrize(
    ("value", "message"),
    [
        # A name instead of a code, a code of no region, a region of no pilot the user sees,
        # a very long value.
        ("Keski-Pohjanmaa", NOT_A_CHOICE),
        ("MK99", NOT_A_CHOICE),
        ("MK01", NOT_A_CHOICE),
        ("x" * 5000, NOT_A_CHOICE),
        # A NUL: refused before any query (PostgreSQL would refuse it in one).
        ("MK\x0016", "Null characters are not allowed."),
    ],
)
def test_an_unknown_region_is_refused_with_a_message(seeded, client, manager, value, message):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    response = ended(client, region=value)
    assert pilot_rows(response) == []
    assert message in response.content.decode()


def _region_options(response):
    form = response.context["filter"].form
    return [(str(value), label) for value, label in form.fields["region"].choices]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", [("", "---------"), ("null", "Ei maakuntaa"), ("MK16", "Keski-Pohjanmaa")]),
        # Swedish names where they exist, in their own alphabetical order.
        ("sv", [("", "---------"), ("null", "Inget landskap"), ("MK16", "Mellersta Österbotten")]),
    ],
)
def test_the_region_is_a_select_of_the_regions_of_visible_pilots(
    seeded, client, manager, language, expected
):
    from municipalities.models import Region

    Region.objects.filter(code="MK16").update(name_sv="Mellersta Österbotten")
    Region.objects.filter(code="MK17").update(name_sv="")
    Pilot.objects.filter(slug="jokilaaksot").update(statistical_region=None)
    client.force_login(manager)
    client.cookies["django_language"] = language
    response = ended(client)
    assert _region_options(response) == expected
    html = response.content.decode()
    assert '<select name="region"' in html
    # Filtered in the database: the pilots linked to no region.
    assert [texts(row)[0] for row in pilot_rows(ended(client, region="null"))] == [JOKILAAKSOT]


def test_the_region_column_shows_the_linked_region_in_the_users_language(seeded, client, manager):
    from municipalities.models import Region

    Region.objects.filter(code="MK16").update(name_sv="Mellersta Österbotten")
    client.force_login(manager)
    client.cookies["django_language"] = "sv"
    row = row_named(pilot_rows(ended(client)), KOKKOLA)
    assert texts(row)[1] == "Mellersta Österbotten"


def test_sort_and_export_links_keep_the_filters(seeded, client, manager):
    client.force_login(manager)
    response = ended(client, region="MK16")
    html = response.content.decode()
    links = [href for href in re.findall(r'href="([^"]+)"', html) if "sort=" in href]
    exports = [href for href in re.findall(r'href="([^"]+)"', html) if "_export=" in href]
    assert links and exports
    for href in links + exports:
        query = parse_qs(urlparse(href.replace("&amp;", "&")).query)
        assert query["region"] == ["MK16"] and query["period"] == ["ended"], href
    exported = csv_rows(client.get(exports[0].replace("&amp;", "&")))
    assert [row[0] for row in exported[1:]] == [KOKKOLA]


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
    assert [texts(row)[0] for row in pilot_rows(ended(client, sort=sort))] == expected


def test_export_holds_what_the_page_shows(seeded, client, manager):
    client.force_login(manager)
    page = [texts(row) for row in pilot_rows(ended(client, name="kunta"))]
    csv_data = csv_rows(ended(client, name="kunta", _export="csv-rfc4180"))
    excel_data = csv_rows(ended(client, name="kunta", _export="csv"))
    xlsx_data = xlsx_rows(ended(client, name="kunta", _export="xlsx"))
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
        assert [texts(row)[0] for row in pilot_rows(ended(client))] == expected, user
        exported = csv_rows(ended(client, _export="csv"))
        assert [row[0] for row in exported[1:]] == expected, user
        # Read-only.
        assert client.post(reverse("home")).status_code == 405


#: 13 with the database's revision, read for the page cache (core.page_cache), the pilots'
#: revisions their rows are kept under (`kept_parts`) and the pilots read again for the rows
#: computed (here every row: a test's transaction never commits, so no row is kept).
HOME_QUERIES = 13
#: One fewer than the page: the region choices are read only when the form is shown.
HOME_EXPORT_QUERIES = 12
#: One more to find the chosen region among the choices.
HOME_REGION_QUERIES = HOME_QUERIES + 1


@pytest.mark.slow
def test_home_query_count_is_pinned_and_does_not_grow(db, client, manager):
    from municipalities.models import Region

    region = Region.objects.create(code="MK16", name_fi="Keski-Pohjanmaa")
    client.force_login(manager)
    client.get(reverse("home"))  # the CSRF cookie: every counted request reads the revision

    def counts():
        """The current view, the ended view, one region, an export, once the pilots have
        ended and once they are current (linked to the region)."""
        Pilot.objects.update(end_date=datetime.date(2024, 12, 31), statistical_region=None)
        ended_count = count_queries(connection, lambda: ended(client))
        Pilot.objects.update(end_date=None, statistical_region=region)
        return (
            count_queries(connection, lambda: home(client)),
            ended_count,
            count_queries(connection, lambda: home(client, region="MK16")),
            count_queries(connection, lambda: home(client, _export="xlsx")),
        )

    build_pilot(1)
    small = counts()
    for scale in range(2, 22):
        build_pilot(1 if scale % 4 else 3)
    assert Pilot.objects.count() == 21
    big = counts()
    pinned = (HOME_QUERIES, HOME_QUERIES, HOME_REGION_QUERIES, HOME_EXPORT_QUERIES)
    assert (small, big) == (pinned, pinned)
    assert len(pilot_rows(home(client, region="MK16"))) == 21
    assert pilot_rows(ended(client)) == []


def test_current_areas_first_and_the_ended_pilots_apart(national_areas, client, manager):
    client.force_login(manager)
    current = Pilot.objects.exclude(end_date__lt=datetime.date.today())
    assert current.count() == 45
    response = home(client)
    names = [texts(row)[0] for row in pilot_rows(response)]
    assert sorted(names) == sorted(current.values_list("name", flat=True))
    assert KOKKOLA not in names and JOKILAAKSOT not in names
    html = response.content.decode()
    assert 'data-testid="ended-link"' in html and "Päättyneet kokeilut" in html
    # The chart compares the current areas only (those with a caseload; here none has one).
    chart = response.context["chart"]
    assert KOKKOLA not in chart["labels"] + chart["missing"]
    assert sorted(chart["missing"]) == sorted(names)
    exported = csv_rows(home(client, _export="csv"))
    assert sorted(row[0] for row in exported[1:]) == sorted(names)

    response = ended(client)
    assert [texts(row)[0] for row in pilot_rows(response)] == [JOKILAAKSOT, KOKKOLA]
    html = response.content.decode()
    assert 'data-testid="caseload-chart-section"' not in html
    assert 'data-testid="ended-link"' not in html
    assert "Päättyneet kokeilut" in html
    exported = csv_rows(ended(client, _export="csv"))
    assert [row[0] for row in exported[1:]] == [JOKILAAKSOT, KOKKOLA]
    assert "paattyneet-kokeilut" in ended(client, _export="csv")["Content-Disposition"]


def test_the_chart_leaves_out_the_ended_pilots(seeded, client, manager):
    """A current area with a caseload is charted; an ended pilot with one is not."""
    Pilot.objects.filter(slug="jokilaaksot").update(end_date=None)
    client.force_login(manager)
    chart = home(client).context["chart"]
    assert chart["labels"] == [JOKILAAKSOT]
    assert chart["caseloads"] == ["65.9"]


@pytest.mark.parametrize("value", ["kaikki", "x" * 5000])
def test_an_unknown_period_is_refused_with_a_message(seeded, client, manager, value):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    response = home(client, period=value)
    assert pilot_rows(response) == []
    assert f"Select a valid choice. {value} is not one of the available choices." in (
        response.content.decode()
    )
