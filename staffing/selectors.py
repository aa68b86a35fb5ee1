"""Reads for plans and pilots: a fixed number of grouped queries feed the pure calculations.

Every figure a page shows is computed here from line items and statistics by the functions in
`apportionment`, `caseload` and `reconciliation`; nothing is typed in or stored as a total.
The number of queries does not depend on the number of pilots, municipalities or lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from municipalities.models import (
    ClientStatistic,
    Measure,
    Municipality,
    MunicipalityGroup,
    Pilot,
    PilotMembership,
    PilotStatistic,
)

from . import apportionment, reconciliation
from .caseload import Caseload, ServingUnit, caseload, serving_units, unit_caseloads
from .models import (
    Allocation,
    DeclaredFigure,
    Organisation,
    ResourcePool,
    ServiceNeed,
    StaffingPlan,
)
from .rounding import quantize

ZERO = Decimal(0)
FTE_EXPONENT = Decimal("0.01")
COUNT_EXPONENT = Decimal("1")


def exact_fte(value) -> Decimal:
    """A database sum of FTE back to an exact Decimal: SQLite sums decimals as floats, so
    20,9 arrives as 20.900000000000002; FTE has two decimals, so this is exact."""
    return ZERO if value is None else Decimal(value).quantize(FTE_EXPONENT)


def exact_count(value) -> Decimal:
    return ZERO if value is None else Decimal(value).quantize(COUNT_EXPONENT)


# --- pilot structure and statistics -----------------------------------------------------------


@dataclass(frozen=True)
class PilotStructure:
    """A pilot's member municipalities and its own groups of them."""

    municipalities: tuple[Municipality, ...]
    groups: tuple[tuple[MunicipalityGroup, tuple[int, ...]], ...]

    @property
    def municipality_by_id(self) -> dict[int, Municipality]:
        return {m.pk: m for m in self.municipalities}

    @property
    def grouped_ids(self) -> set[int]:
        return {member for _group, members in self.groups for member in members}

    def top_level(self) -> list[Municipality | MunicipalityGroup]:
        """Municipalities outside any group and the groups, in the order of the first member."""
        order = {m.pk: index for index, m in enumerate(self.municipalities)}
        grouped = self.grouped_ids
        items: list[tuple[int, Municipality | MunicipalityGroup]] = [
            (order[m.pk], m) for m in self.municipalities if m.pk not in grouped
        ]
        for group, members in self.groups:
            first = min((order[m] for m in members if m in order), default=len(order))
            items.append((first, group))
        return [item for _index, item in sorted(items, key=lambda pair: pair[0])]

    def members_of(self, group: MunicipalityGroup) -> list[Municipality]:
        by_id = self.municipality_by_id
        for candidate, members in self.groups:
            if candidate.pk == group.pk:
                return [by_id[m] for m in members if m in by_id]
        return []


def pilot_structure(pilot: Pilot) -> PilotStructure:
    """Two queries: the members, and the groups with their members."""
    municipalities = tuple(
        membership.municipality
        for membership in PilotMembership.objects.filter(pilot=pilot)
        .select_related("municipality__sub_region")
        .order_by("pk")
    )
    member_rows = MunicipalityGroup.members.through.objects.filter(
        municipalitygroup__pilot=pilot
    ).values_list("municipalitygroup_id", "municipality_id")
    groups_by_id = {g.pk: g for g in MunicipalityGroup.objects.filter(pilot=pilot)}
    members: dict[int, list[int]] = defaultdict(list)
    for group_id, municipality_id in member_rows:
        members[group_id].append(municipality_id)
    order = {m.pk: index for index, m in enumerate(municipalities)}
    groups = tuple(
        (group, tuple(sorted(members[group.pk], key=lambda m: order.get(m, len(order)))))
        for group in groups_by_id.values()
    )
    return PilotStructure(municipalities=municipalities, groups=groups)


