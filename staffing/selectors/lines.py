"""A plan's lines, their "of which" parts and the service-need catalogue, each in a fixed
number of queries whatever the number of lines."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from ..models import Allocation, AllocationPart, ServiceNeed, StaffingPlan

LINE_RELATED = ("service_need", "organisation", "serves_municipality", "serves_group")


def parts_prefetch() -> Prefetch:
    """A line's parts with the service need each is shared with, in one query; in the parts'
    own order, by their line's id (the model's ordering by line would join the lines and
    their plans only to sort)."""
    parts = AllocationPart.objects.select_related("shared_with").order_by(
        "allocation_id", "position"
    )
    return Prefetch("parts", queryset=parts)


def lines_with_parts():
    """Lines with what a line's row shows: two queries however many lines and parts."""
    return Allocation.objects.select_related(*LINE_RELATED).prefetch_related(parts_prefetch())


def fresh_line(pk) -> Allocation:
    return lines_with_parts().get(pk=pk)


def plan_lines(plan: StaffingPlan) -> list[tuple[ServiceNeed | None, list[Allocation]]]:
    """The plan's lines with their parts, grouped by service need in the plan's order;
    two queries whatever the number of lines."""
    lines = lines_with_parts().filter(plan=plan).order_by("position")
    groups: dict[int | None, list[Allocation]] = defaultdict(list)
    needs: dict[int | None, ServiceNeed | None] = {}
    for line in lines:
        groups[line.service_need_id].append(line)
        needs[line.service_need_id] = line.service_need
    return [(needs[key], groups[key]) for key in sorted(groups, key=lambda k: need_order(needs[k]))]


def need_order(need: ServiceNeed | None) -> tuple:
    """Service needs in the catalogue's order; lines without one last."""
    return (1, 0, "") if need is None else (0, need.position, need.code)


def service_need_catalogue() -> list[ServiceNeed]:
    """The whole catalogue of service needs in its order (one query)."""
    return list(ServiceNeed.objects.order_by("position", "code"))


@dataclass(frozen=True)
class PartLine:
    """An "of which" part of a line, with the line's service need and organisation."""

    service_need_id: int | None
    organisation_id: int
    label: str
    fte: Decimal


def plan_parts(plan) -> list[PartLine]:
    """Every "of which" part of the plan's lines, in the plan's order (one query)."""
    rows = (
        AllocationPart.objects.filter(allocation__plan=plan)
        .order_by("allocation__position", "position")
        .values_list("allocation__service_need_id", "allocation__organisation_id", "label", "fte")
    )
    return [PartLine(need, organisation, label, fte) for need, organisation, label, fte in rows]


@dataclass(frozen=True)
class LineRole:
    service_need_id: int | None
    organisation_id: int
    role_title: str
    fte: Decimal


def plan_line_roles(plan) -> list[LineRole]:
    """The role and FTE of each line, to name the line items behind a matrix cell (one
    query)."""
    rows = (
        Allocation.objects.filter(plan=plan)
        .order_by("position")
        .values_list("service_need_id", "organisation_id", "role_title", "fte")
    )
    return [LineRole(*row) for row in rows]
