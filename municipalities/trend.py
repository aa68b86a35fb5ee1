"""A pilot's or area's counts over time, including the dates of the pilots it succeeded for the
same municipalities (Jokilaaksot's 2022 counts of Ylivieska, Kalajoki, Alavieska and Merijärvi
are in area 44's trend). Pure: plain values in, rows out; the selector supplies the inputs."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Period:
    """A pilot's period: the area itself or one of its predecessors."""

    name: str
    start: datetime.date
    end: datetime.date | None
    is_own: bool = False

    def contains(self, date: datetime.date) -> bool:
        return self.start <= date and (self.end is None or date <= self.end)


@dataclass(frozen=True)
class Cell:
    total: Decimal
    reporting: int  # municipalities with a figure on that date

    def is_partial(self, members: int) -> bool:
        return self.reporting < members


@dataclass(frozen=True)
class TrendRow:
    date: datetime.date
    period: Period | None
    cells: dict[str, Cell]


def trend_rows(
    *,
    figures: list[tuple[datetime.date, int, str, Decimal]],
    members: set[int],
    periods: list[Period],
    measures: list[str],
    until: datetime.date | None = None,
) -> list[TrendRow]:
    """One row per date (oldest first) with, per measure, the sum over the member
    municipalities that have a figure and how many they are. `figures` are (date,
    municipality id, measure, value); a figure of a non-member is ignored. A date's period is
    the pilot's own when its period contains it, else the predecessor's that does. Dates after
    `until` (an ended pilot's last day) are left out: they are its successors' figures."""
    totals: dict[datetime.date, dict[str, list]] = defaultdict(dict)
    for date, municipality, measure, value in figures:
        if municipality not in members or measure not in measures:
            continue
        if until is not None and date > until:
            continue
        cell = totals[date].setdefault(measure, [Decimal(0), 0])
        cell[0] += value
        cell[1] += 1
    ordered = sorted(periods, key=lambda period: (not period.is_own, period.start))
    rows = []
    for date in sorted(totals):
        period = next((period for period in ordered if period.contains(date)), None)
        cells = {
            measure: Cell(total, reporting)
            for measure in measures
            if measure in totals[date]
            for total, reporting in [totals[date][measure]]
        }
        rows.append(TrendRow(date=date, period=period, cells=cells))
    return rows
