"""Required capacity of a plan: the client-work FTE the law's meeting rhythm needs, per
serving unit and for the pilot, against the plan's client-work FTE, and a series over the
pilot's statistics dates. Two queries on top of ``plan_figures``: the pilot's statistics and
its rule sets.

The inputs are the stored measures (inflow, unemployed by duration band); what is missing is
derived by the pure ``required_capacity``, which lists each assumption. Where a pilot has
neither job seekers nor unemployed, its clients stand for the job seekers, listed as an
assumption too. A pilot's own rule set replaces the national one valid on the same date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.db.models import Q

from municipalities.models import Measure

from ..capacity import (
    Assumption,
    CapacityError,
    CapacityGap,
    CapacityResult,
    DerivationShares,
    Inputs,
    Measures,
    NoRuleSetError,
    Quantity,
    RuleSet,
    capacity_gap,
    required_capacity,
    rule_set_for,
)
from ..models import CapacityRuleSet
from .figures import PlanFigures
from .statistics import Statistics, pilot_statistics

#: The pure module's inputs and measures, each from one stored measure.
INPUT_MEASURES = {
    "inflow": Measure.INFLOW,
    "stock_under_3": Measure.UNEMPLOYED_UNDER_3,
    "stock_3_to_6": Measure.UNEMPLOYED_3_TO_6,
    "stock_over_6": Measure.UNEMPLOYED_OVER_6,
}
MEASURE_FIELDS = {
    "unemployed": Measure.UNEMPLOYED,
    "long_term_unemployed": Measure.LONG_TERM_UNEMPLOYED,
    "job_seekers": Measure.JOB_SEEKERS,
}
DEFAULT_SHARES = DerivationShares()
#: The pure calculation remembered by its arguments (frozen values: a changed count or rule
#: is another key): the series recomputes every statistics date on every page otherwise.
_required_capacity = lru_cache(maxsize=8192)(required_capacity)
CAPACITY_MEASURES = {*INPUT_MEASURES.values(), *MEASURE_FIELDS.values(), Measure.CLIENTS}


@dataclass(frozen=True)
class CapacityRow:
    """One serving unit or the pilot: the result and its gap, or why there is none."""

    label: str
    planned: Decimal
    result: CapacityResult | None
    gap: CapacityGap | None
    error: CapacityError | None
    assumptions: tuple[Assumption, ...]
    #: A serving unit's planned client-work FTE in its two parts: its own lines' and its share
    #: of the pilot-wide client-work FTE (`PlanFigures.units`, shared as for the caseloads).
    #: None for the pilot's row, whose planned FTE is all of it.
    own: Decimal | None = None
    shared: Decimal | None = None


@dataclass(frozen=True)
class SeriesPoint:
    date: date
    required: Quantity | None
    error: CapacityError | None


@dataclass(frozen=True)
class PlanCapacity:
    statistics_date: date | None
    #: The rule set applied and the date it was chosen for: the statistics date, or the first
    #: day of the first rule set when the statistics are older than any rule set.
    rules: RuleSet | None
    rules_month: date | None
    pilot: CapacityRow | None
    units: list[CapacityRow]
    series: list[SeriesPoint]
    error: CapacityError | None = None


def capacity_rule_sets(pilot) -> tuple[list[RuleSet], list[RuleSet]]:
    """The pilot's own rule sets and the national ones, as pure rule sets (one query)."""
    own: list[RuleSet] = []
    national: list[RuleSet] = []
    for row in CapacityRuleSet.objects.filter(Q(pilot=None) | Q(pilot=pilot)):
        (own if row.pilot_id else national).append(row.to_rule_set())
    return own, national


def rules_on(
    day: date, own: Sequence[RuleSet], national: Sequence[RuleSet]
) -> tuple[RuleSet, date]:
    """The rule set for ``day`` and the month it applies to; the pilot's own one first.

    Statistics older than every rule set take the first rule set from its first day.
    """
    for candidates in (own, national):
        if any(rules.valid_on(day) for rules in candidates):
            return rule_set_for(month=day, rule_sets=candidates), day
    later = sorted(r.valid_from for r in (*own, *national) if r.valid_from > day)
    if not later:
        raise NoRuleSetError(month=day)
    return rules_on(later[0], own, national)


