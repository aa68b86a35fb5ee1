"""{% figure_cell cell kind="fte" %}: one figure of a dashboard table in its <td>, written in
Python rather than an {% include %} per cell, which was most of a dashboard's rendering time.

`cell` is a `staffing.reports.cells.Cell`; `kind` is fte, count, percent or caseload. When a
source document printed another value, the cell is marked and shows both, with the cause of
the difference as its title.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from core import formatting

register = template.Library()

CAUSE_TEMPLATE = "staffing/dashboard/_cause.html"
FORMATS = {
    "count": formatting.format_count,
    "percent": formatting.format_percent,
    "caseload": formatting.format_caseload,
    "fte": formatting.format_fte,
}


@register.simple_tag(takes_context=True)
def figure_cell(context, cell, kind="fte", extra_class="", testid="", link=""):
    value = "" if cell.value is None else FORMATS.get(kind, formatting.format_fte)(cell.value)
    classes = "num"
    attributes = ""
    declared = ""
    if cell.differs:
        classes += " figure-differs"
        shown = formatting.format_number(cell.declared_value, None)
        cause = context.template.engine.get_template(CAUSE_TEMPLATE)
        # A template's output is safe already: it goes into the attribute as it is.
        title = cause.render(context.new({"result": cell.declared.result}))
        attributes = format_html(' data-differs="true" data-declared="{}" title="{}"', shown, title)
        declared = format_html(
            ' <span class="declared">({} {}{})</span>',
            gettext("source:"),
            shown,
            "\u00a0%" if kind == "percent" else "",
        )
    if extra_class:
        classes += f" {extra_class}"
    if testid:
        attributes = format_html(' data-testid="{}"{}', testid, attributes)
    if link and cell.value is not None:
        value = format_html('<a href="{}">{}</a>', link, value)
    return format_html('<td class="{}"{}>{}{}</td>', classes, attributes, value, declared)