def statistics_dates(pilot: Pilot, measure: str) -> list[date]:
    """Dates with figures of `measure` for the pilot's municipalities, newest first."""
    return list(
        ClientStatistic.objects.filter(municipality__memberships__pilot=pilot, measure=measure)
        .values_list("date", flat=True)
        .distinct()
        .order_by("-date")
    )


def client_counts(pilot: Pilot, *, on: date, measure: str) -> dict[int, Decimal]:
    """{municipality id: count} of the pilot's members on a date."""
    rows = ClientStatistic.objects.filter(
        municipality__memberships__pilot=pilot, date=on, measure=measure
    ).values_list("municipality_id", "value")
    return dict(rows)


def usable_statistics_date(plan_date: date | None, available: Iterable[date]) -> date | None:
    """The one rule for which counts a plan uses: its own date when counts exist on it,
    otherwise the newest date that has counts (the pages show which date was used)."""
    available = set(available)
    if plan_date in available:
        return plan_date
    return max(available, default=None)


def plan_statistics_date(plan: StaffingPlan) -> date | None:
    """The plan's statistics date by `usable_statistics_date` (one query)."""
    return usable_statistics_date(
        plan.statistics_date, statistics_dates(plan.pilot, plan.statistics_measure)
    )


def _plan_counts(plan: StaffingPlan) -> tuple[date | None, dict[int, Decimal]]:
    """The counts a plan uses: one query when its own date has counts, two otherwise."""
    measure = plan.statistics_measure
    if plan.statistics_date:
        clients = client_counts(plan.pilot, on=plan.statistics_date, measure=measure)
        if clients:
            return plan.statistics_date, clients
    on = plan_statistics_date(plan)
    return on, client_counts(plan.pilot, on=on, measure=measure) if on else {}


# --- line totals --------------------------------------------------------------------------------


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
    # Organisation id → municipality ids (or group ids) its lines serve; None = the whole pilot.
    served_by_organisation: dict[int, set[tuple[str, int] | None]] = field(
        default_factory=lambda: defaultdict(set)
    )


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
        if row["serves_municipality_id"]:
            totals.by_municipality[row["serves_municipality_id"]].add(fte, cw)
            totals.served_by_organisation[org].add(("m", row["serves_municipality_id"]))
        elif row["serves_group_id"]:
            totals.by_group[row["serves_group_id"]].add(fte, cw)
            totals.served_by_organisation[org].add(("g", row["serves_group_id"]))
        else:
            totals.pilot_wide.add(fte, cw)
            totals.served_by_organisation[org].add(None)
    return result


def plan_totals(plan: StaffingPlan) -> PlanTotals:
    return plans_totals([plan.pk]).get(plan.pk) or PlanTotals()


# --- caseloads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationCaseload:
    organisation: Organisation
    figures: Figures
    clients: Decimal
    caseload: Caseload
    area: str  # "pilot" when any line serves the whole pilot, else "municipalities"


@dataclass(frozen=True)
class UnitRow:
    """A serving unit (a municipality with those it produces services for) or a group."""

    label: str
    municipalities: tuple[Municipality, ...]
    figures: Figures
    caseload: Caseload


@dataclass
class PlanFigures:
    plan: StaffingPlan
    structure: PilotStructure
    statistics_date: date | None
    clients: dict[int, Decimal]
    totals: PlanTotals
    organisations: dict[int, Organisation]
    service_needs: list[ServiceNeed]
    caseload: Caseload
    organisation_caseloads: list[OrganisationCaseload]
    units: list[UnitRow]
    pilot_wide: Figures

    @property
    def client_total(self) -> Decimal:
        return sum(self.clients.values(), ZERO)


def _area_clients(
    served: set[tuple[str, int] | None], structure: PilotStructure, clients: Mapping[int, Decimal]
) -> tuple[Decimal, str]:
    if None in served or not served:
        return sum(clients.values(), ZERO), "pilot"
    municipalities: set[int] = set()
    group_members = {group.pk: members for group, members in structure.groups}
    for kind, pk in served:
        if kind == "m":
            municipalities.add(pk)
        else:
            municipalities.update(group_members.get(pk, ()))
    return sum((clients.get(pk, ZERO) for pk in municipalities), ZERO), "municipalities"


