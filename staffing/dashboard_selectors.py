"""Reads for the dashboards, on top of `staffing.selectors`.

`plan_dashboard(plan, produces_for=…)` gathers every figure a plan's dashboard shows in a fixed
number of queries and arranges them into row models (the client-count and pool table, the
staffing matrix, FTE by municipality served, caseloads, chart series). Every total, share and
caseload comes from `staffing.selectors` and the pure calculations; this module only arranges
them and attaches the declared figures of the source documents to the cells they describe.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Min, Sum

from municipalities.models import (
    ClientStatistic,
    Measure,
    Municipality,
    MunicipalityGroup,
    Pilot,
    PilotStatistic,
)

from .caseload import Caseload
from .models import Allocation, AllocationPart, DeclaredFigure, Organisation, ServiceNeed
from .reconciliation import share_percentage
from .selectors import (
    Figures,
    OrganisationCaseload,
    PlanFigures,
    PoolSplit,
    ReconciledFigure,
    UnitRow,
    exact_count,
    exact_fte,
    fte_by_organisation_kind,
    plan_figures,
    pool_splits,
    reconcile_pilot,
)

ZERO = Decimal(0)
Metric = DeclaredFigure.Metric
KIND_ORDER = {kind: index for index, kind in enumerate(Organisation.Kind.values)}


# --- plain reads ----------------------------------------------------------------------------


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


ServedKey = tuple[str, int] | None


@dataclass
class ServedTotals:
    """FTE of a plan by the party served (("m", id), ("g", id) or None for the whole pilot)
    and organisation, with each organisation's first line position (column order)."""

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
        if row["serves_municipality_id"]:
            key: ServedKey = ("m", row["serves_municipality_id"])
        elif row["serves_group_id"]:
            key = ("g", row["serves_group_id"])
        else:
            key = None
        org = row["organisation_id"]
        result.by_served[key][org].add(exact_fte(row["fte"]), exact_fte(row["client_work_fte"]))
        result.first_position[org] = min(result.first_position.get(org, row["first"]), row["first"])
    return result


def client_totals_by_date(pilot: Pilot, measure: str) -> list[tuple[date, Decimal]]:
    """The pilot's total of `measure` on every statistics date, oldest first (one query)."""
    rows = (
        ClientStatistic.objects.filter(municipality__memberships__pilot=pilot, measure=measure)
        .values("date")
        .annotate(total=Sum("value"))
        .order_by("date")
    )
    return [(row["date"], exact_count(row["total"])) for row in rows]


def pilot_level_statistics(pilot: Pilot) -> list[PilotStatistic]:
    """Figures a source gives for the whole pilot only (one query)."""
    return list(PilotStatistic.objects.filter(pilot=pilot).order_by("-date", "measure", "unit"))


def allocation_totals(queryset) -> Figures:
    """FTE and client-work FTE of the lines a (filtered) listing shows, all pages (one
    query)."""
    sums = queryset.order_by().aggregate(fte=Sum("fte"), client_work_fte=Sum("client_work_fte"))
    return Figures(exact_fte(sums["fte"]), exact_fte(sums["client_work_fte"]))


# --- declared figures attached to cells -----------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A computed figure and, when a source document printed it too, the declared figure."""

    value: Decimal | None
    declared: ReconciledFigure | None = None
    # The line items behind a matrix cell ("Elinkeinopalvelut 0,5"), for a tooltip.
    roles: tuple[tuple[str, Decimal], ...] = ()
    # The column's organisation in the staffing matrix (its cells link to the line items).
    organisation: Organisation | None = None

    @property
    def differs(self) -> bool:
        return self.declared is not None and not self.declared.result.matches

    @property
    def declared_value(self) -> Decimal | None:
        return None if self.declared is None else self.declared.result.declared


def _scope(figure: DeclaredFigure) -> tuple:
    return (
        figure.metric,
        figure.organisation_id,
        figure.municipality_id,
        figure.group_id,
        figure.pool_id,
    )


