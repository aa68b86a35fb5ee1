"""Caseload per client segment (e.g. young people): the segment's clients ÷ the FTE of the
plan's "of which" parts for that segment, against the pilot's target for the segment.

The clients are the latest count of the measure mapped to the segment (e.g. unemployed under
25), summed over the municipalities counted on that date; the FTE is the sum of the parts whose
label contains the segment's text ("nuor" finds "joista nuorten osaaja"). A segment without any
count has no clients and no caseload: the page says so instead of a number.

Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from staffing.caseload import Caseload, caseload
from staffing.rounding import exact_context, to_decimal

__all__ = ["Segment", "SegmentCaseload", "latest_count", "part_matches", "segment_caseloads"]

#: {(date, measure): {municipality: count}}, as `selectors.statistics.pilot_statistics` gives.
Counts = Mapping[tuple[date, str], Mapping[Hashable, Decimal | int]]


@dataclass(frozen=True)
class Segment:
    name: str
    measure: str
    part_label: str
    target: Decimal


@dataclass(frozen=True)
class SegmentCaseload:
    """One segment's figures. ``clients``, ``counted_on`` and ``caseload`` are None exactly
    when no count of the segment's measure exists."""

    segment: Segment
    clients: Decimal | None
    counted_on: date | None
    municipalities_counted: int
    fte: Decimal
    parts: int
    caseload: Caseload | None


def part_matches(label: str, part_label: str) -> bool:
    """Whether a part's label names the segment: its text, ignoring case and spacing."""
    wanted = " ".join(part_label.split()).casefold()
    return bool(wanted) and wanted in " ".join(label.split()).casefold()


def latest_count(
    counts: Counts, measure: str, pinned: date | None = None
) -> tuple[date, Decimal, int] | None:
    """(date, total, municipalities counted) of `measure` on the plan's pinned date when it has
    counts then (the rule the headline figures follow), else on its latest date; None without."""
    dates = [on for on, kind in counts if kind == measure]
    if not dates:
        return None
    on = pinned if pinned in dates else max(dates)
    values = [to_decimal(v, name=f"counts[{on}]") for v in counts[(on, measure)].values()]
    with exact_context(*values):
        total = sum(values, Decimal(0))
    return on, total, len(values)


def segment_caseloads(
    *,
    segments: Iterable[Segment],
    counts: Counts,
    parts: Iterable[tuple[str, Decimal | int]],
    pinned: date | None = None,
) -> list[SegmentCaseload]:
    """Each segment's clients, FTE of its parts and caseload against its target, in order.

    `parts` are (label, FTE) of the plan's "of which" parts. No parts for a segment is zero
    FTE: the caseload says "no advisor" rather than dividing by zero.
    """
    parts = [(label, to_decimal(fte, name=f"part {label!r}")) for label, fte in parts]
    results = []
    for segment in segments:
        matched = [fte for label, fte in parts if part_matches(label, segment.part_label)]
        with exact_context(*matched):
            fte = sum(matched, Decimal(0))
        count = latest_count(counts, segment.measure, pinned)
        if count is None:
            results.append(
                SegmentCaseload(
                    segment=segment,
                    clients=None,
                    counted_on=None,
                    municipalities_counted=0,
                    fte=fte,
                    parts=len(matched),
                    caseload=None,
                )
            )
            continue
        on, clients, counted = count
        results.append(
            SegmentCaseload(
                segment=segment,
                clients=clients,
                counted_on=on,
                municipalities_counted=counted,
                fte=fte,
                parts=len(matched),
                caseload=caseload(clients=clients, client_work_fte=fte, target=segment.target),
            )
        )
    return results
