"""The home page's counts (`overview.shown_counts`: each member's newest dates, and a pilot's
pinned date) against the plain rule worked out in Python from the stored counts: the date a
pilot's summary uses (`usable_statistics_date`), its total, the date before it and that total."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest

from municipalities.models import ClientStatistic, Measure
from staffing.models import StaffingPlan
from staffing.selectors.overview import current_plan, pilot_summaries
from staffing.selectors.statistics import pinned_date, usable_statistics_date
from tests.factories.municipalities import (
    ClientStatisticFactory,
    MunicipalityFactory,
    PilotFactory,
    PilotMembershipFactory,
)
from tests.factories.staffing import StaffingPlanFactory

pytestmark = pytest.mark.django_db

D = Decimal
JAN, FEB, MAR, APR = (datetime.date(2024, month, 1) for month in (1, 2, 3, 4))


def expected(pilot):
    """The rule from the stored counts, one pilot at a time."""
    plan = current_plan(StaffingPlan.objects.filter(pilot=pilot))
    measure = plan.statistics_measure if plan else Measure.CLIENTS
    by_date = defaultdict(Decimal)
    for row in ClientStatistic.objects.filter(
        municipality__memberships__pilot=pilot, measure=measure
    ):
        by_date[row.date] += row.value
    on = usable_statistics_date(pinned_date(plan) if plan else None, by_date)
    previous = max((d for d in by_date if on and d < on), default=None)
    return on, by_date.get(on), previous, by_date.get(previous)


def counts(municipality, values, measure=Measure.CLIENTS):
    for on, value in values.items():
        ClientStatisticFactory(municipality=municipality, date=on, value=D(value), measure=measure)


def member(pilot):
    return PilotMembershipFactory(pilot=pilot).municipality


def test_each_pilot_gets_the_rules_date_total_and_the_date_before_it():
    pilots = {}
    # Approved: follows the newest counts; two members are summed.
    pilots["approved"] = pilot = PilotFactory()
    StaffingPlanFactory(pilot=pilot, status="approved", statistics_date=FEB)
    counts(member(pilot), {JAN: "10", FEB: "20", MAR: "30"})
    counts(member(pilot), {JAN: "1", MAR: "3"})
    # A draft pinned to a date with counts: that date and the one before it, not the newest.
    pilots["pinned"] = pilot = PilotFactory()
    StaffingPlanFactory(pilot=pilot, statistics_date=MAR)
    counts(member(pilot), {JAN: "5", FEB: "6", MAR: "7", APR: "8"})
    # Pinned to a date without counts: the newest.
    pilots["pinned-empty"] = pilot = PilotFactory()
    StaffingPlanFactory(pilot=pilot, statistics_date=FEB)
    counts(member(pilot), {JAN: "40", MAR: "60"})
    # Pinned to its oldest date: nothing before it.
    pilots["pinned-oldest"] = pilot = PilotFactory()
    StaffingPlanFactory(pilot=pilot, statistics_date=JAN)
    counts(member(pilot), {JAN: "70", FEB: "80"})
    # Counting another measure, with clients on other dates: only its own measure counts.
    pilots["job-seekers"] = pilot = PilotFactory()
    StaffingPlanFactory(pilot=pilot, statistics_measure=Measure.JOB_SEEKERS, status="approved")
    town = member(pilot)
    counts(town, {JAN: "900", FEB: "901"}, Measure.JOB_SEEKERS)
    counts(town, {MAR: "5", APR: "6"})
    # The same municipality in a later area too, whose plan counts clients: its own sums.
    pilots["area"] = area = PilotFactory(
        kind="area", start_date=datetime.date(2025, 1, 1), end_date=None
    )
    PilotMembershipFactory(pilot=area, municipality=town)
    StaffingPlanFactory(pilot=area, status="approved", valid_from=datetime.date(2025, 1, 1))
    # No plan: clients; one date only.
    pilots["no-plan"] = pilot = PilotFactory()
    counts(member(pilot), {FEB: "12"})
    # No counts at all.
    pilots["no-counts"] = pilot = PilotFactory()
    StaffingPlanFactory(pilot=pilot, status="approved")
    MunicipalityFactory()  # counted nowhere

    summaries = {s.pilot.pk: s for s in pilot_summaries(pilots.values())}

    found = {
        name: (
            summaries[pilot.pk].statistics_date,
            summaries[pilot.pk].clients,
            summaries[pilot.pk].previous_date,
            summaries[pilot.pk].previous_clients,
        )
        for name, pilot in pilots.items()
    }
    assert found == {name: expected(pilot) for name, pilot in pilots.items()}
    # What the rule gives, spelt out for the cases that matter.
    assert found["approved"] == (MAR, D("33"), FEB, D("20"))
    assert found["pinned"] == (MAR, D("7"), FEB, D("6"))
    assert found["pinned-empty"] == (MAR, D("60"), JAN, D("40"))
    assert found["pinned-oldest"] == (JAN, D("70"), None, None)
    assert found["job-seekers"] == (FEB, D("901"), JAN, D("900"))
    assert found["area"] == (APR, D("6"), MAR, D("5"))
    assert found["no-plan"] == (FEB, D("12"), None, None)
    assert found["no-counts"] == (None, None, None, None)
    assert summaries[pilots["no-counts"].pk].caseload is None


def test_no_pilots_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert pilot_summaries([]) == []


def test_random_pilots_agree_with_the_rule():
    """Thirty pilots of random members, dates, gaps, measures and pinned dates, fixed by a
    seed: each summary's date, total, previous date and total are the rule's."""
    import random

    rng = random.Random(20261203)
    months = [datetime.date(2023, 1, 1) + datetime.timedelta(days=31 * i) for i in range(14)]
    months = [on.replace(day=1) for on in months]
    pilots = []
    for _ in range(30):
        pilot = PilotFactory()
        measure = rng.choice([Measure.CLIENTS, Measure.CLIENTS, Measure.JOB_SEEKERS])
        status = rng.choice(["approved", "draft"])
        pinned = rng.choice([None, *months]) if status == "draft" else None
        StaffingPlanFactory(
            pilot=pilot, status=status, statistics_date=pinned, statistics_measure=measure
        )
        for _member in range(rng.randint(0, 4)):
            town = member(pilot)
            for kind in (Measure.CLIENTS, Measure.JOB_SEEKERS):
                dates = rng.sample(months, rng.randint(0, len(months)))
                counts(town, {on: str(rng.randint(0, 500)) for on in dates}, kind)
        pilots.append(pilot)

    summaries = {s.pilot.pk: s for s in pilot_summaries(pilots)}

    for pilot in pilots:
        summary = summaries[pilot.pk]
        found = (
            summary.statistics_date,
            summary.clients,
            summary.previous_date,
            summary.previous_clients,
        )
        assert found == expected(pilot), pilot
    # The seed gives every case: pinned dates used, pinned dates without counts, none at all.
    plans = {plan.pilot_id: plan for plan in StaffingPlan.objects.filter(pilot__in=pilots)}
    used_pinned = sum(
        1
        for s in summaries.values()
        if pinned_date(plans[s.pilot.pk]) and s.statistics_date == plans[s.pilot.pk].statistics_date
    )
    assert used_pinned >= 2
    assert any(s.statistics_date is None for s in summaries.values())
    assert any(s.previous_date is None and s.statistics_date for s in summaries.values())
