"""Dividing a pooled FTE resource among municipalities in proportion to their clients.

Two methods sit side by side on purpose:

* ``largest_remainder`` (Hamilton) is what the product recommends: the parts
  always add up to the pool exactly.
* ``round_each_half_up`` is what the source documents did: every share is
  rounded on its own, so the parts may miss the pool by a step or more. It is
  kept so that a seed table can be reproduced cell by cell and the lost 0,1 shown.

Pure Python, no Django: views translate the Finnish messages by ``code``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar

from staffing.rounding import (
    DEFAULT_STEP,
    CalculationError,
    exact_context,
    is_multiple,
    quantize_ratio,
    quotient,
    to_decimal,
)

__all__ = [
    "LARGEST_REMAINDER",
    "METHODS",
    "ROUND_EACH_HALF_UP",
    "Apportionment",
    "ApportionmentError",
    "DuplicateKeyError",
    "EmptyWeightsError",
    "GroupWeightMismatchError",
    "MissingWeightError",
    "NegativePoolError",
    "NegativeWeightError",
    "Node",
    "NonPositiveStepError",
    "PoolNotMultipleOfStepError",
    "Share",
    "TreeApportionment",
    "TreeShare",
    "UnknownMethodError",
    "ZeroTotalWeightError",
    "apportion",
    "apportion_tree",
    "largest_remainder",
    "round_each_half_up",
]

LARGEST_REMAINDER = "largest_remainder"
ROUND_EACH_HALF_UP = "round_each_half_up"
METHODS = (LARGEST_REMAINDER, ROUND_EACH_HALF_UP)


# --- errors ---------------------------------------------------------------------------------


class ApportionmentError(CalculationError):
    code: ClassVar[str] = "apportionment_error"
    template: ClassVar[str] = "Poolia ei voi jakaa"


class NonPositiveStepError(ApportionmentError):
    code = "non_positive_step"
    template = "Pyöristysaskeleen on oltava positiivinen, nyt {step}"


class NegativePoolError(ApportionmentError):
    code = "negative_pool"
    template = "Pooli ei voi olla negatiivinen, nyt {pool}"


class PoolNotMultipleOfStepError(ApportionmentError):
    code = "pool_not_multiple_of_step"
    template = "Pooli {pool} ei ole askeleen {step} monikerta"


class EmptyWeightsError(ApportionmentError):
    code = "empty_weights"
    template = "Jaettavia osia ei ole"


class NegativeWeightError(ApportionmentError):
    code = "negative_weight"
    template = "Osan {key} paino ei voi olla negatiivinen, nyt {weight}"


class ZeroTotalWeightError(ApportionmentError):
    code = "zero_total_weight"
    template = "Kaikkien osien paino on nolla, joten poolia {pool} ei voi jakaa"


class DuplicateKeyError(ApportionmentError):
    code = "duplicate_key"
    template = "Osan tunniste {key} esiintyy useammin kuin kerran"


class MissingWeightError(ApportionmentError):
    code = "missing_weight"
    template = "Osalla {key} ei ole painoa eikä jäseniä"


class GroupWeightMismatchError(ApportionmentError):
    code = "group_weight_mismatch"
    template = "Ryhmän {key} paino {weight} ei vastaa jäsenten painojen summaa {members}"


class UnknownMethodError(ApportionmentError):
    code = "unknown_method"
    template = "Tuntematon jakotapa {method}"


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """One part of a split: its weight, its exact quota and the rounded part it got.

    ``quota`` is weight / total weight × pool to 50 significant digits; it is
    there to show how far rounding moved each part.
    """

    key: Hashable
    weight: Decimal
    quota: Decimal
    part: Decimal


@dataclass(frozen=True)
class Apportionment:
    """A pool split among parts; ``shares`` keep the input order."""

    pool: Decimal
    step: Decimal
    method: str
    shares: tuple[Share, ...]

    @property
    def total(self) -> Decimal:
        return sum((share.part for share in self.shares), Decimal(0))

    @property
    def difference(self) -> Decimal:
        """total − pool: always zero for largest remainder, often not for round-each."""
        return self.total - self.pool

    def parts(self) -> dict[Hashable, Decimal]:
        return {share.key: share.part for share in self.shares}

    def share_for(self, key: Hashable) -> Share:
        for share in self.shares:
            if share.key == key:
                return share
        raise KeyError(key)


@dataclass(frozen=True)
class Node:
    """A municipality (leaf, has a weight) or a group of them (has children).

    A group's weight defaults to the sum of its children's; if given it must equal
    that sum, so that a typed-in subtotal cannot silently disagree with its rows.
    """

    key: Hashable
    weight: Decimal | int | None = None
    children: Sequence[Node] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", tuple(self.children))


@dataclass(frozen=True)
class TreeShare:
    """A node's rounded cell and, for a group, its members' cells.

    For a group, ``part`` is the group's own rounded cell and ``members_total`` the
    sum of its members' cells. Largest remainder makes them equal; the source
    documents' method rounds each cell independently and they may differ.
    """

    key: Hashable
    weight: Decimal
    quota: Decimal
    part: Decimal
    children: tuple[TreeShare, ...] = ()

    @property
    def is_group(self) -> bool:
        return bool(self.children)

    @property
    def members_total(self) -> Decimal | None:
        if not self.children:
            return None
        return sum((child.part for child in self.children), Decimal(0))

    @property
    def members_difference(self) -> Decimal | None:
        """members_total − part; None for a leaf."""
        members_total = self.members_total
        return None if members_total is None else members_total - self.part


@dataclass(frozen=True)
class TreeApportionment:
    """A pool split over a pilot → group → member tree; ``shares`` are the top level."""

    pool: Decimal
    step: Decimal
    method: str
    shares: tuple[TreeShare, ...]

    @property
    def total(self) -> Decimal:
        """Sum of the top-level cells (a group counts with its own cell)."""
        return sum((share.part for share in self.shares), Decimal(0))

    @property
    def difference(self) -> Decimal:
        return self.total - self.pool

    @property
    def leaves_total(self) -> Decimal:
        """Sum of the rounded cells of the municipalities, each group by its members.

        Largest remainder makes it equal to ``total``; rounding every cell half-up may
        not (top-level cells 6,8 + 15,5 = 22,3, but members 6,8 + 6,8 + 8,8 = 22,4).
        """
        return sum((share.part for _depth, share in self.walk() if not share.is_group), Decimal(0))

    def walk(self) -> Iterator[tuple[int, TreeShare]]:
        """Every node with its depth (0 = top level), parents before children."""

        def visit(shares: tuple[TreeShare, ...], depth: int) -> Iterator[tuple[int, TreeShare]]:
            for share in shares:
                yield depth, share
                yield from visit(share.children, depth + 1)

        return visit(self.shares, 0)

    def share_for(self, key: Hashable) -> TreeShare:
        for _depth, share in self.walk():
            if share.key == key:
                return share
        raise KeyError(key)


# --- validation -----------------------------------------------------------------------------


def _validate_step(step: object) -> Decimal:
    step = to_decimal(step, name="step")
    if step <= 0:
        raise NonPositiveStepError(step=step)
    return step


def _validate_pool(pool: object) -> Decimal:
    pool = to_decimal(pool, name="pool")
    if pool < 0:
        raise NegativePoolError(pool=pool)
    return pool


def _validate_weights(
    weights: Mapping[Hashable, Decimal | int], *, pool: Decimal
) -> list[tuple[Hashable, Decimal]]:
    items = [(key, to_decimal(weight, name=f"weight[{key!r}]")) for key, weight in weights.items()]
    if not items:
        raise EmptyWeightsError()
    seen: set[str] = set()
    for key, weight in items:
        if weight < 0:
            raise NegativeWeightError(key=key, weight=weight)
        # Ties are broken on str(key); two keys printing alike would make that order-dependent.
        if str(key) in seen:
            raise DuplicateKeyError(key=key)
        seen.add(str(key))
    if pool > 0 and all(weight == 0 for _key, weight in items):
        raise ZeroTotalWeightError(pool=pool)
    return items


def _total(weights: list[tuple[Hashable, Decimal]]) -> Decimal:
    values = [weight for _key, weight in weights]
    with exact_context(*values):
        return sum(values, Decimal(0))


def _quota(weight: Decimal, total: Decimal, pool: Decimal) -> Decimal:
    if total == 0:
        return Decimal(0)
    with exact_context(weight, pool):
        numerator = weight * pool
    return quotient(numerator, total)


# --- the two methods ------------------------------------------------------------------------


def _largest_remainder_shares(
    items: list[tuple[Hashable, Decimal]], *, pool: Decimal, step: Decimal
) -> tuple[Share, ...]:
    total = _total(items)
    if total == 0:  # only reachable with a zero pool
        return tuple(Share(key, weight, Decimal(0), 0 * step) for key, weight in items)
    with exact_context(pool, step, total, *(weight for _key, weight in items)) as context:
        steps_in_pool = context.divide_int(pool, step)
        # Quota in steps = weight × steps_in_pool / total; integer part and exact remainder.
        # All remainders share the denominator `total`, so comparing them is exact.
        floors_and_remainders = [divmod(weight * steps_in_pool, total) for _key, weight in items]
        leftover = steps_in_pool - sum((whole for whole, _rest in floors_and_remainders), 0)
        # Negated inside the exact context so that huge figures are not rounded by the sort key.
        sort_keys = [
            (-rest, -weight, str(key))
            for (key, weight), (_whole, rest) in zip(items, floors_and_remainders, strict=True)
        ]
    ranking = sorted(range(len(items)), key=sort_keys.__getitem__)
    extra = set(ranking[: int(leftover)])
    shares = []
    for index, (key, weight) in enumerate(items):
        whole = floors_and_remainders[index][0] + (1 if index in extra else 0)
        with exact_context(whole, step):
            part = whole * step
        shares.append(Share(key, weight, _quota(weight, total, pool), part))
    return tuple(shares)


def largest_remainder(
    *, pool: Decimal, weights: Mapping[Hashable, Decimal | int], step: Decimal = DEFAULT_STEP
) -> Apportionment:
    """Split ``pool`` by the largest-remainder (Hamilton) method, so parts sum exactly to it.

    Each part first gets its quota rounded down to the step; the steps left over go
    one each to the parts with the largest remainders. Ties are broken
    deterministically and independently of input order: larger remainder first,
    then larger weight, then smaller ``str(key)``. A pool that is not a multiple of
    ``step`` is refused rather than silently bent. A zero weight gets a zero part.
    """
    step = _validate_step(step)
    pool = _validate_pool(pool)
    items = _validate_weights(weights, pool=pool)
    if not is_multiple(pool, step=step):
        raise PoolNotMultipleOfStepError(pool=pool, step=step)
    return Apportionment(
        pool=pool,
        step=step,
        method=LARGEST_REMAINDER,
        shares=_largest_remainder_shares(items, pool=pool, step=step),
    )


def _round_each_shares(
    items: list[tuple[Hashable, Decimal]], *, pool: Decimal, step: Decimal, total: Decimal
) -> tuple[Share, ...]:
    shares = []
    for key, weight in items:
        if total == 0:
            quota, part = Decimal(0), 0 * step
        else:
            with exact_context(weight, pool):
                numerator = weight * pool
            quota = quotient(numerator, total)
            part = quantize_ratio(
                numerator=numerator, denominator=total, step=step, mode=ROUND_HALF_UP
            )
        shares.append(Share(key, weight, quota, part))
    return tuple(shares)


def round_each_half_up(
    *, pool: Decimal, weights: Mapping[Hashable, Decimal | int], step: Decimal = DEFAULT_STEP
) -> Apportionment:
    """Split ``pool`` the way the source documents did: round every share half-up on its own.

    share = ROUND_HALF_UP(weight / total weight × pool) to ``step``, computed exactly
    (138 / 2622 × 2,85 is exactly 0,15 and becomes 0,2). The parts need not sum to
    the pool, and the pool need not be a multiple of the step (the seed's 11,35).
    """
    step = _validate_step(step)
    pool = _validate_pool(pool)
    items = _validate_weights(weights, pool=pool)
    return Apportionment(
        pool=pool,
        step=step,
        method=ROUND_EACH_HALF_UP,
        shares=_round_each_shares(items, pool=pool, step=step, total=_total(items)),
    )


def apportion(
    *,
    pool: Decimal,
    weights: Mapping[Hashable, Decimal | int],
    step: Decimal = DEFAULT_STEP,
    method: str = LARGEST_REMAINDER,
) -> Apportionment:
    """Dispatch on a method name, for callers that let the user choose."""
    if method == LARGEST_REMAINDER:
        return largest_remainder(pool=pool, weights=weights, step=step)
    if method == ROUND_EACH_HALF_UP:
        return round_each_half_up(pool=pool, weights=weights, step=step)
    raise UnknownMethodError(method=method)


# --- trees ----------------------------------------------------------------------------------


def _node_weights(nodes: Sequence[Node], seen: set[str]) -> list[tuple[Node, Decimal]]:
    """Resolve every node's weight bottom-up and check that keys are unique in the tree."""
    resolved = []
    for node in nodes:
        if not isinstance(node, Node):
            raise TypeError(f"tree: expected Node, got {type(node).__name__}")
        if str(node.key) in seen:
            raise DuplicateKeyError(key=node.key)
        seen.add(str(node.key))
        if node.children:
            members = _total(
                [(child.key, weight) for child, weight in _node_weights(node.children, seen)]
            )
            if node.weight is None:
                weight = members
            else:
                weight = to_decimal(node.weight, name=f"weight[{node.key!r}]")
                if weight != members:
                    raise GroupWeightMismatchError(key=node.key, weight=weight, members=members)
        elif node.weight is None:
            raise MissingWeightError(key=node.key)
        else:
            weight = to_decimal(node.weight, name=f"weight[{node.key!r}]")
        if weight < 0:
            raise NegativeWeightError(key=node.key, weight=weight)
        resolved.append((node, weight))
    return resolved


def _weights_of(nodes: Sequence[Node]) -> dict[Hashable, Decimal]:
    return {node.key: weight for node, weight in _node_weights(nodes, set())}


def _tree_largest_remainder(
    nodes: Sequence[Node], *, pool: Decimal, step: Decimal
) -> tuple[TreeShare, ...]:
    level = largest_remainder(pool=pool, weights=_weights_of(nodes), step=step)
    result = []
    for node, share in zip(nodes, level.shares, strict=True):
        children: tuple[TreeShare, ...] = ()
        if node.children:
            children = _tree_largest_remainder(node.children, pool=share.part, step=step)
        result.append(TreeShare(share.key, share.weight, share.quota, share.part, children))
    return tuple(result)


def _tree_round_each(
    nodes: Sequence[Node], *, pool: Decimal, step: Decimal, total: Decimal
) -> tuple[TreeShare, ...]:
    level = _round_each_shares(list(_weights_of(nodes).items()), pool=pool, step=step, total=total)
    result = []
    for node, share in zip(nodes, level, strict=True):
        children: tuple[TreeShare, ...] = ()
        if node.children:
            children = _tree_round_each(node.children, pool=pool, step=step, total=total)
        result.append(TreeShare(share.key, share.weight, share.quota, share.part, children))
    return tuple(result)


def apportion_tree(
    *,
    pool: Decimal,
    tree: Sequence[Node],
    step: Decimal = DEFAULT_STEP,
    method: str = LARGEST_REMAINDER,
) -> TreeApportionment:
    """Split ``pool`` over a tree of groups and members.

    ``largest_remainder`` works level by level: the pool goes to the top-level
    nodes, then each group's part to its members, so every group's part equals the
    sum of its members' parts exactly.

    ``round_each_half_up`` follows the source documents instead: every cell, group
    or member, is round_half_up(weight / total top-level weight × pool) computed
    directly from the pilot pool, never from the rounded group part. A group's own
    cell (``part``) and its members' sum (``members_total``) are therefore kept
    apart and may differ.
    """
    step = _validate_step(step)
    pool = _validate_pool(pool)
    tree = tuple(tree)
    top_weights = _weights_of(tree)  # validates the whole tree first
    items = _validate_weights(top_weights, pool=pool)
    if method == LARGEST_REMAINDER:
        if not is_multiple(pool, step=step):
            raise PoolNotMultipleOfStepError(pool=pool, step=step)
        shares = _tree_largest_remainder(tree, pool=pool, step=step)
    elif method == ROUND_EACH_HALF_UP:
        shares = _tree_round_each(tree, pool=pool, step=step, total=_total(items))
    else:
        raise UnknownMethodError(method=method)
    return TreeApportionment(pool=pool, step=step, method=method, shares=shares)