def _total(statistics: Statistics, on: date, measure: str, members: Iterable[int]):
    """The members' sum of ``measure`` on ``on``; None unless every member has it."""
    counts = statistics.get((on, measure), {})
    members = list(members)
    if not members or any(member not in counts for member in members):
        return None
    return sum((counts[member] for member in members), Decimal(0))


def _required(statistics, on, members, rules, month, shares):
    def total(measure):
        return _total(statistics, on, measure, members)

    inputs = Inputs(month=month, **{name: total(m) for name, m in INPUT_MEASURES.items()})
    measures = Measures(**{name: total(m) for name, m in MEASURE_FIELDS.items()})
    extra: tuple[Assumption, ...] = ()
    clients = total(Measure.CLIENTS)
    no_base = measures.unemployed is None and measures.job_seekers is None
    if inputs.missing and no_base and clients is not None:
        measures = replace(measures, job_seekers=clients)
        extra = (Assumption("job_seekers_from_clients", clients, {"clients": clients}),)
    result = _required_capacity(inputs=inputs, rules=rules, measures=measures, shares=shares)
    return result, extra + result.assumptions


def _row(
    label, planned, statistics, on, members, rules, month, shares, *, own=None, shared=None
) -> CapacityRow:
    parts = {"own": own, "shared": shared}
    try:
        result, assumptions = _required(statistics, on, members, rules, month, shares)
    except CapacityError as error:
        return CapacityRow(label, planned, None, None, error, (), **parts)
    gap = capacity_gap(required=result.fte, planned=planned)
    return CapacityRow(label, planned, result, gap, None, assumptions, **parts)


def plan_capacity(
    figures: PlanFigures,
    *,
    adjust: Callable[[RuleSet], RuleSet] | None = None,
    shares: DerivationShares = DEFAULT_SHARES,
    statistics: Statistics | None = None,
) -> PlanCapacity:
    """Required vs planned client-work FTE of ``figures``' plan on its statistics date.

    ``adjust`` changes the stored rule set chosen for a date (a scenario's own assumptions);
    ``statistics`` are the pilot's, when the caller has loaded them already.
    """
    pilot = figures.plan.pilot
    if statistics is None:
        statistics = pilot_statistics(pilot)
    own, national = capacity_rule_sets(pilot)
    members = [m.pk for m in figures.structure.municipalities]

    def chosen(day: date) -> tuple[RuleSet, date]:
        stored, month = rules_on(day, own, national)
        return (stored if adjust is None else adjust(stored)), month

    series = []
    for day in sorted({on for on, measure in statistics if measure in CAPACITY_MEASURES}):
        try:
            day_rules, month = chosen(day)
            result, _assumptions = _required(statistics, day, members, day_rules, month, shares)
        except CapacityError as error:
            series.append(SeriesPoint(day, None, error))
        else:
            series.append(SeriesPoint(day, result.fte, None))

    on = figures.statistics_date
    if on is None:
        return PlanCapacity(None, None, None, None, [], series)
    try:
        applied, month = chosen(on)
    except CapacityError as error:
        return PlanCapacity(on, None, None, None, [], series, error)
    planned = figures.totals.total.client_work_fte
    args = (statistics, on)
    return PlanCapacity(
        statistics_date=on,
        rules=applied,
        rules_month=month,
        pilot=_row(str(pilot), planned, *args, members, applied, month, shares),
        units=[
            # A unit's clients also meet the pilot-wide staff: it is held against its own
            # client-work FTE plus its share of theirs, the comparable caseload's denominator.
            _row(
                unit.label,
                unit.total_client_work_fte,
                *args,
                [m.pk for m in unit.municipalities],
                applied,
                month,
                shares,
                own=unit.own_client_work_fte,
                shared=unit.shared_client_work_fte,
            )
            for unit in figures.units
        ],
        series=series,
    )
