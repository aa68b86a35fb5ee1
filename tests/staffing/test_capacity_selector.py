"""The plan's required capacity: the selector gives what the pure function gives for the
stored statistics and rule sets, per serving unit and for the pilot, in two queries."""

import datetime
from decimal import Decimal

import pytest

from municipalities.models import Measure
from staffing.capacity import (
    Inputs,
    Measures,
    capacity_gap,
    required_capacity,
    rules_2022,
    rules_2026,
)
from staffing.models import StaffingPlan
from staffing.selectors.capacity import plan_capacity
from staffing.selectors.figures import plan_figures
from tests.factories.municipalities import ClientStatisticFactory, PilotMembershipFactory
from tests.factories.staffing import AllocationFactory, CapacityRuleSetFactory, StaffingPlanFactory

D = Decimal
ON = datetime.date(2026, 3, 31)


def _pilot_plan(municipalities):
    plan = StaffingPlanFactory(statistics_date=ON, statistics_measure=Measure.UNEMPLOYED)
    for index in range(municipalities):
        municipality = PilotMembershipFactory(pilot=plan.pilot).municipality
        for measure, value in (
            (Measure.UNEMPLOYED, D(300 + index)),
            (Measure.LONG_TERM_UNEMPLOYED, D(100)),
            (Measure.INFLOW, D(40)),
        ):
            ClientStatisticFactory(municipality=municipality, date=ON, measure=measure, value=value)
        AllocationFactory(plan=plan, serves_municipality=municipality, fte=D("2.50"))
    return plan


@pytest.mark.django_db
def test_the_pilot_and_each_unit_are_the_pure_result_against_the_plan():
    plan = _pilot_plan(2)
    capacity = plan_capacity(plan_figures(plan))
    expected = required_capacity(
        inputs=Inputs(month=ON, inflow=D(80)),
        rules=rules_2026(),
        measures=Measures(unemployed=D(601), long_term_unemployed=D(200)),
    )
    assert capacity.rules == rules_2026()
    assert capacity.pilot.result == expected
    assert capacity.pilot.gap == capacity_gap(required=expected.fte, planned=D("5.00"))
    assert [a.code for a in capacity.pilot.assumptions] == [a.code for a in expected.assumptions]
    assert sum(row.result.fte.exact for row in capacity.units) == expected.fte.exact
    assert [point.date for point in capacity.series] == [ON]


@pytest.mark.django_db
def test_a_pilots_own_rule_set_replaces_the_national_one():
    plan = _pilot_plan(1)
    CapacityRuleSetFactory(pilot=plan.pilot, name="Oma", follow_up_minutes=D("60"))
    capacity = plan_capacity(plan_figures(plan))
    assert capacity.rules.name == "Oma"
    assert capacity.rules.follow_up.minutes == D("60")


@pytest.mark.django_db
def test_a_missing_base_is_an_error_of_the_row_not_of_the_page():
    plan = _pilot_plan(1)
    ClientStatisticFactory(
        municipality=plan.pilot.memberships.get().municipality,
        date=datetime.date(2025, 1, 31),
        measure=Measure.INFLOW,
    )
    capacity = plan_capacity(plan_figures(plan))
    assert [(p.date, p.error.code if p.error else None) for p in capacity.series] == [
        (datetime.date(2025, 1, 31), "missing_input"),
        (ON, None),
    ]


@pytest.mark.parametrize("municipalities", [1, 20])
@pytest.mark.django_db
def test_two_queries_whatever_the_number_of_municipalities(
    municipalities, django_assert_num_queries
):
    figures = plan_figures(_pilot_plan(municipalities))
    with django_assert_num_queries(2):
        capacity = plan_capacity(figures)
    assert len(capacity.units) == municipalities


def test_kokkola_gets_a_required_fte_from_its_clients_with_every_assumption(seeded):
    plan = StaffingPlan.objects.get(pilot__slug="kokkolan-seutu")
    capacity = plan_capacity(plan_figures(plan))
    assert capacity.statistics_date == datetime.date(2020, 11, 5)
    # the statistics are older than the law's rhythm: its first rule set, from its first day
    assert (capacity.rules, capacity.rules_month) == (rules_2022(), datetime.date(2022, 5, 2))
    expected = required_capacity(
        inputs=Inputs(month=datetime.date(2022, 5, 2)),
        rules=rules_2022(),
        measures=Measures(job_seekers=D(2622)),
    )
    assert capacity.pilot.result.fte == expected.fte
    assert [a.code for a in capacity.pilot.assumptions] == [
        "job_seekers_from_clients",
        *(a.code for a in expected.assumptions),
    ]
    assert capacity.pilot.gap.planned.value == plan_figures(plan).totals.total.client_work_fte
