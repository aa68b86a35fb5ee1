"""Periods of pilots, areas and municipalities: closed date ranges whose end may be open.
Framework-free, so the rules of area set-up are tested without the database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    """[start, end], both days included; `None` is an open bound."""

    start: datetime.date | None
    end: datetime.date | None = None

    def contains(self, day: datetime.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share at least one day."""
        starts_before_other_ends = (
            self.start is None or other.end is None or self.start <= other.end
        )
        other_starts_before_end = other.start is None or self.end is None or other.start <= self.end
        return starts_before_other_ends and other_starts_before_end

    def is_sane(self) -> bool:
        """An end, when there is one, is not before the start."""
        return self.start is None or self.end is None or self.start <= self.end


@dataclass(frozen=True)
class Conflict:
    """A municipality that another pilot or area already holds during part of the period."""

    municipality: str
    other: str
    other_period: Period


def membership_conflicts(
    *, period: Period, members: dict[str, str], held: list[tuple[str, str, Period]]
) -> list[Conflict]:
    """The members (code → name) that another pilot holds (code, its name, its period) on a
    day of `period`: one municipality is served by one pilot or area at a time. Sorted by
    municipality name, then by the other pilot's start."""
    found = [
        Conflict(municipality=members[code], other=other, other_period=other_period)
        for code, other, other_period in held
        if code in members and other_period.overlaps(period)
    ]
    return sorted(
        found,
        key=lambda c: (c.municipality, c.other_period.start or datetime.date.min, c.other),
    )


def invalid_members(*, period: Period, validity: dict[str, tuple[str, Period]]) -> list[str]:
    """Names of the municipalities (code → (name, validity)) not in force on any day of the
    period, e.g. Pertunmaa (merged into Mäntyharju on 1.1.2025) in an area of 2025, sorted."""
    return sorted(name for name, valid in validity.values() if not valid.overlaps(period))
