"""Pinned query counts of the plan pages not pinned elsewhere: the same with 20× more
municipalities, lines and parts."""

import pytest

from tests.staffing.test_editing import build_world, plan_url

PAGES = {
    "staffing:plan-copy": ({}, 8),
    "staffing:plan-submit": ({}, 16),
    "staffing:allocation-delete": ({"pk": "line"}, 10),
    "staffing:allocation-create": ({}, 14),
}


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 20], ids=["small", "20x"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_query_count_is_constant(client, django_assert_num_queries, name, extra):
    world = build_world(extra=extra)
    kwargs, queries = PAGES[name]
    kwargs = dict.fromkeys(kwargs, world.line.pk)
    client.force_login(world.coordinator)
    with django_assert_num_queries(queries):
        response = client.get(plan_url(name, world, **kwargs))
    assert response.status_code == 200
