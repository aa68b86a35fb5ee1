"""The staffing matrix (seed 000, table 2): service needs with their "of which" rows ×
organisations, with totals, client-work FTE and the caseload."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..caseload import Caseload
from ..models import Organisation, ServiceNeed
from ..selectors.figures import PlanFigures
from ..selectors.lines import LineRole, PartLine
from .cells import Cell, DeclaredIndex, Metric, kind_order


@dataclass(frozen=True)
class MatrixRow:
    kind: str  # "need", "part" or "unassigned"
    label: str
    depth: int
    need: ServiceNeed | None
    cells: tuple[Cell, ...]  # aligned with Matrix.organisations
    total: Cell
    has_lines: bool = True

    @property
    def need_filter(self) -> str:
        """The service-need value of the allocation list's filter for this row."""
        return self.need.code if self.need else "null"


@dataclass(frozen=True)
class ExcludingRow:
    organisation: Organisation
    total: Cell


@dataclass(frozen=True)
class Matrix:
    organisations: tuple[Organisation, ...]
    rows: tuple[MatrixRow, ...]
    totals: tuple[Cell, ...]
    total: Cell
    client_work: tuple[Cell, ...]
    client_work_total: Cell
    excluding: tuple[ExcludingRow, ...]
    caseload: Caseload
    clients: Decimal


def ordered_organisations(
    organisations: Mapping[int, Organisation], first_position: Mapping[int, int]
) -> list[Organisation]:
    """State first, then municipalities, groups, joint authorities, others; within a kind
    in the order of the plan's lines (as in the source documents' columns)."""
    return sorted(
        organisations.values(),
        key=lambda org: (kind_order(org.kind), first_position.get(org.pk, 0), org.name),
    )


def _need_tree(catalogue: list[ServiceNeed]) -> list[tuple[int, ServiceNeed]]:
    children: dict[int | None, list[ServiceNeed]] = defaultdict(list)
    known = {need.pk for need in catalogue}
    for need in catalogue:
        parent = need.parent_id if need.parent_id in known else None
        children[parent].append(need)
    ordered: list[tuple[int, ServiceNeed]] = []

    def visit(parent, depth):
        for need in children.get(parent, ()):
            ordered.append((depth, need))
            visit(need.pk, depth + 1)

    visit(None, 0)
    return ordered


def staffing_matrix(
    figures: PlanFigures,
    *,
    catalogue: list[ServiceNeed],
    parts: list[PartLine],
    roles: list[LineRole],
    organisations: list[Organisation],
    declared: DeclaredIndex,
) -> Matrix:
    totals = figures.totals
    roles_by_cell: dict[tuple[int | None, int], list[tuple[str, Decimal]]] = defaultdict(list)
    for line in roles:
        roles_by_cell[(line.service_need_id, line.organisation_id)].append(
            (line.role_title, line.fte)
        )
    parts_by_need: dict[int | None, dict[str, dict[int, Decimal]]] = defaultdict(dict)
    for part in parts:
        by_org = parts_by_need[part.service_need_id].setdefault(part.label, defaultdict(Decimal))
        by_org[part.organisation_id] += part.fte

    def need_cells(need_id) -> tuple[Cell, ...]:
        return tuple(
            Cell(
                totals.matrix[(need_id, org.pk)].fte
                if (need_id, org.pk) in totals.matrix
                else None,
                roles=tuple(roles_by_cell.get((need_id, org.pk), ())),
                organisation=org,
            )
            for org in organisations
        )

    def part_rows(need_id, depth) -> list[MatrixRow]:
        return [
            MatrixRow(
                kind="part",
                label=label,
                depth=depth + 1,
                need=None,
                cells=tuple(Cell(by_org.get(org.pk), organisation=org) for org in organisations),
                total=Cell(None),
            )
            for label, by_org in parts_by_need.get(need_id, {}).items()
        ]

    tree = _need_tree(catalogue)
    used = {need_id for need_id in totals.by_service_need if need_id is not None}
    used |= {need_id for need_id in parts_by_need if need_id is not None}
    parent_of = {need.pk: need.parent_id for need in catalogue}
    shown = set()
    for need_id in used:
        while need_id is not None and need_id not in shown:
            shown.add(need_id)
            need_id = parent_of.get(need_id)

    rows: list[MatrixRow] = []
    for depth, need in tree:
        if need.pk not in shown:
            continue
        has_lines = need.pk in totals.by_service_need
        rows.append(
            MatrixRow(
                kind="need",
                label=str(need) if depth == 0 else need.name,
                depth=depth,
                need=need,
                cells=need_cells(need.pk),
                total=Cell(totals.by_service_need[need.pk].fte if has_lines else None),
                has_lines=has_lines,
            )
        )
        rows.extend(part_rows(need.pk, depth))
    if None in totals.by_service_need or None in parts_by_need:
        rows.append(
            MatrixRow(
                kind="unassigned",
                label="",
                depth=0,
                need=None,
                cells=need_cells(None),
                total=Cell(
                    totals.by_service_need[None].fte if None in totals.by_service_need else None
                ),
            )
        )
        rows.extend(part_rows(None, 0))

    excluding = []
    for org in organisations:
        figure = declared.get(Metric.FTE_EXCLUDING, organisation=org.pk)
        if figure is not None:
            excluding.append(
                ExcludingRow(
                    org, Cell(totals.total.fte - totals.by_organisation[org.pk].fte, figure)
                )
            )
    return Matrix(
        organisations=tuple(organisations),
        rows=tuple(rows),
        totals=tuple(
            Cell(
                totals.by_organisation[org.pk].fte,
                declared.get(Metric.FTE, organisation=org.pk),
                organisation=org,
            )
            for org in organisations
        ),
        total=Cell(totals.total.fte, declared.get(Metric.FTE)),
        client_work=tuple(
            Cell(
                totals.by_organisation[org.pk].client_work_fte,
                declared.get(Metric.CLIENT_WORK_FTE, organisation=org.pk),
                organisation=org,
            )
            for org in organisations
        ),
        client_work_total=Cell(totals.total.client_work_fte, declared.get(Metric.CLIENT_WORK_FTE)),
        excluding=tuple(excluding),
        caseload=figures.caseload,
        clients=figures.client_total,
    )
