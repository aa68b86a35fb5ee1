"""Numbers for people: one place decides how FTE, caseloads and counts are shown.

Finnish and Swedish use a decimal comma and a narrow no-break space between thousands;
English uses a decimal point and a comma. Values stay `Decimal` until this last step.
Days are written 2.12.2026 in every language (`format_day`).
"""

from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext

from core.numbers import FINNISH_SEPARATORS, PYTHON_SEPARATORS, format_grouped

EMPTY = "–"

#: The Django date format `format_day` writes, the same in every language (2.12.2026).
DAY_FORMAT = "j.n.Y"

_HUNDREDTH = Decimal("0.01")
_TENTH = Decimal("0.1")


def separators(language: str | None = None) -> tuple[str, str]:
    """The decimal and thousands marks of `language` (the active one when not given), for
    `core.numbers.format_grouped`. A page that formats hundreds of figures looks the language
    up once and passes it on as `language=`: the lookup costs more than the formatting."""
    if language is None:
        language = get_language() or "fi"
    return PYTHON_SEPARATORS if language.startswith("en") else FINNISH_SEPARATORS


def format_number(value, places: int | None = None, *, language: str | None = None) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, float):
        # Floats never reach the display: FTE and counts are Decimal end to end.
        raise TypeError(f"format_number takes Decimal or int, not float ({value!r})")
    if not isinstance(value, Decimal):
        value = Decimal(value)
    return format_grouped(value, places, separators=separators(language))


def own_places(value: Decimal | None) -> int | None:
    """The decimals a value needs, trailing zeros left off: 90,00 minutes show as 90 and a
    share of 0,250 as 0,25 (None: None). Exact at any precision: no rounding to a context."""
    if value is None:
        return None
    if isinstance(value, float):
        raise TypeError(f"own_places takes Decimal or int, not float ({value!r})")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{value!r} has no decimals to show")
    _sign, digits, exponent = value.as_tuple()
    coefficient = "".join(map(str, digits))
    if not coefficient.strip("0"):
        return 0  # zero, however many zeros it was written with
    trailing = len(coefficient) - len(coefficient.rstrip("0"))
    return max(0, -exponent - trailing)


def fte_places(value: Decimal) -> int:
    """Two decimals where the data has them (7,55), otherwise one (14,2; 4,0)."""
    return 2 if value.quantize(_HUNDREDTH) != value.quantize(_TENTH) else 1


def format_fte(value, *, language: str | None = None) -> str:
    if value is None:
        return EMPTY
    value = Decimal(value)
    return format_number(value, fte_places(value), language=language)


def format_caseload(value, *, language: str | None = None) -> str:
    return format_number(value, 1, language=language)


def format_count(value, *, language: str | None = None) -> str:
    return format_number(value, 0, language=language)


def format_signed_count(value, *, language: str | None = None) -> str:
    """A change in a count: "+120", "-35", "0"."""
    text = format_count(value, language=language)
    return f"+{text}" if value is not None and value > 0 else text


def format_percent(value, places: int = 1, *, language: str | None = None) -> str:
    if value is None:
        return EMPTY
    return f"{format_number(value, places, language=language)}\u00a0%"


def format_day(value) -> str:
    """A day as the pages write it in every language: 2.12.2026, what Django's
    `date_format(value, "j.n.Y")` gives (the year four digits, zero-padded: 0999), written
    directly: `date_format` looks the format up and runs a regex over it on every call.

    An aware datetime shows its local day, as the template `date` filter shows it; None and
    "" show as "". A value that is no date raises AttributeError, as `date_format` does."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.day}.{value.month}.{value.year:04d}"


def shown_day(value) -> str:
    """`format_day`, and "" for a value that is no date, as the template `date` filter shows
    it (the `|day` filter, `core.tables.DateColumn`)."""
    try:
        return format_day(value)
    except AttributeError:
        return ""


def format_moment(value) -> str:
    """A moment as people write it, in local time: 1.2.2026 klo 14.05 (fi), 1 Feb 2026 at
    14:05 (en); the language's short date and its time format."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return pgettext("time of day", "%(date)s at %(time)s") % {
        "date": date_format(local, "SHORT_DATE_FORMAT"),
        "time": date_format(local, "TIME_FORMAT"),
    }
