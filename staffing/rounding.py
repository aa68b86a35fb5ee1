"""The one place where staffing figures are rounded and divided.

Every FTE and client figure is a ``Decimal``. Rounding happens only here, with a
named mode, so that a reader can tell which rule produced a printed cell: the
seed documents round half-up, which neither float ``round()`` nor the decimal
module's default half-even reproduces.

No Django imports: views translate the Finnish default messages by ``code``.
"""

from __future__ import annotations

import decimal
from contextlib import AbstractContextManager
from decimal import (
    ROUND_05UP,
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
)
from typing import ClassVar

from core.numbers import format_fi

__all__ = [
    "DEFAULT_STEP",
    "QUOTIENT_PRECISION",
    "ROUNDING_MODES",
    "CalculationError",
    "InvalidStepError",
    "NotFiniteError",
    "exact_context",
    "floor_to_step",
    "is_multiple",
    "quantize",
    "quantize_ratio",
    "quotient",
    "to_decimal",
]

#: FTE is planned to a tenth of a person-year unless a caller says otherwise.
DEFAULT_STEP = Decimal("0.1")

#: Significant digits kept for quotients that are shown, not rounded to a step
#: (an exact quota, a caseload such as 2622 / 27,4 = 95,69343...).
QUOTIENT_PRECISION = 50

ROUNDING_MODES = frozenset(
    {
        ROUND_05UP,
        ROUND_CEILING,
        ROUND_DOWN,
        ROUND_FLOOR,
        ROUND_HALF_DOWN,
        ROUND_HALF_EVEN,
        ROUND_HALF_UP,
        ROUND_UP,
    }
)


class CalculationError(ValueError):
    """A user-facing calculation error: a stable ``code`` plus a Finnish default message.

    ``template`` is the untranslated Finnish text with ``{placeholders}``; ``params``
    holds the values already formatted for Finnish display, so a view can look up a
    translation of ``template`` and format it with the same ``params``.
    """

    code: ClassVar[str] = "calculation_error"
    template: ClassVar[str] = "Laskenta epäonnistui"

    def __init__(self, **params: object) -> None:
        self.params: dict[str, str] = {name: _display(value) for name, value in params.items()}
        self.message: str = self.template.format(**self.params)
        super().__init__(self.message)


class InvalidStepError(CalculationError):
    code = "non_positive_step"
    template = "Pyöristysaskeleen on oltava positiivinen, nyt {step}"


class NotFiniteError(CalculationError):
    code = "not_finite"
    template = "Arvon {name} on oltava äärellinen luku, nyt {value}"


def _display(value: object) -> str:
    if isinstance(value, Decimal) and value.is_finite():
        return format_fi(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_fi(Decimal(value), 0)
    return str(value)


def to_decimal(value: object, *, name: str) -> Decimal:
    """Accept ``Decimal`` or ``int`` only, so that a float never slips into a sum of FTE."""
    if type(value) is Decimal:  # the common case first: no isinstance chain per figure
        if not value.is_finite():
            raise NotFiniteError(name=name, value=value)
        return value
    if isinstance(value, float):
        raise TypeError(f"{name}: float is not accepted, pass Decimal (e.g. Decimal('0.1'))")
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name}: expected Decimal or int, got {type(value).__name__}")
    if isinstance(value, int):
        return Decimal(value)
    if not value.is_finite():
        raise NotFiniteError(name=name, value=value)
    return value


def _positive_step(step: object) -> Decimal:
    step = to_decimal(step, name="step")
    if step <= 0:
        raise InvalidStepError(step=step)
    return step


def _check_mode(mode: str) -> None:
    if mode not in ROUNDING_MODES:
        raise ValueError(f"unknown rounding mode {mode!r}; use a decimal.ROUND_* constant")


#: The exact contexts built so far, by precision, and their non-trapping twins. A page
#: rounds thousands of figures; building a context (and switching the thread's) for each was
#: a good part of a dashboard's time. The operations below pass a context to each operation
#: instead; the shared ones are never made current, so no caller's arithmetic can change them
#: (a flag they record has no effect on any later result).
_EXACT: dict[int, decimal.Context] = {}
_LOOSE: dict[int, decimal.Context] = {}
_ONE = Decimal(1)
_STAND_INS = (Decimal("0.25"), Decimal("0.5"), Decimal("0.75"))


def _precision(values) -> int:
    precision = 50
    for value in values:
        _sign, digits, exponent = value.as_tuple()
        precision += len(digits) + abs(int(exponent))
    return precision


def _exact(precision: int) -> decimal.Context:
    context = _EXACT.get(precision)
    if context is None:
        context = decimal.Context(
            prec=precision,
            rounding=ROUND_HALF_EVEN,
            Emax=decimal.MAX_EMAX,
            Emin=decimal.MIN_EMIN,
            traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
        )
        context.traps[decimal.Inexact] = True
        context.traps[decimal.Rounded] = True
        _EXACT[precision] = context
    return context


