"""Each page asks the database a fixed number of times, however much data there is.

Counted as a coordinator of the pilot, including the session, user, role and pilot lookups
(and the savepoint of ATOMIC_REQUESTS)."""

import pytest
from django.urls import reverse

from tests.factories.municipalities import MunicipalityFactory, ServiceProductionFactory
from tests.factories.servicepoints import (
    OnDutyScheduleFactory,
    PlacementFactory,
    ServiceArrangementFactory,
    ServicePointFactory,
)
from tests.factories.staffing import AllocationFactory, StaffingPlanFactory

pytestmark = pytest.mark.django_db

PAGES = {
    # name: queries
    # + the database's revision, for the page cache (core.page_cache)
    "servicepoints:servicepoint-list": 13,
    "servicepoints:servicepoint-detail": 13,
    "servicepoints:coverage": 11,
    "servicepoints:weekly": 8,
    "servicepoints:servicepoint-create": 10,
    "servicepoints:servicepoint-edit": 12,
    "servicepoints:schedule-edit": 9,
    "servicepoints:placement-create": 10,
    "servicepoints:arrangement-create": 11,
}


def path(name, area):
    kwargs = {"pilot": area.pilot.slug}
    if name in (
        "servicepoints:servicepoint-detail",
        "servicepoints:servicepoint-edit",
        "servicepoints:schedule-edit",
        "servicepoints:placement-create",
    ):
        kwargs["point"] = area.point.slug
    return reverse(name, kwargs=kwargs)


def grow(area, times=20):
    """20× more of everything: members, points (with schedules, placements and municipalities
    served), arrangements, line items, and placements, served municipalities and recorded
    changes of the point the detail page shows."""
    plan = StaffingPlanFactory(pilot=area.pilot)
    new_members = []
    for index in range(times):
        municipality = MunicipalityFactory(code=f"{700 + index}")
        area.pilot.municipalities.add(municipality)
        new_members.append(municipality)
        point = ServicePointFactory(
            pilot=area.pilot,
            municipality=municipality,
            organisation=area.organisation,
            serves=[municipality, area.alakyla, area.ylakyla],
        )
        OnDutyScheduleFactory(service_point=point, weekdays="135", days_per_week=None)
        PlacementFactory.create_batch(2, service_point=point, organisation=area.organisation)
        PlacementFactory(
            service_point=area.point,
            organisation=area.organisation,
            allocation=AllocationFactory(plan=plan, organisation=area.organisation),
        )
        ServiceArrangementFactory(pilot=area.pilot)
        ServiceProductionFactory(pilot=area.pilot, producer=area.alakyla, recipient=municipality)
        area.point.name = f"Alakylän virasto {index}"
        area.point.save()
    area.point.serves.add(*new_members)


@pytest.mark.parametrize(("name", "queries"), PAGES.items())
def test_query_count_is_pinned_and_constant(
    client, area, coordinator, django_assert_num_queries, name, queries
):
    client.force_login(coordinator)
    client.get(reverse("home"))  # the CSRF cookie: a kept page's key reads the revision
    with django_assert_num_queries(queries):
        assert client.get(path(name, area)).status_code == 200
    grow(area)
    client.force_login(coordinator)
    with django_assert_num_queries(queries):
        assert client.get(path(name, area)).status_code == 200


def test_export_query_count_is_constant(client, area, coordinator, django_assert_num_queries):
    client.force_login(coordinator)
    url = path("servicepoints:servicepoint-list", area)
    # 12 with the database's revision (the list's address is a kept page's view).
    with django_assert_num_queries(12):
        client.get(url, {"_export": "xlsx"})
    grow(area)
    client.force_login(coordinator)
    with django_assert_num_queries(12):
        client.get(url, {"_export": "xlsx"})
