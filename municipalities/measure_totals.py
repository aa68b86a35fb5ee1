"""A pilot's latest total of each measure with the change since the measure's previous date:
what an area's dashboard shows of its counts, also before it has a staffing plan. Pure (no
database): the selector in `municipalities.national` feeds it one row per measure and date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class DateTotal:
    """The sum of one measure over the municipalities that have a count on one date."""

    measure: str
    date: date
    total: Decimal
    municipalities: int
    source: str = ""


@dataclass(frozen=True)
class MeasureTotal:
    measure: str
    date: date
    total: Decimal
    municipalities: int
    members: int
    source: str
    previous_date: date | None
    change: Decimal | None
    #: How many municipalities the previous date counts (None without a previous date).
    previous_municipalities: int | None = None

    @property
    def complete(self) -> bool:
        """Every member municipality has a count on the date (else the sum is partial)."""
        return self.municipalities >= self.members


def latest_totals(
    rows: Iterable[DateTotal], *, measures: Sequence[str], members: int
) -> list[MeasureTotal]:
    """For each of `measures` that has counts, in that order: its latest date's total, how
    many of the `members` municipalities it covers, its source, and the change since the
    measure's previous date. The change is None when there is only one date, or when the two
    dates count a different number of municipalities: a full total against a partial one is
    no change."""
    by_measure: dict[str, list[DateTotal]] = defaultdict(list)
    for row in rows:
        by_measure[row.measure].append(row)
    result = []
    for measure in measures:
        dated = sorted(by_measure.get(measure, ()), key=lambda row: row.date, reverse=True)
        if not dated:
            continue
        latest, previous = dated[0], (dated[1] if len(dated) > 1 else None)
        comparable = previous is not None and previous.municipalities == latest.municipalities
        result.append(
            MeasureTotal(
                measure=measure,
                date=latest.date,
                total=latest.total,
                municipalities=latest.municipalities,
                members=members,
                source=latest.source,
                previous_date=previous.date if previous else None,
                change=latest.total - previous.total if comparable else None,
                previous_municipalities=previous.municipalities if previous else None,
            )
        )
    return result
