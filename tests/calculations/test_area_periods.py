"""The period rules of area set-up, without the database."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from municipalities.area_periods import Period, invalid_members, membership_conflicts

D = datetime.date


def test_overlap_of_closed_and_open_periods():
    pilot = Period(D(2021, 3, 1), D(2024, 12, 31))
    assert not pilot.overlaps(Period(D(2025, 1, 1)))
    assert Period(D(2025, 1, 1)).overlaps(Period(D(2026, 1, 1)))
    # One shared day is an overlap: both ends are included.
    assert pilot.overlaps(Period(D(2024, 12, 31), D(2025, 6, 30)))
    assert Period(None, None).overlaps(pilot)
    assert not Period(None, D(2021, 2, 28)).overlaps(pilot)


dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31))
periods = st.builds(
    lambda a, b, open_end: Period(min(a, b), None if open_end else max(a, b)),
    dates,
    dates,
    st.booleans(),
)


@given(periods, periods, dates)
def test_overlap_is_symmetric_and_a_shared_day_means_overlap(first, second, day):
    assert first.overlaps(second) == second.overlaps(first)
    if first.contains(day) and second.contains(day):
        assert first.overlaps(second)


def test_sane_period():
    assert Period(D(2025, 1, 1), D(2025, 1, 1)).is_sane()
    assert not Period(D(2025, 1, 2), D(2025, 1, 1)).is_sane()
    assert Period(D(2025, 1, 2)).is_sane()


def test_conflicts_name_the_other_pilot_and_only_overlapping_ones():
    period = Period(D(2025, 1, 1))
    held = [
        ("977", "Jokilaaksojen työllisyyskokeilu", Period(D(2021, 3, 1), D(2024, 12, 31))),
        ("977", "Ylivieska-Kalajoki-Nivala", Period(D(2025, 1, 1))),
        ("208", "Ylivieska-Kalajoki-Nivala", Period(D(2025, 1, 1))),
        ("272", "Keski-Pohjanmaa", Period(D(2025, 1, 1))),
    ]
    found = membership_conflicts(
        period=period, members={"977": "Ylivieska", "208": "Kalajoki"}, held=held
    )
    assert [(c.municipality, c.other) for c in found] == [
        ("Kalajoki", "Ylivieska-Kalajoki-Nivala"),
        ("Ylivieska", "Ylivieska-Kalajoki-Nivala"),
    ]
    # After the area ends, the same municipalities are free.
    ended = [(code, name, Period(D(2025, 1, 1), D(2026, 12, 31))) for code, name, _p in held]
    assert (
        membership_conflicts(period=Period(D(2027, 1, 1)), members={"977": "Ylivieska"}, held=ended)
        == []
    )


def test_members_not_in_force_during_the_period():
    validity = {
        "588": ("Pertunmaa", Period(None, D(2024, 12, 31))),
        "507": ("Mäntyharju", Period(None)),
    }
    assert invalid_members(period=Period(D(2025, 1, 1)), validity=validity) == ["Pertunmaa"]
    assert invalid_members(period=Period(D(2021, 3, 1), D(2024, 12, 31)), validity=validity) == []
