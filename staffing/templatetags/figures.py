"""Dashboard table cells and rows written in Python rather than an {% include %} per cell or
row, which was most of a dashboard's rendering time.

{% figure_cell cell kind="fte" %}: one figure in its <td>. `cell` is a
`staffing.reports.cells.Cell`; `kind` is fte, count, percent or caseload. When a source
document printed another value, the cell is marked and shows both, with the cause of the
difference as its title.

{% reconciliation_row entry %}: one declared figure against the computed one, from the values
`staffing.reports.dashboard.reconciliation_row` formatted.

{% capacity_row row total=False %}: one row of the required-capacity panel, from a
`staffing.reports.capacity.PanelRow` and its formatted values.
"""

from urllib.parse import quote

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core import formatting
from municipalities import wording

from ..reports.cells import cause_text

register = template.Library()

FORMATS = {
    "count": formatting.format_count,
    "percent": formatting.format_percent,
    "caseload": formatting.format_caseload,
    "fte": formatting.format_fte,
}


@register.simple_tag
def figure_cell(cell, kind="fte", extra_class="", testid="", link=""):
    value = "" if cell.value is None else FORMATS.get(kind, formatting.format_fte)(cell.value)
    classes = "num"
    attributes = ""
    declared = ""
    if cell.differs:
        classes += " figure-differs"
        shown = formatting.format_number(cell.declared_value, None)
        title = cause_text(cell.declared.result)
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


@register.simple_tag
def reconciliation_row(entry):
    return format_html(
        '<tr class="{}" data-key="{}" data-matches="{}">'
        '<td>{}</td><td>{}</td><td class="small">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="small">{}</td></tr>',
        "" if entry["matches"] else "table-warning",
        entry["key"],
        "true" if entry["matches"] else "false",
        entry["label"],
        entry["metric"],
        entry["concerns"],
        entry["declared"],
        entry["computed"],
        entry["difference"],
        entry["why"],
    )


@register.simple_tag
def kind_text(pilot, key):
    """A wording that names the pilot or the area by the pilot's kind (municipalities.wording):
    {% kind_text pilot "no_plan" %}."""
    return wording.kind_text(pilot.kind, key)


@register.simple_tag
def capacity_row(row, total=False, kind=""):
    label = wording.kind_text(kind, "whole") if total else row.label
    start = format_html(
        '<tr{} data-testid="capacity-row"><th scope="row">{}</th>',
        mark_safe(' class="row-group"') if total else "",
        label,
    )
    shown = row.shown
    planned = format_html(
        '<td class="num" data-testid="capacity-planned">{}{}</td>',
        shown["planned"],
        format_html(
            '<br><span class="small text-body-secondary text-nowrap" '
            'data-testid="capacity-planned-parts">{}</span>',
            shown["planned_parts"],
        )
        if shown["planned_parts"]
        else "",
    )
    if row.error:
        cells = format_html(
            '<td class="num">–</td>{}<td colspan="3" class="small text-danger">{}</td>',
            planned,
            row.error,
        )
    else:
        assumptions = format_html_join(
            "",
            '<li>{} <span class="text-body-secondary">= {}</span></li>',
            shown["assumptions"],
        )
        cells = format_html(
            '<td class="num" data-testid="capacity-required">{}</td>{}'
            '<td class="num{}" data-testid="capacity-gap">{}</td><td class="num">{}</td>'
            '<td class="small"><ul class="list-unstyled mb-0">{}</ul></td>',
            shown["required"],
            planned,
            " figure-over" if row.gap is not None and row.gap > 0 else "",
            shown["gap"],
            shown["gap_percent"],
            assumptions,
        )
    return format_html("{}{}</tr>", start, cells)


@register.simple_tag
def matrix_cell(cell, need_filter=None, list_url="", plan_slug=""):
    """A staffing-matrix cell: its FTE linking to the line items behind it, whose roles are
    its title ("Elinkeinopalvelut 0,5; – 1,0"); a part row ("of which") has no link."""
    if cell.value is None:
        return mark_safe('<td class="num"></td>')
    value = formatting.format_fte(cell.value)
    if need_filter is None:
        return format_html('<td class="num">{}</td>', value)
    title = "; ".join(f"{role or '–'} {formatting.format_fte(fte)}" for role, fte in cell.roles)
    href = (
        f"{list_url}?plan={quote(plan_slug, safe='/')}"
        f"&service_need={quote(str(need_filter), safe='/')}"
        f"&organisation={quote(cell.organisation.slug, safe='/')}"
    )
    return format_html('<td class="num"><a href="{}" title="{}">{}</a></td>', href, title, value)


@register.simple_tag
def pilot_summary_row(record, index):
    """A pilot's row of the home page's comparison, from `staffing.reports.overview.summary_row`
    (what django-tables2 printed cell by cell, at a fraction of its cost)."""
    shown = record["shown"]
    caseload = shown["caseload"]
    if shown["over"]:
        caseload = format_html(
            '<span class="figure-over" data-status="over" title="{}">{} ▲</span>',
            gettext("over target"),
            caseload,
        )
    return format_html(
        '<tr data-pilot="{}" class="{}"><td class="fw-semibold"><a href="{}">{}</a></td>'
        "<td>{}</td><td>{}</td>"
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="small text-nowrap">{}</td><td>{}</td></tr>',
        record["slug"],
        "odd" if index % 2 else "even",
        record["url"],
        record["name"],
        shown["region"],
        shown["statistics_date"],
        shown["clients"],
        shown["clients_change"],
        shown["fte"],
        shown["client_work_fte"],
        caseload,
        shown["target"],
        shown["status_label"],
        shown["plan"],
    )
