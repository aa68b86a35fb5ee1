"""A plan's resource pools split over the pilot's municipalities and groups, by the source
documents' method and by largest remainder (`apportionment`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from municipalities.models import MunicipalityGroup

from .. import apportionment
from ..models import ResourcePool, StaffingPlan
from ..rounding import quantize
from .statistics import ZERO, PilotStructure, Statistics, counts_for


@dataclass(frozen=True)
class PoolSplit:
    """One pool divided by both methods over the pilot's municipalities and groups."""

    pool: ResourcePool
    source: apportionment.TreeApportionment | None
    largest_remainder: apportionment.TreeApportionment | None
    largest_remainder_pool: Decimal | None  # the pool Hamilton used (rounded when needed)
    error: apportionment.ApportionmentError | None = None
    pool_not_multiple: bool = False


def pilot_tree(
    structure: PilotStructure, clients: Mapping[int, Decimal]
) -> list[apportionment.Node]:
    """The pilot's municipalities and groups (with their members) weighted by clients."""
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


def plans_pools(plans: Iterable[StaffingPlan]) -> list[ResourcePool]:
    """The pools of plans in their order (one query), for `pool_splits` and
    `pool_splits_by_plan` to share."""
    return list(
        ResourcePool.objects.filter(plan__in=[plan.pk for plan in plans]).order_by(
            "position", "name"
        )
    )


def pool_splits(
    plan: StaffingPlan,
    *,
    structure: PilotStructure,
    clients: Mapping[int, Decimal],
    pools: Iterable[ResourcePool] | None = None,
) -> list[PoolSplit]:
    """Each pool of the plan split over the pilot's municipalities and groups (one query, none
    when `plans_pools` gave the pools)."""
    tree = pilot_tree(structure, clients)
    if pools is None:
        pools = ResourcePool.objects.filter(plan=plan).order_by("position", "name")
    return [split_pool(pool, tree) for pool in pools if pool.plan_id == plan.pk]


def pool_splits_by_plan(
    plans: Mapping[int, StaffingPlan],
    structure: PilotStructure,
    statistics: Statistics,
    pools: Iterable[ResourcePool] | None = None,
    known: Iterable[PoolSplit] = (),
) -> dict[int, PoolSplit]:
    """{pool id: split} for every pool of the pilot's plans that splits, in one query (none
    when `plans_pools` gave the pools). `known` are splits the caller has already made (the
    dashboard's plan's, by `pool_splits` from the same counts): they are not made again."""
    result = {}
    known_by_pool = {split.pool.pk: split for split in known}
    trees: dict[int, list[apportionment.Node]] = {}
    if pools is None:
        pools = ResourcePool.objects.filter(plan__in=list(plans)).order_by("position")
    for pool in pools:
        if pool.plan_id not in plans:
            continue
        split = known_by_pool.get(pool.pk)
        if split is None:
            tree = trees.get(pool.plan_id)
            if tree is None:
                clients = counts_for(plans[pool.plan_id], statistics)
                tree = trees[pool.plan_id] = pilot_tree(structure, clients)
            split = split_pool(pool, tree)
        if split.source is not None:
            result[pool.pk] = split
    return result
