"""A pilot's structure and client statistics: members, groups, counts and their dates.

The number of queries does not depend on the number of municipalities or dates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from municipalities.models import (
    ClientStatistic,
    Municipality,
    MunicipalityGroup,
    Pilot,
    PilotMembership,
    PilotStatistic,
)

from ..models import StaffingPlan

ZERO = Decimal(0)
FTE_EXPONENT = Decimal("0.01")
COUNT_EXPONENT = Decimal("1")

#: {(date, measure): {municipality id: count}}
Statistics = dict[tuple[date, str], dict[int, Decimal]]


def exact_fte(value) -> Decimal:
    """A database sum of FTE back to an exact Decimal: SQLite sums decimals as floats, so
    20,9 arrives as 20.900000000000002; FTE has two decimals, so this is exact."""
    return ZERO if value is None else Decimal(value).quantize(FTE_EXPONENT)


def exact_count(value) -> Decimal:
    return ZERO if value is None else Decimal(value).quantize(COUNT_EXPONENT)


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
    """Three queries: the members, the groups, and which members each group has."""
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
    """The one rule for which counts a plan uses: its pinned date when counts exist on it,
    otherwise the newest date that has counts (the pages show which date was used)."""
    available = set(available)
    if plan_date in available:
        return plan_date
    return max(available, default=None)


def pinned_date(plan: StaffingPlan) -> date | None:
    """The date a plan is pinned to: a draft's (or a submitted draft's) own statistics date.
    An approved plan follows the latest counts; the counts it was approved with are kept
    apart (`approved_statistics_date`)."""
    return None if plan.is_approved else plan.statistics_date


def plan_statistics_date(plan: StaffingPlan) -> date | None:
    """The plan's statistics date by `usable_statistics_date` (one query)."""
    return usable_statistics_date(
        pinned_date(plan), statistics_dates(plan.pilot, plan.statistics_measure)
    )


def plan_counts(plan: StaffingPlan) -> tuple[date | None, dict[int, Decimal]]:
    """The counts a plan uses (one query: every date of its measure, newest first)."""
    by_date = measure_counts(plan.pilot, plan.statistics_measure)
    on = usable_statistics_date(pinned_date(plan), by_date)
    return on, by_date.get(on, {}) if on else {}


def measure_counts(pilot: Pilot, measure: str) -> dict[date, dict[int, Decimal]]:
    """{date: {municipality id: count}} of one measure for the pilot's members (one query)."""
    rows = ClientStatistic.objects.filter(
        municipality__memberships__pilot=pilot, measure=measure
    ).values_list("date", "municipality_id", "value")
    result: dict[date, dict[int, Decimal]] = defaultdict(dict)
    for on, municipality_id, value in rows:
        result[on][municipality_id] = value
    return dict(result)


def pilot_statistics(pilot: Pilot) -> Statistics:
    """Every count of the pilot's members on every date and measure (one query)."""
    rows = ClientStatistic.objects.filter(municipality__memberships__pilot=pilot).values_list(
        "date", "measure", "municipality_id", "value"
    )
    result: Statistics = defaultdict(dict)
    for on, measure, municipality_id, value in rows:
        result[(on, measure)][municipality_id] = value
    return result


def counts_for(plan: StaffingPlan, statistics: Statistics) -> dict[int, Decimal]:
    """A plan's counts from the pilot's preloaded statistics, by `usable_statistics_date`."""
    measure = plan.statistics_measure
    on = usable_statistics_date(pinned_date(plan), (d for d, m in statistics if m == measure))
    return statistics.get((on, measure), {}) if on else {}


def counts_on(plan: StaffingPlan, statistics: Statistics) -> tuple[date | None, dict[int, Decimal]]:
    """`plan_counts` from the pilot's preloaded statistics (no query): the date used and the
    counts on it."""
    measure = plan.statistics_measure
    on = usable_statistics_date(pinned_date(plan), (d for d, m in statistics if m == measure))
    return on, dict(statistics.get((on, measure), {})) if on else {}


def totals_by_date(statistics: Statistics, measure: str) -> list[tuple[date, Decimal]]:
    """`client_totals_by_date` from the pilot's preloaded statistics (no query)."""
    return sorted(
        (on, exact_count(sum(counts.values(), ZERO)))
        for (on, kind), counts in statistics.items()
        if kind == measure
    )


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
