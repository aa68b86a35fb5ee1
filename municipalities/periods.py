"""Whether a date falls within a period (a pilot's validity); pure, no database."""

from __future__ import annotations

from datetime import date


def pilot_covers(start: date, end: date | None, on: date) -> bool:
    """`on` is within start–end (both included; no end is open-ended)."""
    return start <= on and (end is None or on <= end)
