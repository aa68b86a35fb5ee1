"""The staffing matrix (seed 000, table 2): service needs with their "of which" rows ×
organisations, with totals, client-work FTE and the caseload."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

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


#: A kind's organisations together, as the grouped matrix names them.
KIND_GROUP_LABELS = {
    Organisation.Kind.STATE: _("State TE administration"),
    Organisation.Kind.MUNICIPALITY: _("Municipalities"),
    Organisation.Kind.MUNICIPAL_GROUP: _("Municipal groups"),
    Organisation.Kind.JOINT_AUTHORITY: _("Joint authorities and wellbeing services"),
    Organisation.Kind.OTHER: _("Other organisations"),
}


@dataclass(frozen=True)
class OrganisationRow:
    """An organisation as a row of the matrix grouped by kind: its cell of each service need
    (the matrix's need rows, in order), its total and its client-work FTE."""

    organisation: Organisation
    cells: tuple[Cell, ...]
    total: Cell
    client_work: Cell
    #: Each cell's service need as the line items' filter has it (the cell links there).
    need_filters: tuple[str, ...] = ()

    @property
    def linked_cells(self) -> tuple[tuple[str, Cell], ...]:
        return tuple(zip(self.need_filters, self.cells, strict=True))


@dataclass(frozen=True)
class KindGroup:
    """The organisations of one kind and their subtotal, each summed from their cells."""

    kind: str
    label: str
    rows: tuple[OrganisationRow, ...]
    subtotals: tuple[Cell, ...]
    total: Cell
    client_work: Cell


@dataclass(frozen=True)
class GroupedMatrix:
    """The staffing matrix turned a quarter: organisations as rows, grouped by kind with a
    subtotal row for each kind, and the service needs as columns (readable with many
    organisations). The "of which" rows are left out: they are not added to the totals."""

    needs: tuple[MatrixRow, ...]
    groups: tuple[KindGroup, ...]
    totals: tuple[Cell, ...]
    total: Cell
    client_work_total: Cell


def _sum(cells) -> Cell:
    values = [cell.value for cell in cells if cell.value is not None]
    return Cell(sum(values, Decimal(0)) if values else None)


def grouped_by_kind(matrix: Matrix) -> GroupedMatrix:
    """Pure: the matrix's organisations grouped by kind (in the matrix's order, which puts
    kinds together), each kind with subtotals summed from its organisations' cells."""
    needs = tuple(row for row in matrix.rows if row.kind != "part")
    by_kind: dict[str, list[OrganisationRow]] = {}
    for index, org in enumerate(matrix.organisations):
        by_kind.setdefault(org.kind, []).append(
            OrganisationRow(
                organisation=org,
                cells=tuple(row.cells[index] for row in needs),
                total=matrix.totals[index],
                client_work=matrix.client_work[index],
                need_filters=tuple(row.need_filter for row in needs),
            )
        )
    groups = tuple(
        KindGroup(
            kind=kind,
            label=str(KIND_GROUP_LABELS.get(kind, kind)),
            rows=tuple(rows),
            subtotals=tuple(
                _sum(row.cells[column] for row in rows) for column in range(len(needs))
            ),
            total=_sum(row.total for row in rows),
            client_work=_sum(row.client_work for row in rows),
        )
        for kind, rows in by_kind.items()
    )
    return GroupedMatrix(
        needs=needs,
        groups=groups,
        totals=tuple(row.total for row in needs),
        total=matrix.total,
        client_work_total=matrix.client_work_total,
    )


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