def _loose(precision: int) -> decimal.Context:
    context = _LOOSE.get(precision)
    if context is None:
        context = _exact(precision).copy()
        context.traps[decimal.Inexact] = False
        context.traps[decimal.Rounded] = False
        _LOOSE[precision] = context
    return context


def exact_context(*values: Decimal) -> AbstractContextManager[decimal.Context]:
    """A context wide enough for the given operands, trapping any inexact result.

    Integer division and remainder are exact only while the integer quotient fits
    in the precision; the trap turns a silent rounding into a loud error. The context
    is the caller's own copy: changing it changes no other.
    """
    return decimal.localcontext(_exact(_precision(values)))


def _round_division(numerator: Decimal, divisor: Decimal, mode: str) -> Decimal:
    """Round ``numerator / divisor`` (divisor > 0) to an integer exactly.

    The quotient may be non-terminating (138 / 2622 ...), so it is never formed:
    the integer part and the exact remainder decide. The fraction is replaced by a
    stand-in (0.25, 0.5 or 0.75) on the same side of one half, which lets the
    decimal module apply any named mode, including ROUND_05UP, without double
    rounding.
    """
    precision = _precision((numerator, divisor))
    exact = _exact(precision)
    whole, rest = exact.divmod(numerator, divisor)  # truncates; rest has the numerator's sign
    if rest == 0:
        return exact.quantize(whole, _ONE)
    twice = exact.multiply(exact.abs(rest), 2)
    if twice < divisor:
        fraction = _STAND_INS[0]
    elif twice == divisor:
        fraction = _STAND_INS[1]
    else:
        fraction = _STAND_INS[2]
    stand_in = exact.add(whole, fraction.copy_sign(numerator))
    # quantize may round, which the exact context would trap; only here it is intended.
    return stand_in.quantize(_ONE, rounding=mode, context=_loose(precision))


def _times_step(count: Decimal, step: Decimal) -> Decimal:
    result = _exact(_precision((count, step))).multiply(count, step)
    # -0.0 would print as "−0,0"; a rounded zero has no sign.
    return result.copy_abs() if result.is_zero() else result


def quantize(
    value: Decimal | int, *, step: Decimal = DEFAULT_STEP, mode: str = ROUND_HALF_UP
) -> Decimal:
    """Round ``value`` to a multiple of ``step`` (0.1, 0.05, 0.5, ...) with a named mode.

    Works for steps that are not powers of ten, which ``Decimal.quantize`` cannot
    do. The result carries the step's exponent, so 1 rounded to 0.1 prints "1,0".
    """
    value = to_decimal(value, name="value")
    step = _positive_step(step)
    _check_mode(mode)
    return _times_step(_round_division(value, step, mode), step)


def quantize_ratio(
    *,
    numerator: Decimal | int,
    denominator: Decimal | int,
    step: Decimal = DEFAULT_STEP,
    mode: str = ROUND_HALF_UP,
) -> Decimal:
    """Round ``numerator / denominator`` to ``step`` without first rounding the quotient.

    138 × 2,85 / 2622 is exactly 0,15; computing 138 / 2622 first and multiplying
    would land a hair below or above 0,15 and could flip a half-up decision.
    """
    numerator = to_decimal(numerator, name="numerator")
    denominator = to_decimal(denominator, name="denominator")
    step = _positive_step(step)
    _check_mode(mode)
    if denominator == 0:
        raise ZeroDivisionError("quantize_ratio: denominator is zero")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    divisor = _exact(_precision((denominator, step))).multiply(denominator, step)
    return _times_step(_round_division(numerator, divisor, mode), step)


def is_multiple(value: Decimal | int, *, step: Decimal) -> bool:
    """Whether ``value`` is an exact multiple of ``step`` (a pool must be, to be split exactly)."""
    value = to_decimal(value, name="value")
    step = _positive_step(step)
    return _exact(_precision((value, step))).remainder(value, step) == 0


def floor_to_step(value: Decimal | int, *, step: Decimal = DEFAULT_STEP) -> Decimal:
    """Round down to a multiple of ``step``: the guaranteed part in a largest-remainder split."""
    return quantize(value, step=step, mode=ROUND_FLOOR)


#: The contexts of `quotient`, by precision (only its defaults' traps: a quotient rounds).
_QUOTIENT: dict[int, decimal.Context] = {}


def quotient(
    numerator: Decimal | int, denominator: Decimal | int, *, precision: int = QUOTIENT_PRECISION
) -> Decimal:
    """``numerator / denominator`` to ``precision`` significant digits, half-even.

    For figures that are displayed or compared, never summed into FTE: the
    digits beyond the 50th cannot change any printed or rounded value.
    """
    numerator = to_decimal(numerator, name="numerator")
    denominator = to_decimal(denominator, name="denominator")
    if denominator == 0:
        raise ZeroDivisionError("quotient: denominator is zero")
    context = _QUOTIENT.get(precision)
    if context is None:
        context = _QUOTIENT[precision] = decimal.Context(
            prec=precision, rounding=ROUND_HALF_EVEN, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN
        )
    return context.divide(numerator, denominator)
