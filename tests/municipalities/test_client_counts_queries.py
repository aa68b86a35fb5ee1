"""Pinned query counts of the client-count pages: the same with 20× more municipalities and
statistics dates."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from municipalities.models import ClientStatistic
from municipalities.services import CountRow, client_counts_import
from tests.factories.municipalities import STATISTICS_DATE, ClientStatisticFactory
from tests.staffing.test_editing import build_world

PAGES = {
    "municipalities:statistics-create": ({}, 8),  # a new date locks none: its save decides
    "municipalities:statistics-import": ({}, 7),
    "municipalities:statistics-template": ({"format": "xlsx"}, 9),
}


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 20], ids=["small", "20x"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_query_count_is_constant(client, django_assert_num_queries, name, extra):
    world = build_world(extra=extra)
    for index in range(extra):
        ClientStatisticFactory(municipality=world.towns[0], date=date(2000 + index, 1, 1))
    kwargs, queries = PAGES[name]
    client.force_login(world.coordinator)
    with django_assert_num_queries(queries):
        response = client.get(reverse(name, kwargs={"pilot": world.pilot.slug, **kwargs}))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 20], ids=["small", "20x"])
def test_import_writes_in_bulk(django_assert_num_queries, extra):
    """An import of new counts and changed ones takes the same statements for 3 rows as for
    23: versions claimed and rows written in bulk, history with them."""
    world = build_world(extra=extra)
    members = [town.code for town in world.pilot.municipalities.all()]
    later = date(2030, 1, 31)
    changed = [CountRow(c, STATISTICS_DATE, "clients", Decimal(7), version=1) for c in members]
    added = [CountRow(c, later, "clients", Decimal(5)) for c in members]
    with django_assert_num_queries(13):
        result = client_counts_import(pilot=world.pilot, rows=changed + added, user=world.admin)
    assert (result.created, result.updated) == (len(members), len(members))
    latest = ClientStatistic.history.filter(date=later).latest("history_id")
    assert latest.history_user == world.admin and latest.history_type == "+"
    versions = ClientStatistic.objects.filter(date=STATISTICS_DATE).values_list("version")
    assert set(versions) == {(2,)}
