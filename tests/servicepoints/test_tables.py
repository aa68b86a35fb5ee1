"""The service-point table renders its cells itself (ServicePointTable.cell_renderers): the
same body HTML as django-tables2's own template, cell by cell, in every language."""

import datetime
from decimal import Decimal

import pytest

from municipalities.models import Municipality, Pilot
from servicepoints.models import ServicePoint
from servicepoints.selectors import service_points
from servicepoints.tables import ServicePointTable
from tests.core.test_tables import both_renderings, tbody
from tests.factories.servicepoints import (
    OnDutyScheduleFactory,
    PlacementFactory,
    ServicePointFactory,
)

KOKKOLA = "kokkolan-seutu"


def points():
    """The seed pilot's points, with points of every kind of cell added: closed, walk-in
    yes and no, workstations, a schedule of weekdays, placements, municipalities served (one
    with a Swedish name), no address, text to escape."""
    pilot = Pilot.objects.get(slug=KOKKOLA)
    members = list(Municipality.objects.in_pilot(pilot).order_by("-name_sv"))
    organisation = ServicePoint.objects.filter(pilot=pilot).first().organisation
    closed = ServicePointFactory(
        pilot=pilot,
        organisation=organisation,
        municipality=members[0],
        name='Suljettu <&> "piste"',
        kind=ServicePoint.Kind.SHARED,
        walk_in=False,
        workstations=0,
        closed_on=datetime.date(2024, 3, 5),
    )
    closed.serves.set(members[:2])
    OnDutyScheduleFactory(service_point=closed, weekdays="135", days_per_week=Decimal("4"))
    open_point = ServicePointFactory(
        pilot=pilot,
        organisation=organisation,
        municipality=members[1],
        kind=ServicePoint.Kind.LOCAL,
        walk_in=True,
        workstations=1234,
        street_address="",
        postal_code="",
        post_office="",
    )
    OnDutyScheduleFactory(service_point=open_point, is_tentative=True)
    PlacementFactory(service_point=open_point)
    PlacementFactory(service_point=open_point)
    return service_points(pilot)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("sort", [None, "-closed_on", "address"])
def test_point_cells_are_the_html_django_tables2_renders(seeded, language, sort):
    queryset = points()
    ours_html, theirs_html = both_renderings(
        ServicePointTable, queryset, order_by=sort, language=language
    )
    assert tbody(ours_html) == tbody(theirs_html)
    assert tbody(ours_html).count("<tr ") == queryset.count()
    assert "5.3.2024" in ours_html and "&lt;&amp;&gt;" in ours_html
