"""A dashboard loads a pilot's data once: the figures, the reconciliation, the timeline and the
capacity panel share what was loaded, and give what each of them computes from its own queries."""

from django.db import connection

from municipalities.models import Pilot
from staffing.models import DeclaredFigure, StaffingPlan
from staffing.reports.capacity import capacity_panel
from staffing.reports.cells import DeclaredIndex
from staffing.reports.dashboard import plan_dashboard
from staffing.selectors.declared import reconcile_pilot
from staffing.selectors.figures import plan_figures
from staffing.selectors.statistics import (
    client_totals_by_date,
    counts_on,
    pilot_level_statistics,
    pilot_statistics,
    plan_counts,
    totals_by_date,
)
from staffing.selectors.totals import plans_totals
from tests.dashboard.helpers import build_pilot, count_queries


def _results(items):
    return [(item.figure.pk, type(item.figure).__name__, item.result) for item in items]


def test_preloaded_statistics_give_what_the_queries_give(seeded):
    for plan in StaffingPlan.objects.select_related("pilot"):
        statistics = pilot_statistics(plan.pilot)
        assert counts_on(plan, statistics) == plan_counts(plan), plan
        for measure in ("clients", "job_seekers", "unemployed"):
            assert totals_by_date(statistics, measure) == client_totals_by_date(plan.pilot, measure)


def test_the_dashboard_of_every_plan_equals_one_built_from_its_own_queries(seeded):
    for pilot in Pilot.objects.all():
        plans = list(StaffingPlan.objects.filter(pilot=pilot))
        for plan in plans:
            plan.pilot = pilot
        for plan in plans:
            shared = plan_dashboard(plan, plans=plans)
            alone = plan_dashboard(plan)
            own_figures = plan_figures(plan)
            assert shared.figures == own_figures
            own = DeclaredIndex(
                reconcile_pilot(pilot, structure=own_figures.structure),
                plan=plan,
                statistics_date=own_figures.statistics_date,
            )
            assert _results(shared.declared.figures) == _results(own.figures)
            assert _results(shared.declared.figures) == _results(alone.declared.figures)
            assert shared.timeline == tuple(client_totals_by_date(pilot, plan.statistics_measure))
            assert capacity_panel(shared.figures, statistics=shared.statistics) == (
                capacity_panel(own_figures)
            )
    assert DeclaredFigure.objects.exists()  # the seed pilots really declare figures


def test_reconciliation_costs_one_query_when_the_pilot_declares_nothing(db):
    pilot, plan = build_pilot(1)
    DeclaredFigure.objects.filter(pilot=pilot).delete()
    plans = list(StaffingPlan.objects.filter(pilot=pilot))
    loaded = {
        "plans": plans,
        "statistics": pilot_statistics(pilot),
        "pilot_stats": pilot_level_statistics(pilot),
        "totals": plans_totals([p.pk for p in plans]),
    }
    # The declared figures are the one query: nothing else is loaded or computed.
    assert count_queries(connection, lambda: reconcile_pilot(pilot, **loaded)) == 1
    # Pilot-level counts are still checked against the municipalities' sums, from memory.
    assert reconcile_pilot(pilot, **loaded) == reconcile_pilot(pilot)
    assert reconcile_pilot(pilot)  # build_pilot's pilot-level statistics are there to check
