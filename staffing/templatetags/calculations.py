"""{{ error|calculation_message }}: a pure module's error in the user's language."""

from django import template

from ..messages import calculation_message as _calculation_message

register = template.Library()


@register.filter
def calculation_message(error):
    return _calculation_message(error)