def plan_figures(
    plan: StaffingPlan, *, produces_for: Mapping[int, Iterable[int]] | None = None
) -> PlanFigures:
    """Everything a plan's dashboard shows, in a constant number of queries.

    `produces_for` maps a producing municipality id to the ids whose services it produces
    (from the service arrangements); without it every municipality is its own unit.
    """
    pilot = plan.pilot
    structure = pilot_structure(pilot)
    on, clients = _plan_counts(plan)
    totals = plan_totals(plan)
    organisations = Organisation.objects.in_bulk(list(totals.by_organisation))
    needs = list(ServiceNeed.objects.filter(pk__in=[k for k in totals.by_service_need if k]))
    target = pilot.target_caseload
    pilot_caseload = caseload(
        clients=sum(clients.values(), ZERO),
        client_work_fte=totals.total.client_work_fte,
        target=target,
    )

    org_caseloads = []
    for org_id, figures in totals.by_organisation.items():
        area_clients, area = _area_clients(
            totals.served_by_organisation[org_id], structure, clients
        )
        org_caseloads.append(
            OrganisationCaseload(
                organisation=organisations[org_id],
                figures=figures,
                clients=area_clients,
                caseload=caseload(
                    clients=area_clients, client_work_fte=figures.client_work_fte, target=target
                ),
                area=area,
            )
        )
    org_caseloads.sort(key=lambda row: (-row.figures.fte, row.organisation.name))

    units = _unit_rows(structure, clients, totals, produces_for or {}, target)
    return PlanFigures(
        plan=plan,
        structure=structure,
        statistics_date=on,
        clients=clients,
        totals=totals,
        organisations=organisations,
        service_needs=needs,
        caseload=pilot_caseload,
        organisation_caseloads=org_caseloads,
        units=units,
        pilot_wide=totals.pilot_wide,
    )


def _unit_rows(structure, clients, totals, produces_for, target) -> list[UnitRow]:
    by_id = structure.municipality_by_id
    grouped = structure.grouped_ids
    ungrouped = [m.pk for m in structure.municipalities if m.pk not in grouped]
    relevant = {
        producer: [r for r in recipients if r in ungrouped]
        for producer, recipients in produces_for.items()
        if producer in ungrouped
    }
    units: list[ServingUnit] = serving_units(municipalities=ungrouped, produces_for=relevant)
    rows = []
    cw = {pk: figures.client_work_fte for pk, figures in totals.by_municipality.items()}
    counts = {pk: clients.get(pk, ZERO) for pk in ungrouped}
    for unit, result in zip(
        units,
        unit_caseloads(units=units, clients=counts, client_work_fte=cw, target=target),
        strict=True,
    ):
        figures = Figures()
        for member in unit.members:
            if member in totals.by_municipality:
                member_figures = totals.by_municipality[member]
                figures.add(member_figures.fte, member_figures.client_work_fte)
        members = tuple(by_id[m] for m in unit.members)
        rows.append(
            UnitRow(
                label=" + ".join(m.name for m in members),
                municipalities=members,
                figures=figures,
                caseload=result.caseload,
            )
        )
    for group, member_ids in structure.groups:
        figures = Figures()
        group_figures = totals.by_group.get(group.pk)
        if group_figures:
            figures.add(group_figures.fte, group_figures.client_work_fte)
        for member in member_ids:
            if member in totals.by_municipality:
                member_figures = totals.by_municipality[member]
                figures.add(member_figures.fte, member_figures.client_work_fte)
        group_clients = sum((clients.get(m, ZERO) for m in member_ids), ZERO)
        rows.append(
            UnitRow(
                label=str(group),
                municipalities=tuple(by_id[m] for m in member_ids if m in by_id),
                figures=figures,
                caseload=caseload(
                    clients=group_clients, client_work_fte=figures.client_work_fte, target=target
                ),
            )
        )
    return rows


