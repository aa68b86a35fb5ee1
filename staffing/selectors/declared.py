"""Declared figures (what the source documents printed) against their computed counterparts,
in a constant number of queries: plans, lines, statistics, pools and figures are each fetched
once, whatever their number."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from municipalities.models import Measure, Pilot, PilotStatistic

from .. import reconciliation
from ..caseload import caseload
from ..models import DeclaredFigure, ResourcePool, StaffingPlan
from ..rounding import quantize
from .pools import PoolSplit, pool_splits_by_plan
from .statistics import (
    ZERO,
    PilotStructure,
    Statistics,
    counts_for,
    pilot_statistics,
    pilot_structure,
)
from .totals import Figures, PlanTotals, plans_totals


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


def reconcile_pilot(
    pilot: Pilot,
    *,
    structure: PilotStructure | None = None,
    plans: Iterable[StaffingPlan] | None = None,
    statistics: Statistics | None = None,
    pilot_stats: Iterable[PilotStatistic] | None = None,
    totals: Mapping[int, PlanTotals] | None = None,
    pools: Iterable[ResourcePool] | None = None,
    splits: Iterable[PoolSplit] = (),
) -> list[ReconciledFigure]:
    """Every declared figure of the pilot against its computed counterpart, in a constant
    number of queries (plans, lines, statistics, pools, figures: each fetched once); when the
    pilot declares no figures, only those and its statistics. A caller that has loaded the
    pilot's structure, plans, statistics, pilot-level statistics, plan totals or pools passes
    them: then the declared figures are the one query, and nothing else is computed when
    there are none; `splits` are pool splits it has made already (`pool_splits_by_plan`)."""
    # Their plan is never shown (its id is enough): only what a figure's row names is joined.
    figures = list(
        DeclaredFigure.objects.filter(pilot=pilot).select_related(
            "organisation", "municipality", "group", "pool"
        )
    )
    if pilot_stats is None:
        pilot_stats = list(PilotStatistic.objects.filter(pilot=pilot).select_related("pilot"))
    for statistic in pilot_stats:
        statistic.pilot = pilot  # their labels name the pilot: no query each
    if not figures:
        # Nothing to compare with the plans: at most pilot-level counts against their sums.
        counts = [s for s in pilot_stats if s.unit == PilotStatistic.Unit.COUNT]
        if not counts:
            return []
        return _reconcile_pilot_statistics(counts, statistics or pilot_statistics(pilot))
    structure = structure or pilot_structure(pilot)
    if plans is None:
        plans = StaffingPlan.objects.filter(pilot=pilot)
    plans = {plan.pk: plan for plan in plans}
    totals = plans_totals(plans) if totals is None else totals
    stats = pilot_statistics(pilot) if statistics is None else statistics
    splits = pool_splits_by_plan(plans, structure, stats, pools, known=splits)
    results = []
    for figure in figures:
        result = _reconcile_one(figure, structure, plans, totals, stats, pilot_stats, splits)
        if result is not None:
            results.append(ReconciledFigure(figure, result))
    results.extend(_reconcile_pilot_statistics(pilot_stats, stats))
    return results


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
        clients = counts_for(plans[figure.plan_id], stats)
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
