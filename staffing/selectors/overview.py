"""The home page's overview: each pilot's plan in force and its headline figures, in a fixed
number of queries whatever the number of pilots."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from municipalities.models import ClientStatistic, Measure, Pilot

from ..caseload import Caseload, caseload
from ..models import Allocation, StaffingPlan
from .statistics import ZERO, exact_count, exact_fte, pinned_date, usable_statistics_date


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
    """The plan in force: the latest-starting non-scenario plan that has started and not
    ended, preferring approved ones; else the latest that has started (ended or superseded);
    else the earliest upcoming one."""
    today = today or date.today()
    candidates = [p for p in plans if p.kind == StaffingPlan.Kind.PLAN]
    started = [p for p in candidates if p.valid_from <= today]
    in_force = [p for p in started if p.valid_to is None or p.valid_to >= today]
    for group in (in_force, started):
        if group:
            return max(
                group,
                key=lambda p: (p.status == StaffingPlan.Status.APPROVED, p.valid_from, p.pk),
            )
    return min(candidates, key=lambda p: (p.valid_from, p.pk), default=None)


#: The plan list's sections, in the order the page shows them.
PLAN_SECTIONS = ("current", "drafts", "superseded", "scenarios")


def plan_sections(
    plans: Iterable[StaffingPlan], *, today: date | None = None
) -> dict[str, list[StaffingPlan]]:
    """The plans of a pilot apart: the plan in force, drafts (and submitted ones) of new
    versions, earlier approved versions (superseded or ended), and what-if scenarios."""
    plans = list(plans)
    current = current_plan(plans, today=today)
    sections: dict[str, list[StaffingPlan]] = {key: [] for key in PLAN_SECTIONS}
    for plan in plans:
        if plan.kind == StaffingPlan.Kind.SCENARIO:
            sections["scenarios"].append(plan)
        elif current is not None and plan.pk == current.pk:
            sections["current"].append(plan)
        elif plan.is_approved:
            sections["superseded"].append(plan)
        else:
            sections["drafts"].append(plan)
    return sections


def _count_on(by_date: dict[date, object], on: date | None) -> Decimal | None:
    """The exact count of a date that has a sum, None for no date or one without."""
    if on is None or on not in by_date:
        return None
    return exact_count(by_date[on])


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
    # Only the measures the chosen plans count (official statistics add several more).
    measures = {plan.statistics_measure for plan in chosen.values() if plan} | {Measure.CLIENTS}
    stat_rows = (
        ClientStatistic.objects.filter(
            municipality__memberships__pilot__in=pilots, measure__in=sorted(measures)
        )
        .values_list("municipality__memberships__pilot", "date", "measure")
        .annotate(total=Sum("value"))
        .order_by()
    )
    # The database's sums as they come: only the two a pilot shows are made exact counts
    # (every date's was, thousands at national scale).
    sums: dict[tuple[int, str], dict[date, object]] = defaultdict(dict)
    for pilot_id, on, measure, total in stat_rows:
        sums[pilot_id, measure][on] = total

    summaries = []
    for pilot in pilots:
        plan = chosen[pilot.pk]
        measure = plan.statistics_measure if plan else Measure.CLIENTS
        by_date = sums.get((pilot.pk, measure), {})
        dates = sorted(by_date, reverse=True)
        on = usable_statistics_date(pinned_date(plan) if plan else None, dates)
        earlier = [d for d in dates if on and d < on]
        previous = earlier[0] if earlier else None
        totals = line_totals.get(plan.pk) if plan else None
        fte = exact_fte(totals["fte"]) if totals else ZERO
        cw = exact_fte(totals["client_work_fte"]) if totals else ZERO
        clients = _count_on(by_date, on)
        summaries.append(
            PilotSummary(
                pilot=pilot,
                plan=plan,
                statistics_date=on,
                clients=clients,
                previous_date=previous,
                previous_clients=_count_on(by_date, previous),
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