# --- pools --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolSplit:
    """One pool divided by both methods over the pilot's municipalities and groups."""

    pool: ResourcePool
    source: apportionment.TreeApportionment | None
    largest_remainder: apportionment.TreeApportionment | None
    largest_remainder_pool: Decimal | None  # the pool Hamilton used (rounded when needed)
    error: apportionment.ApportionmentError | None = None
    pool_not_multiple: bool = False


def _tree(structure: PilotStructure, clients: Mapping[int, Decimal]) -> list[apportionment.Node]:
    nodes = []
    for item in structure.top_level():
        if isinstance(item, MunicipalityGroup):
            members = structure.members_of(item)
            nodes.append(
                apportionment.Node(
                    key=("g", item.pk),
                    children=[
                        apportionment.Node(key=("m", m.pk), weight=clients.get(m.pk, ZERO))
                        for m in members
                    ],
                )
            )
        else:
            nodes.append(apportionment.Node(key=("m", item.pk), weight=clients.get(item.pk, ZERO)))
    return nodes


def split_pool(pool: ResourcePool, tree: list[apportionment.Node]) -> PoolSplit:
    """One pool by the source method and by largest remainder.

    A pool that is not a multiple of its step (11,35 at 0,1) cannot be split exactly; that is
    reported, and largest remainder then splits the pool rounded half-up to the step (11,4),
    which is the figure the source document printed.
    """
    try:
        source = apportionment.apportion_tree(
            pool=pool.amount, tree=tree, step=pool.step, method=apportionment.ROUND_EACH_HALF_UP
        )
        not_multiple = not apportionment.is_multiple(pool.amount, step=pool.step)
        hamilton_pool = quantize(pool.amount, step=pool.step) if not_multiple else pool.amount
        hamilton = apportionment.apportion_tree(
            pool=hamilton_pool, tree=tree, step=pool.step, method=apportionment.LARGEST_REMAINDER
        )
    except apportionment.ApportionmentError as error:
        return PoolSplit(pool, None, None, None, error=error)
    return PoolSplit(
        pool=pool,
        source=source,
        largest_remainder=hamilton,
        largest_remainder_pool=hamilton_pool,
        pool_not_multiple=not_multiple,
    )


def pool_splits(
    plan: StaffingPlan, *, structure: PilotStructure, clients: Mapping[int, Decimal]
) -> list[PoolSplit]:
    """Each pool of the plan split over the pilot's municipalities and groups (one query)."""
    tree = _tree(structure, clients)
    return [
        split_pool(pool, tree)
        for pool in ResourcePool.objects.filter(plan=plan).order_by("position", "name")
    ]


# --- reconciliation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReconciledFigure:
    figure: DeclaredFigure | PilotStatistic
    result: reconciliation.Reconciliation


def _node_key(figure: DeclaredFigure) -> tuple[str, int] | None:
    if figure.municipality_id:
        return ("m", figure.municipality_id)
    if figure.group_id:
        return ("g", figure.group_id)
    return None


def reconcile_pilot(pilot: Pilot) -> list[ReconciledFigure]:
    """Every declared figure of the pilot against its computed counterpart, in a constant
    number of queries (plans, lines, statistics, pools, figures: each fetched once)."""
    figures = list(
        DeclaredFigure.objects.filter(pilot=pilot).select_related(
            "plan", "organisation", "municipality", "group", "pool"
        )
    )
    structure = pilot_structure(pilot)
    plans = {plan.pk: plan for plan in StaffingPlan.objects.filter(pilot=pilot)}
    totals = plans_totals(plans)
    stats = _statistics_by_date(pilot)
    pilot_stats = list(PilotStatistic.objects.filter(pilot=pilot).select_related("pilot"))
    splits = _pool_splits_by_plan(plans, structure, stats)
    results = []
    for figure in figures:
        result = _reconcile_one(figure, structure, plans, totals, stats, pilot_stats, splits)
        if result is not None:
            results.append(ReconciledFigure(figure, result))
    results.extend(_reconcile_pilot_statistics(pilot_stats, stats))
    return results


