"""The client-count and pool table (seed 000, table 1): clients and shares of each
municipality and group, and each pool split by the source method beside largest remainder."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality, MunicipalityGroup

from ..reconciliation import share_percentage
from ..selectors.figures import PlanFigures
from ..selectors.pools import PoolSplit
from ..selectors.statistics import ZERO
from .cells import Cell, DeclaredIndex, Metric

#: Labels of the two check rows under the municipalities (translated by the page).
MEMBERS_SUM_LABEL = _("Sum of the municipalities' rounded shares (a group by its members)")
SHORTFALL_LABEL = _("Sum − pool: shortfall (−) or excess (+) of the rounded shares")


@dataclass(frozen=True)
class PoolCells:
    source: Cell
    largest_remainder: Cell
    # False in the shortfall row: its cells are each method's own miss, not to be subtracted.
    compared: bool = True

    @property
    def difference(self) -> Decimal | None:
        if not self.compared:
            return None
        if self.source.value is None or self.largest_remainder.value is None:
            return None
        return self.largest_remainder.value - self.source.value

    @property
    def methods_differ(self) -> bool:
        return bool(self.difference)


@dataclass(frozen=True)
class PoolRow:
    # "pilot", "municipality", "group" or "member"; then "members_sum" (every municipality's
    # rounded share, a group's members instead of the group) and "shortfall" (that sum − pool)
    kind: str
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
        if self.pools and not self.pools[0].compared:
            return None
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
    if splits:
        rows.extend(_check_rows(splits))
    return PoolTable(
        statistics_date=figures.statistics_date,
        measure=figures.plan.statistics_measure,
        splits=tuple(splits),
        rows=tuple(rows),
    )


def _pool_of(split: PoolSplit, apportionment) -> Decimal:
    """The pool the shares should add up to: rounded to the step as the source printed it."""
    if split.largest_remainder_pool is not None:
        return split.largest_remainder_pool
    return apportionment.pool


def _check_rows(splits: list[PoolSplit]) -> list[PoolRow]:
    """What the pilot row cannot show once the pilot has a group: the source method rounds the
    group's cell and each member's on their own, so the members' shares may add up to more or
    less than the pool (22,4 of 22,3) while the top-level cells add up to it."""

    def leaves(apportionment) -> Decimal | None:
        return None if apportionment is None else apportionment.leaves_total

    def miss(split, apportionment) -> Decimal | None:
        if apportionment is None:
            return None
        return apportionment.leaves_total - _pool_of(split, apportionment)

    def row(kind, label, value, compared) -> PoolRow:
        pools = tuple(
            PoolCells(
                source=Cell(value(split, split.source)),
                largest_remainder=Cell(value(split, split.largest_remainder)),
                compared=compared,
            )
            for split in splits
        )
        return PoolRow(
            kind=kind,
            label=str(label),
            municipality=None,
            group=None,
            clients=Cell(None),
            share=Cell(None),
            pools=pools,
            total_source=Cell(_sum(cells.source.value for cells in pools)),
            total_largest_remainder=Cell(_sum(cells.largest_remainder.value for cells in pools)),
        )

    return [
        row("members_sum", MEMBERS_SUM_LABEL, lambda _split, a: leaves(a), compared=True),
        row("shortfall", SHORTFALL_LABEL, miss, compared=False),
    ]
