"""The dashboard's row models: declared figures attach to the right cells only."""

import datetime
from decimal import Decimal

import pytest

from staffing.models import DeclaredFigure, StaffingPlan
from staffing.reports.dashboard import plan_dashboard
from tests.factories.staffing import DeclaredFigureFactory

D = Decimal


@pytest.fixture
def kokkola_plan(seeded):
    return StaffingPlan.objects.get(pilot__slug="kokkolan-seutu", slug="henkilostosuunnitelma")


def build(plan):
    return plan_dashboard(plan)


def test_a_client_total_of_another_date_is_listed_but_marks_no_cell(kokkola_plan):
    DeclaredFigureFactory(
        pilot=kokkola_plan.pilot,
        plan=kokkola_plan,
        key="toinen-paiva",
        metric=DeclaredFigure.Metric.CLIENTS,
        value=D("2500"),
        precision=D("1"),
        date=datetime.date(2021, 11, 5),
        measure="clients",
    )
    dashboard = build(kokkola_plan)
    whole = dashboard.pools.rows[0]
    assert whole.kind == "pilot"
    assert whole.clients.value == D("2622")
    assert whole.clients.declared.figure.key == "t1-clients"
    assert not whole.clients.differs
    keys = {item.figure.key for item in dashboard.declared.figures}
    assert "toinen-paiva" in keys


def test_figures_of_another_plan_stay_with_that_plan(kokkola_plan):
    other = StaffingPlan.objects.create(
        pilot=kokkola_plan.pilot,
        name="Skenaario",
        slug="skenaario",
        kind=StaffingPlan.Kind.SCENARIO,
        valid_from=datetime.date(2022, 1, 1),
        statistics_date=kokkola_plan.statistics_date,
    )
    DeclaredFigureFactory(
        pilot=other.pilot, plan=other, key="skenaario-yht", value=D("99"), precision=D("1")
    )
    assert "skenaario-yht" not in {item.figure.key for item in build(kokkola_plan).declared.figures}
    dashboard = build(other)
    assert dashboard.matrix.total.value == D("0")
    assert dashboard.matrix.total.declared.figure.key == "skenaario-yht"
    assert dashboard.matrix.total.differs


def test_matrix_rows_follow_the_catalogue_with_children_after_their_parent(kokkola_plan):
    rows = build(kokkola_plan).matrix.rows
    needs = [(row.depth, row.need.code) for row in rows if row.kind == "need"]
    assert needs == [
        (0, "S0"),
        (0, "S1"),
        (0, "S2"),
        (0, "S3"),
        (0, "S4"),
        (1, "S4-MAMU"),
        (1, "S4-AVO"),
        (1, "S4-HALL"),
        (1, "S4-MAAKUNTA"),
        (0, "JOHTO"),
    ]
    s4 = next(row for row in rows if row.need and row.need.code == "S4")
    assert not s4.has_lines and s4.total.value is None
    # "Of which" rows are never part of a total.
    parts = [row for row in rows if row.kind == "part"]
    assert len(parts) == 6 and all(row.total.value is None for row in parts)