def _statistics_by_date(pilot: Pilot) -> dict[tuple[date, str], dict[int, Decimal]]:
    rows = ClientStatistic.objects.filter(municipality__memberships__pilot=pilot).values_list(
        "date", "measure", "municipality_id", "value"
    )
    result: dict[tuple[date, str], dict[int, Decimal]] = defaultdict(dict)
    for on, measure, municipality_id, value in rows:
        result[(on, measure)][municipality_id] = value
    return result


def _counts_for(plan: StaffingPlan, stats) -> dict[int, Decimal]:
    """A plan's counts from the pilot's preloaded statistics, by `usable_statistics_date`."""
    measure = plan.statistics_measure
    on = usable_statistics_date(plan.statistics_date, (d for d, m in stats if m == measure))
    return stats.get((on, measure), {}) if on else {}


def _pool_splits_by_plan(plans, structure, stats) -> dict[int, PoolSplit]:
    """{pool id: split} for every pool of the pilot's plans, fetched in one query."""
    result = {}
    for pool in ResourcePool.objects.filter(plan__in=list(plans)).order_by("position"):
        clients = _counts_for(plans[pool.plan_id], stats)
        split = split_pool(pool, _tree(structure, clients))
        if split.source is not None:
            result[pool.pk] = split
    return result


def _as_printed(value: Decimal, precision: Decimal) -> Decimal:
    """11.40000 at precision 0,1 → 11.4; 2622.00000 at precision 1 → 2622 (half-up, any step)."""
    step = precision.normalize()
    if step.as_tuple().exponent > 0:  # 1E+1 → 10, so the result prints as a plain number
        step = step.quantize(Decimal(1))
    return quantize(value, step=step)


def _reconcile_one(figure, structure, plans, totals, stats, pilot_stats, splits):
    metric = DeclaredFigure.Metric
    label = figure.label
    precision = figure.precision
    declared = _as_printed(figure.value, precision)
    plan_totals_ = totals.get(figure.plan_id, PlanTotals()) if figure.plan_id else None

    def compare(computed, kind=reconciliation.SUM_OF_PARTS, context=None):
        return reconciliation.reconcile(
            label=label,
            declared=declared,
            computed=computed,
            precision=precision,
            kind=kind,
            context=context,
        )

    if figure.metric in (metric.FTE, metric.CLIENT_WORK_FTE) and plan_totals_ is not None:
        attribute = "fte" if figure.metric == metric.FTE else "client_work_fte"
        if figure.organisation_id:
            source = plan_totals_.by_organisation.get(figure.organisation_id, Figures())
        elif figure.municipality_id:
            source = plan_totals_.by_municipality.get(figure.municipality_id, Figures())
        else:
            source = plan_totals_.total
        return compare(getattr(source, attribute))
    if figure.metric == metric.FTE_EXCLUDING and plan_totals_ is not None:
        excluded = plan_totals_.by_organisation.get(figure.organisation_id, Figures())
        return compare(plan_totals_.total.fte - excluded.fte)
    if figure.metric == metric.CASELOAD and plan_totals_ is not None:
        clients = _counts_for(plans[figure.plan_id], stats)
        result = caseload(
            clients=sum(clients.values(), ZERO),
            client_work_fte=plan_totals_.total.client_work_fte,
        )
        return None if result.value is None else compare(result.value)
    if figure.metric == metric.CLIENTS:
        counts = stats.get((figure.date, figure.measure or Measure.CLIENTS), {})
        if figure.group_id:
            members = {g.pk: m for g, m in structure.groups}.get(figure.group_id, ())
            return compare(sum((counts.get(m, ZERO) for m in members), ZERO))
        return compare(sum(counts.values(), ZERO))
    if figure.metric == metric.SHARE:
        return _reconcile_share(figure, declared, stats, pilot_stats)
    return _reconcile_pool_figure(figure, declared, compare, splits)


