"""A plan's figures: totals, clients and caseloads of the pilot, each organisation and each
serving unit, in a constant number of queries.

Every figure is computed from line items and statistics by the pure functions in `caseload`;
the serving units come from the "X produces Y's services" relation of the pilot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from municipalities.models import Municipality
from municipalities.selectors import produces_for

from ..caseload import (
    Caseload,
    ComparableUnits,
    ServingUnit,
    caseload,
    comparable_caseloads,
    serving_units,
)
from ..models import Organisation, ServiceNeed, StaffingPlan
from .statistics import (
    ZERO,
    PilotStructure,
    Statistics,
    measure_counts,
    pilot_structure,
    pinned_date,
    usable_statistics_date,
)
from .totals import Figures, PlanTotals, ServedKey, plans_totals


@dataclass(frozen=True)
class OrganisationCaseload:
    organisation: Organisation
    figures: Figures
    clients: Decimal
    caseload: Caseload
    area: str  # "pilot" when any line serves the whole pilot, else "municipalities"


@dataclass(frozen=True)
class UnitRow:
    """A serving unit (a municipality with those it produces services for) or a group.

    ``figures`` are the unit's own lines; ``caseload`` is the comparable one: clients ÷
    (own client-work FTE + ``shared_client_work_fte``, its share of the pilot-wide staff).
    """

    label: str
    municipalities: tuple[Municipality, ...]
    figures: Figures
    caseload: Caseload
    shared_client_work_fte: Decimal = ZERO

    @property
    def own_client_work_fte(self) -> Decimal:
        return self.figures.client_work_fte

    @property
    def total_client_work_fte(self) -> Decimal:
        return self.caseload.client_work_fte


@dataclass(frozen=True)
class ApprovalFigures:
    """The counts a plan was approved with and the caseload they give with its lines."""

    statistics_date: date
    clients: Decimal | None
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
    #: The statistics date before `statistics_date` and the pilot's total on it.
    previous_date: date | None = None
    previous_client_total: Decimal | None = None
    #: True when the plan uses its own pinned date, False when it follows the latest counts.
    pinned: bool = False
    at_approval: ApprovalFigures | None = None
    unit_shares: ComparableUnits | None = None

    @property
    def client_total(self) -> Decimal:
        return sum(self.clients.values(), ZERO)

    @property
    def client_change(self) -> Decimal | None:
        if self.previous_client_total is None or not self.statistics_date:
            return None
        return self.client_total - self.previous_client_total


def plan_figures(
    plan: StaffingPlan,
    *,
    statistics: Statistics | None = None,
    totals: Mapping[int, PlanTotals] | None = None,
    catalogue: Sequence[ServiceNeed] | None = None,
) -> PlanFigures:
    """Everything a plan's pages show, in a constant number of queries; fewer when the caller
    has the pilot's statistics, the plans' totals or the catalogue of service needs already."""
    return plans_figures([plan], statistics=statistics, totals=totals, catalogue=catalogue)[0]


def plans_figures(
    plans: Sequence[StaffingPlan],
    *,
    statistics: Statistics | None = None,
    totals: Mapping[int, PlanTotals] | None = None,
    catalogue: Sequence[ServiceNeed] | None = None,
) -> list[PlanFigures]:
    """`plan_figures` of plans of one pilot; the pilot's structure and serving relation are
    read once for all of them."""
    if not plans:
        return []
    pilot = plans[0].pilot
    if any(plan.pilot_id != pilot.pk for plan in plans):
        raise ValueError("plans_figures takes plans of one pilot")
    structure = pilot_structure(pilot)
    relation = produces_for(pilot)
    if totals is None:
        totals = plans_totals([plan.pk for plan in plans])
    return [
        _figures(
            plan, structure, relation, totals.get(plan.pk) or PlanTotals(), statistics, catalogue
        )
        for plan in plans
    ]


def _figures(
    plan: StaffingPlan,
    structure: PilotStructure,
    relation: Mapping[int, Iterable[int]],
    totals: PlanTotals,
    statistics: Statistics | None = None,
    catalogue: Sequence[ServiceNeed] | None = None,
) -> PlanFigures:
    measure = plan.statistics_measure
    if statistics is None:
        by_date = measure_counts(plan.pilot, measure)
    else:  # the pilot's statistics, preloaded by the caller
        by_date = {on: counts for (on, kind), counts in statistics.items() if kind == measure}
    pinned = pinned_date(plan)
    on = usable_statistics_date(pinned, by_date)
    clients = by_date.get(on, {}) if on else {}
    previous = max((d for d in by_date if on and d < on), default=None)
    organisations = Organisation.objects.in_bulk(list(totals.by_organisation))
    if catalogue is None:
        needs = list(ServiceNeed.objects.filter(pk__in=[k for k in totals.by_service_need if k]))
    else:  # the catalogue is in the model's order (position, code)
        needs = [need for need in catalogue if need.pk in totals.by_service_need]
    target = plan.pilot.target_caseload
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
    units, shares = _unit_rows(structure, clients, totals, relation, target)
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
        unit_shares=shares,
        previous_date=previous,
        previous_client_total=sum(by_date[previous].values(), ZERO) if previous else None,
        pinned=on is not None and on == pinned,
        at_approval=_at_approval(plan, by_date, totals, target),
    )


def _at_approval(plan, by_date, totals: PlanTotals, target) -> ApprovalFigures | None:
    on = plan.approved_statistics_date
    if not on or not plan.is_approved:
        return None
    clients = sum(by_date[on].values(), ZERO) if on in by_date else None
    return ApprovalFigures(
        statistics_date=on,
        clients=clients,
        caseload=caseload(
            clients=clients or ZERO,
            client_work_fte=totals.total.client_work_fte,
            target=target,
        ),
    )


def _area_clients(
    served: set[ServedKey], structure: PilotStructure, clients: Mapping[int, Decimal]
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


def _add_members(figures: Figures, members: Iterable[int], totals: PlanTotals) -> None:
    for member in members:
        if member in totals.by_municipality:
            member_figures = totals.by_municipality[member]
            figures.add(member_figures.fte, member_figures.client_work_fte)


def _unit_rows(structure, clients, totals, relation, target):
    """The serving units and groups with their comparable caseloads.

    Each unit's own client-work FTE comes from the lines serving its members (a group's
    also from the lines serving the group); the pilot-wide client-work FTE is shared among
    all of them by clients (`comparable_caseloads`), so the units add up to the pilot.
    """
    by_id = structure.municipality_by_id
    grouped = structure.grouped_ids
    ungrouped = [m.pk for m in structure.municipalities if m.pk not in grouped]
    relevant = {
        producer: [r for r in recipients if r in ungrouped]
        for producer, recipients in relation.items()
        if producer in ungrouped
    }
    units: list[ServingUnit] = serving_units(municipalities=ungrouped, produces_for=relevant)
    entries = []  # (key, label, municipalities, own figures, clients)
    for unit in units:
        figures = Figures()
        _add_members(figures, unit.members, totals)
        members = tuple(by_id[m] for m in unit.members)
        unit_clients = sum((clients.get(m, ZERO) for m in unit.members), ZERO)
        entries.append(
            (
                ("u", unit.provider),
                " + ".join(m.name for m in members),
                members,
                figures,
                unit_clients,
            )
        )
    for group, member_ids in structure.groups:
        figures = Figures()
        group_figures = totals.by_group.get(group.pk)
        if group_figures:
            figures.add(group_figures.fte, group_figures.client_work_fte)
        _add_members(figures, member_ids, totals)
        group_clients = sum((clients.get(m, ZERO) for m in member_ids), ZERO)
        members = tuple(by_id[m] for m in member_ids if m in by_id)
        entries.append((("g", group.pk), str(group), members, figures, group_clients))
    shares = comparable_caseloads(
        clients={key: unit_clients for key, _l, _m, _f, unit_clients in entries},
        own_client_work_fte={key: figures.client_work_fte for key, _l, _m, figures, _c in entries},
        pilot_wide_client_work_fte=totals.pilot_wide.client_work_fte,
        target=target,
    )
    rows = []
    for key, label, members, figures, _clients in entries:
        unit = shares.for_key(key)
        rows.append(
            UnitRow(
                label=label,
                municipalities=members,
                figures=figures,
                caseload=unit.caseload,
                shared_client_work_fte=unit.shared_fte,
            )
        )
    return rows, shares
