"""Template filters for numbers: {{ value|fte }}, {{ value|caseload }}, {{ value|count }},
{{ value|number:2 }}, {{ value|percent }}."""

from django import template

from core import formatting

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
def number(value, places=None):
    return formatting.format_number(value, None if places in (None, "") else int(places))


@register.filter
def percent(value, places=1):
    return formatting.format_percent(value, int(places))
