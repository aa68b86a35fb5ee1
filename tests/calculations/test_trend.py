"""municipalities.trend: an area's counts over time with its predecessors' dates."""

import datetime
from decimal import Decimal

from municipalities.trend import Cell, Period, trend_rows

D = Decimal
AREA = Period("Ylivieska-Kalajoki-Nivala", datetime.date(2025, 1, 1), None, is_own=True)
PILOT = Period("Jokilaaksot", datetime.date(2021, 3, 1), datetime.date(2024, 12, 31))


def test_predecessor_dates_are_in_the_trend_with_their_period():
    rows = trend_rows(
        figures=[
            (datetime.date(2022, 11, 30), 1, "job_seekers", D("600")),
            (datetime.date(2022, 11, 30), 2, "job_seekers", D("400")),
            (datetime.date(2022, 11, 30), 9, "job_seekers", D("77")),  # Oulainen: elsewhere now
            (datetime.date(2026, 6, 15), 1, "job_seekers", D("650")),
            (datetime.date(2026, 6, 15), 2, "job_seekers", D("380")),
            (datetime.date(2026, 6, 15), 3, "job_seekers", D("20")),
            (datetime.date(2026, 6, 15), 1, "unemployed", D("300")),
        ],
        members={1, 2, 3},
        periods=[AREA, PILOT],
        measures=["job_seekers", "unemployed"],
    )
    assert [(row.date.year, row.period.name) for row in rows] == [
        (2022, "Jokilaaksot"),
        (2026, "Ylivieska-Kalajoki-Nivala"),
    ]
    assert rows[0].cells == {"job_seekers": Cell(D("1000"), 2)}
    assert rows[0].cells["job_seekers"].is_partial(3)
    assert rows[1].cells == {"job_seekers": Cell(D("1050"), 3), "unemployed": Cell(D("300"), 1)}
    assert not rows[1].cells["job_seekers"].is_partial(3)


def test_a_date_outside_every_period_has_none_and_the_own_period_wins():
    overlapping = Period("Other", datetime.date(2024, 1, 1), datetime.date(2025, 12, 31))
    rows = trend_rows(
        figures=[
            (datetime.date(2019, 1, 1), 1, "clients", D("5")),
            (datetime.date(2025, 3, 1), 1, "clients", D("6")),
        ],
        members={1},
        periods=[overlapping, AREA],
        measures=["clients"],
    )
    assert [row.period for row in rows] == [None, AREA]


def test_an_ended_pilot_leaves_its_successors_dates_out():
    rows = trend_rows(
        figures=[
            (datetime.date(2022, 11, 30), 1, "job_seekers", D("600")),
            (datetime.date(2026, 6, 15), 1, "job_seekers", D("650")),
        ],
        members={1},
        periods=[PILOT],
        measures=["job_seekers"],
        until=PILOT.end,
    )
    assert [row.date.year for row in rows] == [2022]
