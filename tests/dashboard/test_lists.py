"""The line items and client counts of a pilot: filtered, sorted, exported, read-only."""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from municipalities.models import Municipality, Pilot
from staffing.models import Allocation
from tests.dashboard.helpers import (
    body_rows,
    build_pilot,
    count_queries,
    csv_rows,
    table,
    texts,
    xlsx_rows,
)

D = Decimal
KOKKOLA = "kokkolan-seutu"
PLAN = "henkilostosuunnitelma"


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def get(client, name, pilot=KOKKOLA, **params):
    response = client.get(reverse(name, kwargs={"pilot": pilot}), params)
    assert response.status_code == 200
    return response


def footer(rows) -> list[str]:
    (row,) = [row for row in rows if row["section"] == "tfoot"]
    return texts(row)


# --- line items ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "count", "fte", "client_work"),
    [
        ({}, 39, "33,75", "27,4"),
        ({"plan": PLAN}, 39, "33,75", "27,4"),
        ({"plan": PLAN, "organisation": "soite"}, 10, "7,55", "6,0"),
        ({"plan": PLAN, "service_need": "S2", "organisation": "soite"}, 4, "1,25", "1,25"),
        ({"service_need": "JOHTO"}, 7, "2,3", "0,5"),
        ({"municipality": "272"}, 11, "11,0", "8,25"),
    ],
)
def test_allocation_filters_and_totals(seeded, manager_client, params, count, fte, client_work):
    rows = table(
        get(manager_client, "staffing:allocation-list", **params).content, "allocation-table"
    )
    assert len(body_rows(rows)) == count
    # The sums under the table are those of the matrix cell or column that links here.
    assert footer(rows)[5:7] == [fte, client_work]


def test_a_pilots_list_shows_only_its_own_lines(seeded, manager_client):
    rows = table(
        get(manager_client, "staffing:allocation-list", pilot="jokilaaksot", plan="").content,
        "allocation-table",
    )
    assert len(body_rows(rows)) == 9
    assert Allocation.objects.count() == 48


def test_line_items_default_to_the_plan_in_force(seeded, manager_client):
    response = get(manager_client, "staffing:allocation-list", pilot="jokilaaksot")
    rows = body_rows(table(response.content, "allocation-table"))
    assert {texts(row)[0] for row in rows} == {"Vuodesta 2022"}
    assert len(rows) == 8
    assert "selected>Vuodesta 2022</option>" in response.content.decode()
    every = get(manager_client, "staffing:allocation-list", pilot="jokilaaksot", plan="")
    names = {texts(row)[0] for row in body_rows(table(every.content, "allocation-table"))}
    assert names == {"Vuodesta 2022", "Kokeilun alku"}


def test_lines_without_a_service_need(seeded, manager_client):
    response = get(
        manager_client,
        "staffing:allocation-list",
        pilot="jokilaaksot",
        service_need="null",
        plan="",
    )
    rows = table(response.content, "allocation-table")
    assert [texts(row)[0] for row in body_rows(rows)] == ["Vuodesta 2022"] * 7 + ["Kokeilun alku"]
    assert footer(rows)[5] == "26,9"


def test_a_filter_value_of_another_pilot_is_refused(seeded, client, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    response = get(client, "staffing:allocation-list", plan="2021")  # a plan of Jokilaaksot
    assert body_rows(table(response.content, "allocation-table")) == []
    assert "Select a valid choice. That choice is not one of the available choices." in (
        response.content.decode()
    )


def test_allocation_list_sorts(seeded, manager_client):
    rows = body_rows(
        table(
            get(manager_client, "staffing:allocation-list", plan=PLAN, sort="-fte").content,
            "allocation-table",
        )
    )
    assert [texts(row)[5] for row in rows[:3]] == ["4,5", "4,0", "3,0"]
    for column in ("plan", "service_need", "organisation", "served", "role_title", "note"):
        for sort in (column, f"-{column}"):
            assert (
                get(manager_client, "staffing:allocation-list", plan=PLAN, sort=sort).status_code
                == 200
            )


def test_allocation_export_is_what_the_page_shows(seeded, manager_client):
    params = {"plan": PLAN, "organisation": "kokkolan-kaupunki", "sort": "-fte"}
    page = body_rows(
        table(get(manager_client, "staffing:allocation-list", **params).content, "allocation-table")
    )
    csv_data = csv_rows(get(manager_client, "staffing:allocation-list", _export="csv", **params))
    xlsx_data = xlsx_rows(get(manager_client, "staffing:allocation-list", _export="xlsx", **params))
    assert len(page) == len(csv_data) - 1 == len(xlsx_data) - 1 == 8
    assert [row[4] for row in csv_data[1:]] == [texts(row)[4] for row in page]
    assert [row[4] for row in xlsx_data[1:]] == [texts(row)[4] for row in page]
    assert [D(row[5]) for row in csv_data[1:]] == [
        D(texts(row)[5].replace(",", ".")) for row in page
    ]
    assert sum(D(row[5]) for row in csv_data[1:]) == D("6")
    assert sum(D(str(row[5])) for row in xlsx_data[1:]) == D("6")
    assert {row[3] for row in csv_data[1:]} == {"Kokkolan kaupunki"}
    assert len(csv_data[0]) == len(xlsx_data[0]) == 9  # the page's nine columns


# --- client counts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "values"),
    [
        ({}, ["1\u202f975", "185", "96", "26", "138", "20", "94", "88"]),
        ({"municipality": "272"}, ["1\u202f975"]),
        ({"date": "2020-11-05", "measure": "clients"}, None),
        ({"measure": "job_seekers"}, []),
    ],
)
def test_statistic_filters(seeded, manager_client, params, values):
    rows = body_rows(
        table(
            get(manager_client, "municipalities:statistic-list", **params).content,
            "statistic-table",
        )
    )
    if values is None:
        assert len(rows) == 8
        assert {texts(row)[0] for row in rows} == {"5.11.2020"}
        return
    assert sorted(texts(row)[4] for row in rows) == sorted(values)


