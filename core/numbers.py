"""Finnish display of exact numbers, without Django: the pure calculation modules use it too.

Decimal comma, a narrow no-break space between thousands and a real minus sign; values are
rounded half-up like the seed documents. Language-aware display (English decimal point) is
`core.formatting`, built on this.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

MINUS_SIGN = "\u2212"
THOUSANDS_SEPARATOR = "\u202f"  # narrow no-break space
DECIMAL_SEPARATOR = ","

# One shared context, wide enough for any FTE or count: display never builds a context per call.
_CONTEXT = Context(prec=60)


def _exact(value: Decimal | int) -> Decimal:
    if isinstance(value, float):
        raise TypeError("value: float is not accepted, pass Decimal (e.g. Decimal('0.1'))")
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"value: expected Decimal or int, got {type(value).__name__}")
    if isinstance(value, int):
        return Decimal(value)
    if not value.is_finite():
        raise ValueError(f"value must be a finite number, got {value}")
    return value


def format_fi(value: Decimal | int, places: int | None = None) -> str:
    """Finnish display: decimal comma, narrow no-break space between thousands, real minus.

    ``places`` rounds half-up like the seed documents; ``None`` keeps the value's
    own decimal places (Decimal("7.55") → "7,55", Decimal("1.0") → "1,0").
    """
    value = _exact(value)
    if places is None:
        places = max(0, -int(value.as_tuple().exponent))
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise ValueError(f"places must be a non-negative int, got {places!r}")
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_CONTEXT)
    sign = MINUS_SIGN if rounded < 0 else ""
    integer_digits, _, fraction_digits = format(abs(rounded), "f").partition(".")
    groups = []
    while len(integer_digits) > 3:
        groups.insert(0, integer_digits[-3:])
        integer_digits = integer_digits[:-3]
    groups.insert(0, integer_digits)
    text = sign + THOUSANDS_SEPARATOR.join(groups)
    if fraction_digits:
        text += DECIMAL_SEPARATOR + fraction_digits
    return text
