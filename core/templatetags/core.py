"""Template filters for numbers: {{ value|fte }}, {{ value|caseload }}, {{ value|count }},
{{ value|number:2 }}, {{ value|plain }}, {{ value|percent }}; and for dates {{ value|day }}
(2.12.2026) and {{ value|moment }} (2.12.2026 klo 14.05)."""

from django import template

from core import formatting
from core.tables import EXPORT_LABELS

register = template.Library()


@register.filter
def fte(value):
    return formatting.format_fte(value)


@register.filter
def caseload(value):
    return formatting.format_caseload(value)


@register.filter
def count(value):
    return formatting.format_count(value)


@register.filter
def signed_count(value):
    return formatting.format_signed_count(value)


@register.filter
def number(value, places=None):
    return formatting.format_number(value, None if places in (None, "") else int(places))


@register.filter
def plain(value):
    """A number with the decimals it needs, trailing zeros left off (90,00 shows as 90)."""
    return formatting.format_number(value, formatting.own_places(value))


@register.filter
def percent(value, places=1):
    return formatting.format_percent(value, int(places))


@register.filter
def export_label(export_format):
    """The button text of an export format ("CSV (Excel)", "CSV (RFC 4180)", "XLSX")."""
    return EXPORT_LABELS.get(export_format, str(export_format).upper())


@register.filter
def day(value):
    """2.12.2026 (`core.formatting.format_day`): what `{{ value|date:"j.n.Y" }}` gives, ""
    for what is not a date."""
    return formatting.shown_day(value)


@register.filter
def moment(value):
    """1.2.2026 klo 14.05 (`core.formatting.format_moment`)."""
    return formatting.format_moment(value) if value else formatting.EMPTY