class DeclaredIndex:
    """The reconciled declared figures that concern one plan, looked up by the cell they
    describe (metric + organisation / municipality / group / pool)."""

    def __init__(
        self,
        reconciled: Iterable[ReconciledFigure],
        *,
        plan,
        statistics_date: date | None,
    ):
        self.figures: list[ReconciledFigure] = []
        self._by_scope: dict[tuple, ReconciledFigure] = {}
        self._pilot_counts: dict[str, ReconciledFigure] = {}
        for item in reconciled:
            figure = item.figure
            if isinstance(figure, PilotStatistic):
                self.figures.append(item)
                if figure.date == statistics_date:
                    self._pilot_counts[figure.measure] = item
                continue
            if figure.plan_id is not None and figure.plan_id != plan.pk:
                continue
            self.figures.append(item)
            if figure.metric in (Metric.CLIENTS, Metric.SHARE):
                # A client count or share belongs to the table only on the plan's date.
                measure = figure.measure or (
                    Measure.CLIENTS if figure.metric == Metric.CLIENTS else Measure.JOB_SEEKERS
                )
                if figure.date != statistics_date or measure != plan.statistics_measure:
                    continue
            self._by_scope.setdefault(_scope(figure), item)

    def get(
        self, metric, *, organisation=None, municipality=None, group=None, pool=None
    ) -> ReconciledFigure | None:
        return self._by_scope.get((metric, organisation, municipality, group, pool))

    def pilot_count(self, measure: str) -> ReconciledFigure | None:
        return self._pilot_counts.get(measure)

    @property
    def mismatches(self) -> list[ReconciledFigure]:
        return [item for item in self.figures if not item.result.matches]


# --- the client-count and pool table (seed 000, table 1) ------------------------------------


@dataclass(frozen=True)
class PoolCells:
    source: Cell
    largest_remainder: Cell

    @property
    def difference(self) -> Decimal | None:
        if self.source.value is None or self.largest_remainder.value is None:
            return None
        return self.largest_remainder.value - self.source.value

    @property
    def methods_differ(self) -> bool:
        return bool(self.difference)


@dataclass(frozen=True)
class PoolRow:
    kind: str  # "pilot", "municipality", "group" or "member"
    label: str
    municipality: Municipality | None
    group: MunicipalityGroup | None
    clients: Cell
    share: Cell  # percent of the pilot's clients
    pools: tuple[PoolCells, ...]
    total_source: Cell
    total_largest_remainder: Cell

    @property
    def depth(self) -> int:
        return 1 if self.kind == "member" else 0

    @property
    def total_difference(self) -> Decimal | None:
        if self.total_source.value is None or self.total_largest_remainder.value is None:
            return None
        return self.total_largest_remainder.value - self.total_source.value


@dataclass(frozen=True)
class PoolTable:
    statistics_date: date | None
    measure: str
    splits: tuple[PoolSplit, ...]
    rows: tuple[PoolRow, ...]

    @property
    def has_pools(self) -> bool:
        return bool(self.splits)


def _part(apportionment, key) -> Decimal | None:
    if apportionment is None:
        return None
    try:
        return apportionment.share_for(key).part
    except KeyError:
        return None


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    values = list(values)
    if not values or any(value is None for value in values):
        return None
    return sum(values, ZERO)