def _reconcile_pool_figure(figure, declared, compare, splits):
    metric = DeclaredFigure.Metric
    if figure.metric == metric.POOL and figure.pool_id in splits:
        split = splits[figure.pool_id].source
        return compare(
            split.total,
            kind=reconciliation.POOL_SHARES,
            context={"n_parts": len(split.shares), "step": split.step},
        )
    if figure.metric == metric.POOL_SHARE and figure.pool_id in splits:
        return compare(splits[figure.pool_id].source.share_for(_node_key(figure)).part)
    pool_splits_ = [split.source for split in splits.values() if _same_plan(split, figure)]
    if not pool_splits_:
        return None
    if figure.metric == metric.POOL_ROW_TOTAL:
        key = _node_key(figure)
        return compare(sum((split.share_for(key).part for split in pool_splits_), ZERO))
    if figure.metric == metric.POOL_SHARES_TOTAL:
        n_parts = sum(len(split.shares) for split in pool_splits_)
        step = pool_splits_[0].step
        return compare(
            sum((split.total for split in pool_splits_), ZERO),
            kind=reconciliation.POOL_SHARES,
            context={"n_parts": n_parts, "step": step},
        )
    if figure.metric == metric.POOLS_TOTAL:
        rounded = [quantize(split.pool, step=split.step) for split in pool_splits_]
        return compare(
            sum(rounded, ZERO),
            kind=reconciliation.POOL_TOTAL,
            context={"unrounded_pools": [split.pool for split in pool_splits_]},
        )
    return None


def _same_plan(split: PoolSplit, figure: DeclaredFigure) -> bool:
    return figure.plan_id is None or split.pool.plan_id == figure.plan_id


def _reconcile_share(figure, declared, stats, pilot_stats):
    measure = figure.measure or Measure.JOB_SEEKERS
    stated = {
        (s.date, s.measure): s.value for s in pilot_stats if s.unit == PilotStatistic.Unit.COUNT
    }
    if figure.municipality_id:
        counts = stats.get((figure.date, measure), {})
        value = counts.get(figure.municipality_id)
        if value is None:
            return None
        computed_base = sum(counts.values(), ZERO)
        bases = {"computed": computed_base}
        if (figure.date, measure) in stated:
            bases["declared"] = stated[(figure.date, measure)]
        return reconciliation.reconcile_share(
            label=figure.label,
            declared=declared,
            value=value,
            base=computed_base,
            precision=figure.precision,
            bases=bases,
        )
    # A pilot-level share: the pilot's own count of the measure over its job seekers.
    value = stated.get((figure.date, measure))
    base = stated.get((figure.date, Measure.JOB_SEEKERS))
    if value is None or not base:
        return None
    return reconciliation.reconcile_share(
        label=figure.label, declared=declared, value=value, base=base, precision=figure.precision
    )


def _reconcile_pilot_statistics(pilot_stats, stats) -> list[ReconciledFigure]:
    """A pilot-level count against the sum of its municipalities' counts, where both exist."""
    results = []
    for statistic in pilot_stats:
        if statistic.unit != PilotStatistic.Unit.COUNT:
            continue
        counts = stats.get((statistic.date, statistic.measure))
        if not counts:
            continue
        result = reconciliation.reconcile(
            label=str(statistic),
            declared=_as_printed(statistic.value, Decimal(1)),
            computed=sum(counts.values(), ZERO),
            precision=Decimal(1),
            kind=reconciliation.SUM_OF_PARTS,
        )
        results.append(ReconciledFigure(statistic, result))
    return results


# --- pilots overview ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PilotSummary:
    pilot: Pilot
    plan: StaffingPlan | None
    statistics_date: date | None
    clients: Decimal | None
    previous_date: date | None
    previous_clients: Decimal | None
    fte: Decimal
    client_work_fte: Decimal
    caseload: Caseload | None

    @property
    def clients_change(self) -> Decimal | None:
        if self.clients is None or self.previous_clients is None:
            return None
        return self.clients - self.previous_clients


