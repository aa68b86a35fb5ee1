"""The home page's overview: each pilot's plan in force and its headline figures, in a fixed
number of queries whatever the number of pilots."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    DateField,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)

from municipalities.models import ClientStatistic, Measure, Pilot, PilotMembership

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


Counts = tuple[date | None, Decimal | None, date | None, Decimal | None]


def shown_counts(wanted: dict[int, tuple[str, date | None]]) -> dict[int, Counts]:
    """For each pilot, `wanted[pilot id]` = (its measure, its plan's pinned date or None): the
    date its summary uses (`usable_statistics_date`: the pinned date when it has counts, else
    the newest), the pilot's total on it, the date before it that has counts and that total.

    One row per member municipality, whatever the number of dates: the index of counts
    (municipality, measure, date) gives each member's two newest dates and counts, and, for
    pilots pinned to a date (a second query, only when there are any), its count on that date
    and its newest date and count before it. A pilot's date is its members' newest; the date
    before it is the newest of its members' dates before it, and a member with a count on
    that date has it among these. (Summing every date of every pilot to keep two of them read
    17 580 counts at national scale on every home page.)"""
    if not wanted:
        return {}
    measures = sorted({measure for measure, _on in wanted.values()})
    newest_two = {}
    for index, measure in enumerate(measures):
        # A member's row runs the subqueries of its own pilot's measure only (CASE), when the
        # pilots use more than one.
        of_measure = [pk for pk, (its_measure, _on) in wanted.items() if its_measure == measure]
        for rank in (0, 1):
            counts = ClientStatistic.objects.filter(
                municipality=OuterRef("municipality"), measure=measure
            ).order_by("-date")[rank : rank + 1]
            for name in ("date", "value"):
                newest = Subquery(counts.values(name))
                if len(measures) > 1:
                    field = ClientStatistic._meta.get_field(name)
                    newest = Case(When(pilot_id__in=of_measure, then=newest), output_field=field)
                newest_two[f"{name}_{index}_{rank}"] = newest
    # {pilot id: [(date, count) of each member's newest two, of the pilot's measure]}
    dated: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    rows = PilotMembership.objects.filter(pilot__in=list(wanted)).order_by()
    for row in rows.annotate(**newest_two).values("pilot_id", *newest_two):
        index = measures.index(wanted[row["pilot_id"]][0])
        for rank in (0, 1):
            on = row[f"date_{index}_{rank}"]
            if on is not None:
                dated[row["pilot_id"]].append((on, row[f"value_{index}_{rank}"]))

    pinned = {
        pk: (measure, on) for pk, (measure, on) in wanted.items() if on is not None and pk in dated
    }
    on_pinned = _pinned_counts(pinned) if pinned else {}
    result = {}
    for pk, counts in dated.items():
        newest = max(on for on, _value in counts)
        on = usable_statistics_date(wanted[pk][1], {newest, *on_pinned.get(pk, {})})
        if on != newest:
            result[pk] = on_pinned[pk][on]
            continue
        before = max((d for d, _value in counts if d < on), default=None)
        result[pk] = (
            on,
            exact_count(sum(value for d, value in counts if d == on)),
            before,
            None if before is None else exact_count(sum(v for d, v in counts if d == before)),
        )
    return result


def _pinned_counts(pinned: dict[int, tuple[str, date]]) -> dict[int, dict[date, Counts]]:
    """`shown_counts` of pilots pinned to a date ({pilot id: (measure, date)}), for those whose
    members have counts on it: {pilot id: {the date: its counts}} (one query)."""

    def per_pilot(values, field):
        return Case(
            *(When(pilot_id=pk, then=Value(value)) for pk, value in values.items()),
            output_field=field,
        )

    counts = ClientStatistic.objects.filter(
        municipality=OuterRef("municipality"), measure=OuterRef("pinned_measure")
    )
    on_date = counts.filter(date=OuterRef("pinned_date")).order_by()  # one row: no sort
    before = counts.filter(date__lt=OuterRef("pinned_date")).order_by("-date")[:1]
    rows = (
        PilotMembership.objects.filter(pilot__in=list(pinned))
        .order_by()
        .annotate(
            pinned_measure=per_pilot({pk: m for pk, (m, _on) in pinned.items()}, CharField()),
            pinned_date=per_pilot({pk: on for pk, (_m, on) in pinned.items()}, DateField()),
        )
        .annotate(
            value=Subquery(on_date.values("value")[:1]),
            before=Subquery(before.values("date")),
            before_value=Subquery(before.values("value")),
        )
        .values_list("pilot_id", "value", "before", "before_value")
    )
    members: dict[int, list] = defaultdict(list)
    for pk, value, member_before, before_value in rows:
        members[pk].append((value, member_before, before_value))
    result = {}
    for pk, counts_of in members.items():
        values = [value for value, _d, _v in counts_of if value is not None]
        if not values:
            continue  # no counts on the pinned date: the pilot's newest counts are used
        on = pinned[pk][1]
        previous = max((d for _value, d, _v in counts_of if d is not None), default=None)
        result[pk] = {
            on: (
                on,
                exact_count(sum(values)),
                previous,
                None
                if previous is None
                else exact_count(sum(v for _value, d, v in counts_of if d == previous)),
            )
        }
    return result


def pilot_summaries(pilots: Iterable[Pilot], *, today: date | None = None) -> list[PilotSummary]:
    """Headline figures for many pilots in four queries whatever their number and their
    dates, and one more when a plan is pinned to a date (`shown_counts`)."""
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
    counts = shown_counts(
        {
            pk: (plan.statistics_measure, pinned_date(plan)) if plan else (Measure.CLIENTS, None)
            for pk, plan in chosen.items()
        }
    )

    summaries = []
    for pilot in pilots:
        plan = chosen[pilot.pk]
        on, clients, previous, previous_clients = counts.get(pilot.pk, (None, None, None, None))
        totals = line_totals.get(plan.pk) if plan else None
        fte = exact_fte(totals["fte"]) if totals else ZERO
        cw = exact_fte(totals["client_work_fte"]) if totals else ZERO
        summaries.append(
            PilotSummary(
                pilot=pilot,
                plan=plan,
                statistics_date=on,
                clients=clients,
                previous_date=previous,
                previous_clients=previous_clients,
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
