"""A pilot's client segments with their targets, as the pure `staffing.segments` takes them."""

from __future__ import annotations

from municipalities.models import Pilot, SegmentTarget

from ..segments import Segment


def pilot_segments(pilot: Pilot) -> list[Segment]:
    """The pilot's segment targets in name order (one query)."""
    rows = SegmentTarget.objects.filter(pilot=pilot).values_list(
        "name", "measure", "part_label", "target_caseload"
    )
    return [
        Segment(name=name, measure=measure, part_label=part_label, target=target)
        for name, measure, part_label, target in rows
    ]