def current_plan(
    plans: Iterable[StaffingPlan], *, today: date | None = None
) -> StaffingPlan | None:
    """The plan in force: the latest-starting non-scenario plan that has started, preferring
    approved ones; else the earliest upcoming one."""
    today = today or date.today()
    candidates = [p for p in plans if p.kind == StaffingPlan.Kind.PLAN]
    started = [p for p in candidates if p.valid_from <= today]
    if started:
        return max(
            started,
            key=lambda p: (p.status == StaffingPlan.Status.APPROVED, p.valid_from, p.pk),
        )
    return min(candidates, key=lambda p: (p.valid_from, p.pk), default=None)


def pilot_summaries(pilots: Iterable[Pilot], *, today: date | None = None) -> list[PilotSummary]:
    """Headline figures for many pilots in four queries whatever their number."""
    pilots = list(pilots)
    plans_by_pilot: dict[int, list[StaffingPlan]] = defaultdict(list)
    for plan in StaffingPlan.objects.filter(pilot__in=pilots):
        plans_by_pilot[plan.pilot_id].append(plan)
    chosen = {pilot.pk: current_plan(plans_by_pilot[pilot.pk], today=today) for pilot in pilots}
    plan_ids = [plan.pk for plan in chosen.values() if plan]
    line_totals = {
        row["plan_id"]: row
        for row in Allocation.objects.filter(plan__in=plan_ids)
        .values("plan_id")
        .annotate(fte=Sum("fte"), client_work_fte=Sum("client_work_fte"))
        .order_by()
    }
    stat_rows = (
        ClientStatistic.objects.filter(municipality__memberships__pilot__in=pilots)
        .values("municipality__memberships__pilot", "date", "measure")
        .annotate(total=Sum("value"))
        .order_by()
    )
    sums: dict[tuple[int, str], dict[date, Decimal]] = defaultdict(dict)
    for row in stat_rows:
        key = (row["municipality__memberships__pilot"], row["measure"])
        sums[key][row["date"]] = exact_count(row["total"])

    summaries = []
    for pilot in pilots:
        plan = chosen[pilot.pk]
        measure = plan.statistics_measure if plan else Measure.CLIENTS
        by_date = sums.get((pilot.pk, measure), {})
        dates = sorted(by_date, reverse=True)
        on = usable_statistics_date(plan.statistics_date if plan else None, dates)
        earlier = [d for d in dates if on and d < on]
        previous = earlier[0] if earlier else None
        totals = line_totals.get(plan.pk) if plan else None
        fte = exact_fte(totals["fte"]) if totals else ZERO
        cw = exact_fte(totals["client_work_fte"]) if totals else ZERO
        clients = by_date.get(on) if on else None
        summaries.append(
            PilotSummary(
                pilot=pilot,
                plan=plan,
                statistics_date=on,
                clients=clients,
                previous_date=previous,
                previous_clients=by_date.get(previous) if previous else None,
                fte=fte,
                client_work_fte=cw,
                caseload=(
                    caseload(clients=clients, client_work_fte=cw, target=pilot.target_caseload)
                    if clients is not None
                    else None
                ),
            )
        )
    return summaries


def fte_by_organisation_kind(totals: PlanTotals, organisations: Mapping[int, Organisation]):
    """{organisation kind: FTE} for the headline figures."""
    result: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for org_id, figures in totals.by_organisation.items():
        result[organisations[org_id].kind] += figures.fte
    return dict(result)


__all__ = [
    "Figures",
    "OrganisationCaseload",
    "PilotStructure",
    "PilotSummary",
    "PlanFigures",
    "PlanTotals",
    "PoolSplit",
    "ReconciledFigure",
    "UnitRow",
    "client_counts",
    "current_plan",
    "fte_by_organisation_kind",
    "pilot_structure",
    "pilot_summaries",
    "plan_figures",
    "plan_statistics_date",
    "plan_totals",
    "plans_totals",
    "split_pool",
    "pool_splits",
    "reconcile_pilot",
    "statistics_dates",
]
