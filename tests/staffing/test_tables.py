"""The line-item table renders its cells itself (AllocationTable.cell_renderers): the same
body HTML as django-tables2's own template, cell by cell, in every language."""

import pytest

from municipalities.models import Municipality
from staffing.models import Allocation, ServiceNeed, StaffingPlan
from staffing.tables import AllocationTable
from tests.core.test_tables import both_renderings, tbody
from tests.factories.municipalities import MunicipalityGroupFactory
from tests.factories.staffing import AllocationFactory

KOKKOLA = "kokkolan-seutu"


def lines():
    """Every line of the pilot, with lines of every kind of cell added: no service need, a
    service need within another, serving a group or one municipality (with a Swedish name),
    no role, text to escape."""
    plan = StaffingPlan.objects.filter(pilot__slug=KOKKOLA).first()
    group = MunicipalityGroupFactory(pilot=plan.pilot, name='Ryhmä <&> "R"')
    sub_need = ServiceNeed.objects.filter(parent__isnull=False).first()
    municipality = Municipality.objects.filter(name_sv__gt="", pilots=plan.pilot).first()
    assert sub_need is not None and municipality is not None
    organisation = plan.allocations.first().organisation
    for number, extra in enumerate(
        [
            {"service_need": None, "serves_group": group, "note": "a <b> & 'c'"},
            {"service_need": sub_need, "role_title": "", "serves_municipality": municipality},
            {"role_title": "<i>Rooli</i>", "fte": "0.00", "client_work_fte": "0.00"},
        ]
    ):
        AllocationFactory(plan=plan, position=900 + number, organisation=organisation, **extra)
    return Allocation.objects.filter(plan__pilot__slug=KOKKOLA).select_related(
        "plan", "service_need", "organisation", "serves_municipality", "serves_group"
    )


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("sort", [None, "-served", "organisation"])
def test_line_cells_are_the_html_django_tables2_renders(seeded, language, sort):
    queryset = lines()
    assert queryset.filter(service_need__isnull=True).exists()
    assert queryset.filter(serves_group__isnull=False).exists()
    assert queryset.filter(serves_municipality__isnull=False).exists()
    ours_html, theirs_html = both_renderings(
        AllocationTable, queryset, order_by=sort, language=language
    )
    assert tbody(ours_html) == tbody(theirs_html)
    assert tbody(ours_html).count("<tr ") == queryset.count()
