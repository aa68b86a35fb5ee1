"""Two plans of a pilot side by side: service need × organisation FTE with differences (B − A),
organisation totals and both caseloads, all from `plans_figures` (which reads the pilot's
structure once for both)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..models import Organisation, ServiceNeed
from .figures import PlanFigures
from .lines import need_order
from .totals import Figures


@dataclass
class CompareCell:
    a: Figures
    b: Figures

    @property
    def fte_difference(self) -> Decimal:
        return self.b.fte - self.a.fte

    @property
    def client_work_difference(self) -> Decimal:
        return self.b.client_work_fte - self.a.client_work_fte


@dataclass
class CompareGroup:
    service_need: ServiceNeed | None
    rows: list[tuple[Organisation, CompareCell]] = field(default_factory=list)
    total: CompareCell = field(default_factory=lambda: CompareCell(Figures(), Figures()))


def compare_plans(figures_a: PlanFigures, figures_b: PlanFigures) -> dict:
    """The two plans' figures (`plans_figures`) side by side."""
    organisations = {**figures_a.organisations, **figures_b.organisations}
    needs = {need.pk: need for need in [*figures_a.service_needs, *figures_b.service_needs]}
    keys = set(figures_a.totals.matrix) | set(figures_b.totals.matrix)
    by_need: dict[int | None, CompareGroup] = {}
    for need_id, org_id in keys:
        group = by_need.setdefault(need_id, CompareGroup(needs.get(need_id)))
        cell = CompareCell(
            figures_a.totals.matrix.get((need_id, org_id), Figures()),
            figures_b.totals.matrix.get((need_id, org_id), Figures()),
        )
        group.rows.append((organisations[org_id], cell))
        group.total.a.add(cell.a.fte, cell.a.client_work_fte)
        group.total.b.add(cell.b.fte, cell.b.client_work_fte)
    groups = sorted(by_need.values(), key=lambda group: need_order(group.service_need))
    for group in groups:
        group.rows.sort(key=lambda row: str(row[0]))
    org_rows = [
        (
            organisations[org_id],
            CompareCell(
                figures_a.totals.by_organisation.get(org_id, Figures()),
                figures_b.totals.by_organisation.get(org_id, Figures()),
            ),
        )
        for org_id in sorted(organisations, key=lambda pk: str(organisations[pk]))
    ]
    caseload_a, caseload_b = figures_a.caseload.value, figures_b.caseload.value
    return {
        "groups": groups,
        "organisation_rows": org_rows,
        "total": CompareCell(figures_a.totals.total, figures_b.totals.total),
        "caseload_difference": (
            caseload_b - caseload_a if caseload_a is not None and caseload_b is not None else None
        ),
    }
