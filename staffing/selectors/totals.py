"""Sums of line items (FTE and client-work FTE) along the axes the pages need, each from one
grouped query; nothing is typed in or stored as a total."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min, Sum

from ..models import Allocation, Organisation, StaffingPlan
from .statistics import ZERO, exact_fte

#: The party a line serves: ("m", municipality id), ("g", group id) or None for the whole pilot.
ServedKey = tuple[str, int] | None


@dataclass
class Figures:
    fte: Decimal = ZERO
    client_work_fte: Decimal = ZERO

    def add(self, fte: Decimal, client_work_fte: Decimal) -> None:
        self.fte += fte
        self.client_work_fte += client_work_fte


@dataclass
class PlanTotals:
    """Sums of a plan's line items along every axis a page needs, from one grouped query."""

    total: Figures = field(default_factory=Figures)
    by_organisation: dict[int, Figures] = field(default_factory=lambda: defaultdict(Figures))
    by_service_need: dict[int | None, Figures] = field(default_factory=lambda: defaultdict(Figures))
    matrix: dict[tuple[int | None, int], Figures] = field(
        default_factory=lambda: defaultdict(Figures)
    )
    by_municipality: dict[int, Figures] = field(default_factory=lambda: defaultdict(Figures))
    by_group: dict[int, Figures] = field(default_factory=lambda: defaultdict(Figures))
    pilot_wide: Figures = field(default_factory=Figures)
    # Organisation id → the parties its lines serve.
    served_by_organisation: dict[int, set[ServedKey]] = field(
        default_factory=lambda: defaultdict(set)
    )


def _served_key(row) -> ServedKey:
    if row["serves_municipality_id"]:
        return ("m", row["serves_municipality_id"])
    if row["serves_group_id"]:
        return ("g", row["serves_group_id"])
    return None


def plans_totals(plan_ids: Iterable[int]) -> dict[int, PlanTotals]:
    """{plan id: totals} for any number of plans in one grouped query."""
    rows = (
        Allocation.objects.filter(plan__in=list(plan_ids))
        .values(
            "plan_id",
            "service_need_id",
            "organisation_id",
            "serves_municipality_id",
            "serves_group_id",
        )
        .annotate(fte=Sum("fte"), client_work_fte=Sum("client_work_fte"))
        .order_by()
    )
    result: dict[int, PlanTotals] = defaultdict(PlanTotals)
    for row in rows:
        totals = result[row["plan_id"]]
        fte, cw = exact_fte(row["fte"]), exact_fte(row["client_work_fte"])
        org, need = row["organisation_id"], row["service_need_id"]
        totals.total.add(fte, cw)
        totals.by_organisation[org].add(fte, cw)
        totals.by_service_need[need].add(fte, cw)
        totals.matrix[(need, org)].add(fte, cw)
        served = _served_key(row)
        totals.served_by_organisation[org].add(served)
        if served is None:
            totals.pilot_wide.add(fte, cw)
        elif served[0] == "m":
            totals.by_municipality[served[1]].add(fte, cw)
        else:
            totals.by_group[served[1]].add(fte, cw)
    return result


def plan_totals(plan: StaffingPlan) -> PlanTotals:
    return plans_totals([plan.pk]).get(plan.pk) or PlanTotals()


def fte_by_organisation_kind(totals: PlanTotals, organisations: Mapping[int, Organisation]):
    """{organisation kind: FTE} for the headline figures."""
    result: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for org_id, figures in totals.by_organisation.items():
        result[organisations[org_id].kind] += figures.fte
    return dict(result)


@dataclass
class ServedTotals:
    """FTE of a plan by the party served and organisation, with each organisation's first
    line position (column order)."""

    by_served: dict[ServedKey, dict[int, Figures]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Figures))
    )
    first_position: dict[int, int] = field(default_factory=dict)


def served_totals(plan) -> ServedTotals:
    """One grouped query: FTE per (party served, organisation)."""
    rows = (
        Allocation.objects.filter(plan=plan)
        .values("serves_municipality_id", "serves_group_id", "organisation_id")
        .annotate(fte=Sum("fte"), client_work_fte=Sum("client_work_fte"), first=Min("position"))
        .order_by()
    )
    result = ServedTotals()
    for row in rows:
        org = row["organisation_id"]
        result.by_served[_served_key(row)][org].add(
            exact_fte(row["fte"]), exact_fte(row["client_work_fte"])
        )
        result.first_position[org] = min(result.first_position.get(org, row["first"]), row["first"])
    return result


def allocation_totals(queryset) -> Figures:
    """FTE and client-work FTE of the lines a (filtered) listing shows, all pages (one
    query)."""
    sums = queryset.order_by().aggregate(fte=Sum("fte"), client_work_fte=Sum("client_work_fte"))
    return Figures(exact_fte(sums["fte"]), exact_fte(sums["client_work_fte"]))