def pool_table(figures: PlanFigures, splits: list[PoolSplit], declared: DeclaredIndex) -> PoolTable:
    clients = figures.clients
    total_clients = figures.client_total
    structure = figures.structure

    def share(count: Decimal | None, **scope) -> Cell:
        if count is None or not total_clients:
            return Cell(None)
        value = share_percentage(value=count, base=total_clients)
        return Cell(value, declared.get(Metric.SHARE, **scope) if scope else None)

    def row(kind, label, key, *, municipality=None, group=None) -> PoolRow:
        scope = {"municipality": municipality.pk} if municipality else {"group": group.pk}
        if municipality:
            count = clients.get(municipality.pk)
        else:
            count = _sum(clients.get(m.pk) for m in structure.members_of(group))
        pools = []
        for split in splits:
            pools.append(
                PoolCells(
                    source=Cell(
                        _part(split.source, key),
                        declared.get(Metric.POOL_SHARE, pool=split.pool.pk, **scope),
                    ),
                    largest_remainder=Cell(_part(split.largest_remainder, key)),
                )
            )
        return PoolRow(
            kind=kind,
            label=str(municipality or group),
            municipality=municipality,
            group=group,
            clients=Cell(count, declared.get(Metric.CLIENTS, group=group.pk) if group else None),
            share=share(count, **({"municipality": municipality.pk} if municipality else {})),
            pools=tuple(pools),
            total_source=Cell(
                _sum(cells.source.value for cells in pools) if pools else None,
                declared.get(Metric.POOL_ROW_TOTAL, **scope),
            ),
            total_largest_remainder=Cell(
                _sum(cells.largest_remainder.value for cells in pools) if pools else None
            ),
        )

    pilot_pools = tuple(
        PoolCells(
            source=Cell(
                split.source.total if split.source else None,
                declared.get(Metric.POOL, pool=split.pool.pk),
            ),
            largest_remainder=Cell(
                split.largest_remainder.total if split.largest_remainder else None
            ),
        )
        for split in splits
    )
    clients_declared = declared.get(Metric.CLIENTS) or declared.pilot_count(
        figures.plan.statistics_measure
    )
    rows = [
        PoolRow(
            kind="pilot",
            label=str(figures.plan.pilot),
            municipality=None,
            group=None,
            clients=Cell(total_clients if clients else None, clients_declared),
            share=Cell(Decimal(100) if total_clients else None),
            pools=pilot_pools,
            total_source=Cell(
                _sum(cells.source.value for cells in pilot_pools) if splits else None,
                declared.get(Metric.POOL_SHARES_TOTAL),
            ),
            total_largest_remainder=Cell(
                _sum(cells.largest_remainder.value for cells in pilot_pools) if splits else None,
                declared.get(Metric.POOLS_TOTAL),
            ),
        )
    ]
    for item in structure.top_level():
        if isinstance(item, MunicipalityGroup):
            rows.append(row("group", str(item), ("g", item.pk), group=item))
            for member in structure.members_of(item):
                rows.append(row("member", str(member), ("m", member.pk), municipality=member))
        else:
            rows.append(row("municipality", str(item), ("m", item.pk), municipality=item))
    return PoolTable(
        statistics_date=figures.statistics_date,
        measure=figures.plan.statistics_measure,
        splits=tuple(splits),
        rows=tuple(rows),
    )


# --- the staffing matrix (seed 000, table 2) ------------------------------------------------


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
        key=lambda org: (KIND_ORDER.get(org.kind, 99), first_position.get(org.pk, 0), org.name),
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


# --- FTE by municipality served and kind of organisation (seed 001's table) -----------------


@dataclass(frozen=True)
class ServedRow:
    kind: str  # "municipality", "group", "member" or "pilot"
    label: str
    cells: tuple[Cell, ...]  # aligned with ServedTable.kinds
    total: Cell
    client_work_total: Cell

    @property
    def depth(self) -> int:
        return 1 if self.kind == "member" else 0


@dataclass(frozen=True)
class ServedTable:
    kinds: tuple[str, ...]
    rows: tuple[ServedRow, ...]
    totals: tuple[Cell, ...]
    total: Cell
    client_work_total: Cell


