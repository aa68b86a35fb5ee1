"""Declared figures from source documents against figures computed from line items.

Totals in the product are always computed; a total printed in a source document
is kept as a *declared* figure and compared here. A mismatch carries a cause
(code + Finnish message) so a coordinator sees why the document and the system
disagree instead of suspecting the system.

Pure Python, no Django: views translate the Finnish messages by ``code``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

from staffing.rounding import (
    CalculationError,
    exact_context,
    is_multiple,
    quantize,
    quotient,
    to_decimal,
)

__all__ = [
    "KINDS",
    "POOL_SHARES",
    "POOL_TOTAL",
    "ROUNDED_POOLS",
    "ROUNDED_SHARES",
    "SHARE",
    "SHARE_BASE",
    "SUM_DIFFERS",
    "SUM_OF_PARTS",
    "BaseFit",
    "Cause",
    "DeclaredNotAtPrecisionError",
    "MissingContextError",
    "Reconciliation",
    "ReconciliationError",
    "UnknownKindError",
    "reconcile",
    "reconcile_share",
    "share_percentage",
    "summary",
]

POOL_SHARES = "pool_shares"
SUM_OF_PARTS = "sum_of_parts"
POOL_TOTAL = "pool_total"
SHARE = "share"
KINDS = (POOL_SHARES, SUM_OF_PARTS, POOL_TOTAL, SHARE)


@dataclass(frozen=True)
class Cause:
    """Why a declared figure differs: a stable code and a Finnish default message."""

    code: str
    message: str


ROUNDED_SHARES = Cause("rounded_shares", "Pyöristetyt osuudet eivät summaudu pooliin")
SUM_DIFFERS = Cause("sum_differs", "Rivien summa poikkeaa ilmoitetusta yhteissummasta")
ROUNDED_POOLS = Cause("rounded_pools", "Yhteissumma on laskettu pyöristämättömistä pooleista")
SHARE_BASE = Cause("share_base", "Prosenttiosuus ei vastaa laskettua pohjaa")


class ReconciliationError(CalculationError):
    code: ClassVar[str] = "reconciliation_error"
    template: ClassVar[str] = "Lukuja ei voi verrata"


class UnknownKindError(ReconciliationError):
    code = "unknown_kind"
    template = "Tuntematon vertailun laji {kind}"


class MissingContextError(ReconciliationError):
    code = "missing_context"
    template = "Vertailulta {label} puuttuu tieto {name}"


class DeclaredNotAtPrecisionError(ReconciliationError):
    code = "declared_not_at_precision"
    template = "Ilmoitettu luku {declared} ei ole tarkkuudella {precision} esitetty"


@dataclass(frozen=True)
class BaseFit:
    """Whether a printed percentage fits value / base × 100 for one candidate base."""

    label: str
    base: Decimal
    percentage: Decimal | None  # None when the base is zero
    fits: bool


@dataclass(frozen=True)
class Reconciliation:
    """One declared figure against its computed counterpart.

    ``difference`` is computed − declared, unrounded. ``matches`` is True when the
    computed figure, rounded half-up to the declared figure's printed precision,
    equals the declared figure. ``cause`` is None when it matches.
    """

    label: str
    kind: str
    declared: Decimal
    computed: Decimal
    precision: Decimal
    difference: Decimal
    matches: bool
    cause: Cause | None
    base_fits: tuple[BaseFit, ...] = ()

    @property
    def computed_rounded(self) -> Decimal:
        """The computed figure as it would be printed beside the declared one."""
        return quantize(self.computed, step=self.precision, mode=ROUND_HALF_UP)

    @property
    def fitting_bases(self) -> tuple[str, ...]:
        """Labels of the alternative bases the printed percentage fits."""
        return tuple(fit.label for fit in self.base_fits if fit.fits)

    @property
    def fits_no_base(self) -> bool:
        """True when alternative bases were offered and the percentage fits none of them."""
        return bool(self.base_fits) and not self.fitting_bases


def _fits(computed: Decimal, *, declared: Decimal, precision: Decimal) -> bool:
    return quantize(computed, step=precision, mode=ROUND_HALF_UP) == declared


def share_percentage(*, value: Decimal | int, base: Decimal | int) -> Decimal:
    """value / base × 100 to 50 significant digits (88 / 1377 × 100 = 6,3907...)."""
    value = to_decimal(value, name="value")
    base = to_decimal(base, name="base")
    with exact_context(value):
        hundredfold = value * 100
    return quotient(hundredfold, base)


def _require(context: Mapping[str, Any] | None, name: str, *, label: str) -> Any:
    if context is None or name not in context:
        raise MissingContextError(label=label, name=name)
    return context[name]


def _pool_shares_cause(
    difference: Decimal, context: Mapping[str, Any] | None, *, label: str
) -> Cause:
    # Each of n independently rounded shares moves by at most step / 2, so a gap
    # within n × step / 2 is explained by rounding alone; a larger one is not.
    n_parts = _require(context, "n_parts", label=label)
    if isinstance(n_parts, bool) or not isinstance(n_parts, int) or n_parts < 0:
        raise TypeError(f"n_parts must be a non-negative int, got {n_parts!r}")
    step = to_decimal(_require(context, "step", label=label), name="step")
    with exact_context(step, difference):
        tolerance = n_parts * step / 2
    return ROUNDED_SHARES if abs(difference) <= tolerance else SUM_DIFFERS


def _pool_total_cause(
    context: Mapping[str, Any] | None, *, declared: Decimal, precision: Decimal
) -> Cause:
    # With the unrounded pools at hand the explanation can be checked, not just assumed.
    if context is None or "unrounded_pools" not in context:
        return ROUNDED_POOLS
    pools = [to_decimal(pool, name="unrounded_pools") for pool in context["unrounded_pools"]]
    with exact_context(*pools):
        unrounded_total = sum(pools, Decimal(0))
    if _fits(unrounded_total, declared=declared, precision=precision):
        return ROUNDED_POOLS
    return SUM_DIFFERS


def _base_fits(
    context: Mapping[str, Any] | None, *, label: str, declared: Decimal, precision: Decimal
) -> tuple[BaseFit, ...]:
    if context is None or not context.get("bases"):
        return ()
    value = _require(context, "value", label=label)
    fits = []
    for base_label, base in context["bases"].items():
        base = to_decimal(base, name=f"bases[{base_label!r}]")
        if base == 0:
            fits.append(BaseFit(str(base_label), base, None, False))
            continue
        percentage = share_percentage(value=value, base=base)
        fits.append(
            BaseFit(
                str(base_label),
                base,
                percentage,
                _fits(percentage, declared=declared, precision=precision),
            )
        )
    return tuple(fits)


def reconcile(
    *,
    label: str,
    declared: Decimal | int,
    computed: Decimal | int,
    precision: Decimal,
    kind: str,
    context: Mapping[str, Any] | None = None,
) -> Reconciliation:
    """Compare a printed figure with the one computed from line items.

    ``precision`` is how the declared figure was printed (Decimal("0.1") for
    "6,3 %", Decimal("1") for "48 %", Decimal("0.01") for 7,55). ``context`` by kind:

    * ``pool_shares``: ``n_parts`` and ``step``; a gap within n_parts × step / 2
      is put down to rounding ("rounded_shares"), a larger one is "sum_differs".
    * ``sum_of_parts``: nothing; a mismatch is "sum_differs".
    * ``pool_total``: optional ``unrounded_pools``; if their sum does not round to
      the declared total either, the cause is "sum_differs", else "rounded_pools".
    * ``share``: optional ``value`` and ``bases`` ({label: base}); every base is
      tried, so the result can say that a percentage fits neither base.
    """
    if kind not in KINDS:
        raise UnknownKindError(kind=kind)
    declared = to_decimal(declared, name="declared")
    computed = to_decimal(computed, name="computed")
    precision = to_decimal(precision, name="precision")
    if not is_multiple(declared, step=precision):
        raise DeclaredNotAtPrecisionError(declared=declared, precision=precision)
    with exact_context(computed, declared):
        difference = computed - declared
    matches = _fits(computed, declared=declared, precision=precision)

    base_fits: tuple[BaseFit, ...] = ()
    if kind == SHARE:
        base_fits = _base_fits(context, label=label, declared=declared, precision=precision)

    cause: Cause | None = None
    if not matches:
        if kind == POOL_SHARES:
            cause = _pool_shares_cause(difference, context, label=label)
        elif kind == SUM_OF_PARTS:
            cause = SUM_DIFFERS
        elif kind == POOL_TOTAL:
            cause = _pool_total_cause(context, declared=declared, precision=precision)
        else:
            cause = SHARE_BASE

    return Reconciliation(
        label=label,
        kind=kind,
        declared=declared,
        computed=computed,
        precision=precision,
        difference=difference,
        matches=matches,
        cause=cause,
        base_fits=base_fits,
    )


def reconcile_share(
    *,
    label: str,
    declared: Decimal | int,
    value: Decimal | int,
    base: Decimal | int,
    precision: Decimal,
    bases: Mapping[str, Decimal | int] | None = None,
) -> Reconciliation:
    """A printed percentage against value / base × 100, trying the alternative ``bases`` too."""
    return reconcile(
        label=label,
        declared=declared,
        computed=share_percentage(value=value, base=base),
        precision=precision,
        kind=SHARE,
        context={"value": value, "bases": dict(bases or {})},
    )


def summary(reconciliations: Iterable[Reconciliation]) -> list[Reconciliation]:
    """Only the mismatches, in their original order: what a steering-group page lists."""
    return [item for item in reconciliations if not item.matches]
