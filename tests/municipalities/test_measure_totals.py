"""The latest total of each measure and its change since the measure's previous date (pure)."""

import datetime
from decimal import Decimal

from municipalities.measure_totals import DateTotal, latest_totals

D = datetime.date


def test_latest_date_change_since_the_previous_and_the_measures_order():
    rows = [
        DateTotal("unemployed", D(2026, 5, 29), Decimal(900), 6, "StatFin"),
        DateTotal("job_seekers", D(2026, 6, 30), Decimal(2100), 6, "StatFin"),
        DateTotal("unemployed", D(2026, 6, 30), Decimal(870), 6, "StatFin"),
        DateTotal("job_seekers", D(2026, 5, 29), Decimal(2000), 6, "StatFin"),
        DateTotal("job_seekers", D(2026, 4, 30), Decimal(1), 6, "StatFin"),
    ]
    totals = latest_totals(rows, measures=("clients", "job_seekers", "unemployed"), members=6)
    # No clients counted: that measure is left out, not shown as 0.
    assert [t.measure for t in totals] == ["job_seekers", "unemployed"]
    seekers, unemployed = totals
    assert (seekers.date, seekers.total, seekers.previous_date) == (
        D(2026, 6, 30),
        Decimal(2100),
        D(2026, 5, 29),
    )
    assert seekers.change == Decimal(100)
    assert unemployed.change == Decimal(-30)
    assert seekers.complete and seekers.source == "StatFin"


def test_one_date_has_no_change_and_a_partial_date_says_so():
    rows = [DateTotal("clients", D(2025, 11, 5), Decimal(800), 2, "")]
    (clients,) = latest_totals(rows, measures=("clients",), members=6)
    assert clients.change is None and clients.previous_date is None
    assert not clients.complete
    assert (clients.municipalities, clients.members) == (2, 6)


def test_nothing_in_nothing_out():
    assert latest_totals([], measures=("clients",), members=0) == []


def test_a_full_total_is_not_compared_with_a_partial_one():
    rows = [
        DateTotal("job_seekers", D(2022, 11, 30), Decimal(1084), 4, "seed"),
        DateTotal("job_seekers", D(2026, 6, 30), Decimal(3347), 6, "StatFin"),
    ]
    (seekers,) = latest_totals(rows, measures=("job_seekers",), members=6)
    assert seekers.change is None
    assert (seekers.previous_date, seekers.previous_municipalities) == (D(2022, 11, 30), 4)