def test_statistic_export_and_dates_of_the_pilot(seeded, manager_client):
    response = get(
        manager_client, "municipalities:statistic-list", pilot="jokilaaksot", sort="-value"
    )
    rows = body_rows(table(response.content, "statistic-table"))
    assert [texts(row)[1:3] + [texts(row)[4]] for row in rows] == [
        ["Ylivieska", "977", "576"],
        ["Kalajoki", "208", "388"],
        ["Oulainen", "563", "293"],
        ["Alavieska", "009", "88"],
        ["Merijärvi", "483", "32"],
    ]
    # Only the pilot's own dates are offered.
    assert '<option value="2022-11-30">30.11.2022</option>' in response.content.decode()
    assert '<option value="2020-11-05">' not in response.content.decode()
    csv_data = csv_rows(
        get(
            manager_client,
            "municipalities:statistic-list",
            pilot="jokilaaksot",
            _export="csv",
            sort="-value",
        )
    )
    assert [row[1:3] + [row[4]] for row in csv_data[1:]] == [
        ["Ylivieska", "977", "576"],
        ["Kalajoki", "208", "388"],
        ["Oulainen", "563", "293"],
        ["Alavieska", "009", "88"],
        ["Merijärvi", "483", "32"],
    ]
    xlsx_data = xlsx_rows(
        get(
            manager_client,
            "municipalities:statistic-list",
            pilot="jokilaaksot",
            _export="xlsx",
            sort="-value",
        )
    )
    assert [row[4] for row in xlsx_data[1:]] == [576, 388, 293, 88, 32]


def test_statistic_list_refuses_a_date_without_figures(seeded, client, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    response = get(client, "municipalities:statistic-list", date="2020-11-06")
    assert body_rows(table(response.content, "statistic-table")) == []
    assert "Select a valid choice. 2020-11-06 is not one of the available choices." in (
        response.content.decode()
    )


# --- access and query counts ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "staffing:allocation-list",
        "municipalities:statistic-list",
    ],
)
@pytest.mark.parametrize("query", ["", "?_export=csv"])
def test_who_may_see_a_list(
    seeded, client, url, query, admin_user, manager, other_user, coordinator_factory
):
    path = reverse(url, kwargs={"pilot": KOKKOLA}) + query
    own = coordinator_factory(Pilot.objects.get(slug=KOKKOLA), username="oma")
    stranger = coordinator_factory(Pilot.objects.get(slug="jokilaaksot"), username="vieras")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    for user, status in (
        (other_user, 404),
        (stranger, 404),
        (own, 200),
        (manager, 200),
        (admin_user, 200),
    ):
        client.force_login(user)
        assert client.get(path).status_code == status, user.username
        assert client.post(path).status_code == (405 if status == 200 else status)


LIST_QUERIES = {
    # session, user, groups, pilot, filter choices, count, page, totals …
    # + the plan in force (the default filter) and its check as a filter value
    # + the database's revision, for the page cache (core.page_cache)
    ("staffing:allocation-list", ""): 16,
    ("staffing:allocation-list", "filtered"): 17,
    ("municipalities:statistic-list", ""): 10,
    ("municipalities:statistic-list", "filtered"): 12,
}


@pytest.mark.slow
@pytest.mark.parametrize(("name", "kind"), list(LIST_QUERIES))
def test_list_query_counts_are_pinned_and_do_not_grow(db, client, manager, name, kind):
    client.force_login(manager)
    client.get(reverse("home"))  # the CSRF cookie: every counted request reads the revision
    counts = []
    for scale in (1, 20):
        pilot, plan = build_pilot(scale)
        params = {}
        if kind == "filtered" and name == "staffing:allocation-list":
            line = Allocation.objects.filter(plan=plan, service_need__isnull=False).first()
            municipality = Municipality.objects.filter(memberships__pilot=pilot).last()
            params = {
                "plan": plan.slug,
                "organisation": line.organisation.slug,
                "service_need": line.service_need.code,
                "municipality": municipality.code,
            }
        elif kind == "filtered":
            params = {
                "municipality": Municipality.objects.filter(memberships__pilot=pilot).last().code,
                "date": plan.statistics_date.isoformat(),
                "measure": "clients",
            }
        url = reverse(name, kwargs={"pilot": pilot.slug})
        counts.append(count_queries(connection, lambda url=url, p=params: client.get(url, p)))
        counts.append(
            count_queries(
                connection, lambda url=url, p=params: client.get(url, {**p, "_export": "csv"})
            )
        )
    pinned = LIST_QUERIES[(name, kind)]
    assert counts[0::2] == [pinned, pinned], counts
    assert counts[1] == counts[3], counts
