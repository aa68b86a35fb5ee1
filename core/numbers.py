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


#: The quantum of each number of decimal places a page shows, built once.
_STEPS = tuple(Decimal(1).scaleb(-places) for places in range(13))
#: One shared context, half-up like the seed documents and wide enough for any FTE or count:
#: display never builds a context per call.
_HALF_UP = Context(prec=60, rounding=ROUND_HALF_UP)

#: (decimal separator, thousands separator) of Finnish; Python's own are ".", ",".
FINNISH_SEPARATORS = (DECIMAL_SEPARATOR, THOUSANDS_SEPARATOR)
PYTHON_SEPARATORS = (".", ",")


def format_grouped(
    value: Decimal | int, places: int | None, *, separators: tuple[str, str] = FINNISH_SEPARATORS
) -> str:
    """`value` rounded half-up to `places` (None: its own), written with `separators`
    (decimal, thousands) and a real minus sign; a value rounded to zero has no sign."""
    value = _exact(value)
    if places is None:
        places = max(0, -int(value.as_tuple().exponent))
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise ValueError(f"places must be a non-negative int, got {places!r}")
    step = _STEPS[places] if places < len(_STEPS) else Decimal(1).scaleb(-places)
    rounded = value.quantize(step, None, _HALF_UP)
    text = format(rounded, ",f")
    if separators is FINNISH_SEPARATORS:
        text = text.replace(",", THOUSANDS_SEPARATOR).replace(".", DECIMAL_SEPARATOR)
    elif separators != PYTHON_SEPARATORS:
        decimal_mark, thousands = separators
        text = text.replace(",", "\0").replace(".", decimal_mark).replace("\0", thousands)
    if text[0] == "-":
        # "-0,0": a negative value rounded to zero is shown without a sign.
        return (MINUS_SIGN if rounded < 0 else "") + text[1:]
    return text


def format_fi(value: Decimal | int, places: int | None = None) -> str:
    """Finnish display: decimal comma, narrow no-break space between thousands, real minus.

    ``places`` rounds half-up like the seed documents; ``None`` keeps the value's
    own decimal places (Decimal("7.55") → "7,55", Decimal("1.0") → "1,0").
    """
    return format_grouped(value, places, separators=FINNISH_SEPARATORS)


# --- reading numbers people type -----------------------------------------------------------------

#: Spaces a person or a spreadsheet puts between thousands: space, no-break and narrow no-break.
_GROUP_SPACES = " \u00a0\u202f\u2009"
_MINUS_SIGNS = ("-", MINUS_SIGN)


class NumberFormatError(ValueError):
    """Typed text that is not a number the product reads without guessing; `code` says why:
    ``not_a_number`` or ``ambiguous_thousands`` (a count written "1,000" or "1.000")."""

    def __init__(self, code: str, text: str):
        self.code = code
        self.text = text
        super().__init__(f"{code}: {text!r}")


def _split_sign(text: str) -> tuple[str, str]:
    text = text.strip()
    if text.startswith(_MINUS_SIGNS):
        return "-", text[1:].lstrip()
    return "", text


def _digits_with_groups(text: str) -> str | None:
    """ASCII digits, optionally grouped by threes with spaces ("1 357 000"); None otherwise.
    Python's int() and Decimal() also take "٥", "1_000" and "1e3": none of them pass here."""
    groups = _split_groups(text)
    if not groups or not all(group.isascii() and group.isdigit() for group in groups):
        return None
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(group) != 3 for group in groups[1:])):
        return None
    return "".join(groups)


def _split_groups(text: str) -> list[str]:
    for space in _GROUP_SPACES[1:]:
        text = text.replace(space, " ")
    return text.split(" ") if text else []


def parse_decimal(text: str) -> Decimal:
    """ "0,5", "0.5", "1 000,25", "−1,5" → Decimal; one decimal comma or point, ASCII digits,
    thousands only as spaces. `NumberFormatError("not_a_number")` for anything else."""
    sign, body = _split_sign(text)
    whole, separator, fraction = body, "", ""
    for mark in (",", "."):
        if mark in body:
            if separator:  # "1.000,5": two kinds of separator
                raise NumberFormatError("not_a_number", text)
            whole, separator, fraction = body.partition(mark)
            if mark in fraction:
                raise NumberFormatError("not_a_number", text)
    digits = _digits_with_groups(whole) if whole else ("0" if fraction else None)
    if digits is None or (separator and not (fraction.isascii() and fraction.isdigit())):
        raise NumberFormatError("not_a_number", text)
    return Decimal(f"{sign}{digits}.{fraction}" if separator else f"{sign}{digits}")


def parse_count(text: str) -> Decimal:
    """A count as people write it: "1357", "1 357" → Decimal(1357). "1,000", "12,000" and
    "3.000" could mean a thousand or one: refused as ``ambiguous_thousands`` rather than read
    as 1 (as Django's localized field did). "1,5" reads as 1.5 (the caller refuses a fraction)."""
    sign, body = _split_sign(text)
    for mark in (",", "."):
        whole, found, fraction = body.partition(mark)
        three_digits = len(fraction) == 3 and fraction.isascii() and fraction.isdigit()
        if found and three_digits and _digits_with_groups(whole) is not None:
            raise NumberFormatError("ambiguous_thousands", text)
    return parse_decimal(text)
