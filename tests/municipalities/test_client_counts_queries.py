"""Pinned query counts of the client-count pages: the same with 20× more municipalities and
statistics dates."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories.municipalities import ClientStatisticFactory
from tests.staffing.test_editing import build_world

PAGES = {
    "municipalities:statistics-create": ({}, 9),  # + municipalities shared with other pilots
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