def served_table(
    figures: PlanFigures,
    served: ServedTotals,
    *,
    organisations: Mapping[int, Organisation],
    declared: DeclaredIndex,
) -> ServedTable:
    kinds = sorted(
        {org.kind for org in organisations.values()}, key=lambda kind: KIND_ORDER.get(kind, 99)
    )

    def row(kind, label, key, figure=None) -> ServedRow:
        by_org = served.by_served.get(key, {})
        by_kind: dict[str, Figures] = defaultdict(Figures)
        for org_id, org_figures in by_org.items():
            by_kind[organisations[org_id].kind].add(org_figures.fte, org_figures.client_work_fte)
        total = Figures()
        for org_figures in by_org.values():
            total.add(org_figures.fte, org_figures.client_work_fte)
        return ServedRow(
            kind=kind,
            label=label,
            cells=tuple(Cell(by_kind[k].fte if k in by_kind else None) for k in kinds),
            total=Cell(total.fte if by_org else None, figure),
            client_work_total=Cell(total.client_work_fte if by_org else None),
        )

    structure = figures.structure
    rows = []
    for item in structure.top_level():
        if isinstance(item, MunicipalityGroup):
            rows.append(
                row("group", str(item), ("g", item.pk), declared.get(Metric.FTE, group=item.pk))
            )
            for member in structure.members_of(item):
                rows.append(
                    row(
                        "member",
                        str(member),
                        ("m", member.pk),
                        declared.get(Metric.FTE, municipality=member.pk),
                    )
                )
        else:
            rows.append(
                row(
                    "municipality",
                    str(item),
                    ("m", item.pk),
                    declared.get(Metric.FTE, municipality=item.pk),
                )
            )
    if None in served.by_served:
        rows.append(row("pilot", "", None))
    by_kind = fte_by_organisation_kind(figures.totals, organisations)
    return ServedTable(
        kinds=tuple(kinds),
        rows=tuple(rows),
        totals=tuple(Cell(by_kind.get(kind)) for kind in kinds),
        total=Cell(figures.totals.total.fte, declared.get(Metric.FTE)),
        client_work_total=Cell(figures.totals.total.client_work_fte),
    )


# --- the whole dashboard --------------------------------------------------------------------


@dataclass(frozen=True)
class ChartSeries:
    label: str
    values: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class PlanDashboard:
    figures: PlanFigures
    fte_by_kind: tuple[tuple[str, Decimal], ...]
    pools: PoolTable
    matrix: Matrix
    served: ServedTable
    organisation_caseloads: tuple[OrganisationCaseload, ...]
    units: tuple[UnitRow, ...]
    declared: DeclaredIndex
    timeline: tuple[tuple[date, Decimal], ...]
    pilot_statistics: tuple[PilotStatistic, ...]

    @property
    def caseload(self) -> Caseload:
        return self.figures.caseload

    @property
    def fte_chart(self) -> tuple[ChartSeries, ...]:
        """FTE of each organisation (columns) stacked by service need (series)."""
        return tuple(
            ChartSeries(row.need.code if row.need else "", tuple(cell.value for cell in row.cells))
            for row in self.matrix.rows
            if row.kind in ("need", "unassigned") and row.has_lines
        )


def plan_dashboard(plan, *, produces_for: Mapping[int, Iterable[int]] | None = None):
    """Everything one plan's dashboard shows, in a constant number of queries."""
    figures = plan_figures(plan, produces_for=produces_for)
    splits = pool_splits(plan, structure=figures.structure, clients=figures.clients)
    declared = DeclaredIndex(
        reconcile_pilot(plan.pilot), plan=plan, statistics_date=figures.statistics_date
    )
    served = served_totals(plan)
    organisations = ordered_organisations(figures.organisations, served.first_position)
    by_kind = fte_by_organisation_kind(figures.totals, figures.organisations)
    return PlanDashboard(
        figures=figures,
        fte_by_kind=tuple(sorted(by_kind.items(), key=lambda item: KIND_ORDER.get(item[0], 99))),
        pools=pool_table(figures, splits, declared),
        matrix=staffing_matrix(
            figures,
            catalogue=service_need_catalogue(),
            parts=plan_parts(plan),
            roles=plan_line_roles(plan),
            organisations=organisations,
            declared=declared,
        ),
        served=served_table(
            figures, served, organisations=figures.organisations, declared=declared
        ),
        organisation_caseloads=tuple(
            sorted(
                figures.organisation_caseloads,
                key=lambda row: organisations.index(row.organisation),
            )
        ),
        units=tuple(figures.units),
        declared=declared,
        timeline=tuple(client_totals_by_date(plan.pilot, plan.statistics_measure)),
        pilot_statistics=tuple(pilot_level_statistics(plan.pilot)),
    )
