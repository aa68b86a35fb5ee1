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

{% pool_rows pools pilot %}, {% matrix_rows matrix list_url plan.slug %},
{% matrix_totals matrix list_url plan.slug %}, {% matrix_groups grouped list_url plan.slug %},
{% matrix_chart_rows matrix %}, {% served_rows served pilot %} and {% served_totals served %}:
the rows of the dashboard's hot tables, each written in one pass with the language looked up
once (a template tag per cell was most of a cold dashboard's time). The markup is the
per-cell tags' own: `figure_td` and `matrix_td` write both.
"""

from urllib.parse import quote

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

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


def markup(parts) -> SafeString:
    """Rows written by the tags below, as one safe string. Each part is markup of these
    functions with every text in it escaped (labels, titles, links) and the figures formatted
    by `core.formatting`, which writes only digits, signs, separators and "%": nothing in it
    can open a tag. The one `mark_safe` of the module, so that claim is checked in one place."""
    return mark_safe("".join(parts))  # noqa: S308  (see above: every text is escaped)


def figure_td(cell, kind="fte", *, language, extra_class="", testid="", link="") -> str:
    """A figure's <td> as markup (not yet marked safe: the callers join many first)."""
    value = (
        ""
        if cell.value is None
        else FORMATS.get(kind, formatting.format_fte)(cell.value, language=language)
    )
    classes = "num"
    attributes = ""
    declared = ""
    if cell.differs:
        classes += " figure-differs"
        shown = formatting.format_number(cell.declared_value, None, language=language)
        title = escape(cause_text(cell.declared.result))
        attributes = f' data-differs="true" data-declared="{shown}" title="{title}"'
        percent = "\u00a0%" if kind == "percent" else ""
        declared = f' <span class="declared">({escape(gettext("source:"))} {shown}{percent})</span>'
    if extra_class:
        classes += f" {escape(extra_class)}"
    if testid:
        attributes = f' data-testid="{escape(testid)}"{attributes}'
    if link and cell.value is not None:
        value = f'<a href="{escape(link)}">{value}</a>'
    return f'<td class="{classes}"{attributes}>{value}{declared}</td>'


@register.simple_tag
def figure_cell(cell, kind="fte", extra_class="", testid="", link=""):
    td = figure_td(
        cell, kind, language=get_language(), extra_class=extra_class, testid=testid, link=link
    )
    return markup((td,))


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


def row_end(cells, total, client_work, *, language) -> list[str]:
    """A figures row's cells, its total and its client-work total, and the row's end."""
    tds = [figure_td(cell, language=language) for cell in cells]
    tds += (figure_td(total, language=language), figure_td(client_work, language=language))
    return [*tds, "</tr>"]


class MatrixLinks:
    """The line items behind a matrix cell: the allocation list filtered by plan, service need
    and organisation, with each part quoted once per page rather than once per cell."""

    def __init__(self, list_url, plan_slug):
        self.start = f"{list_url}?plan={quote(plan_slug, safe='/')}&service_need="
        self._organisations = {}

    def href(self, need_filter, organisation) -> str:
        end = self._organisations.get(organisation.pk)
        if end is None:
            end = self._organisations[organisation.pk] = (
                f"&organisation={quote(organisation.slug, safe='/')}"
            )
        return escape(f"{self.start}{quote(str(need_filter), safe='/')}{end}")


def matrix_td(cell, *, language, need_filter=None, links: MatrixLinks | None = None) -> str:
    """A staffing-matrix cell: its FTE linking to the line items behind it, whose roles are
    its title ("Elinkeinopalvelut 0,5; – 1,0"); a part row ("of which") has no link."""
    if cell.value is None:
        return '<td class="num"></td>'
    value = formatting.format_fte(cell.value, language=language)
    if need_filter is None or links is None:
        return f'<td class="num">{value}</td>'
    title = escape(
        "; ".join(
            f"{role or '–'} {formatting.format_fte(fte, language=language)}"
            for role, fte in cell.roles
        )
    )
    href = links.href(need_filter, cell.organisation)
    return f'<td class="num"><a href="{href}" title="{title}">{value}</a></td>'


def _signed_fte(difference, language) -> str:
    """A difference between the two methods of a pool split: "+0,1", "−0,1" or nothing."""
    if not difference:
        return ""
    sign = "+" if difference > 0 else ""
    return sign + formatting.format_fte(difference, language=language)


POOL_ROW_CLASSES = {
    "pilot": "row-group",
    "group": "row-group",
    "member": "row-member",
    "members_sum": "row-check",
    "shortfall": "row-check",
}


@register.simple_tag
def pool_rows(pools, pilot):
    """The rows of the clients and pools table (`staffing.reports.pools.PoolTable`)."""
    language = get_language()
    whole = escape(wording.kind_text(pilot.kind, "whole"))
    html = []
    for row in pools.rows:
        label = whole if row.kind == "pilot" else escape(row.label)
        html.append(
            f'<tr class="{POOL_ROW_CLASSES.get(row.kind, "")}" data-row="{escape(row.kind)}">'
            f'<th scope="row">{label}</th>'
            f"{figure_td(row.clients, 'count', language=language)}"
            f"{figure_td(row.share, 'percent', language=language)}"
        )
        for cells in row.pools:
            differ = " methods-differ" if cells.methods_differ else ""
            html += (
                figure_td(cells.source, language=language),
                figure_td(cells.largest_remainder, language=language, extra_class=differ[1:]),
                f'<td class="num small{differ}">{_signed_fte(cells.difference, language)}</td>',
            )
        if pools.has_pools:
            difference = row.total_difference
            differ = " methods-differ" if difference else ""
            html += (
                figure_td(row.total_source, language=language),
                figure_td(row.total_largest_remainder, language=language, extra_class=differ[1:]),
                f'<td class="num small{differ}">{_signed_fte(difference, language)}</td>',
            )
        html.append("</tr>")
    return markup(html)


@register.simple_tag
def matrix_rows(matrix, list_url, plan_slug):
    """The service-need rows of the staffing matrix (`staffing.reports.matrix.Matrix`), each
    cell linking to its line items; an "of which" row's cells do not link."""
    language = get_language()
    links = MatrixLinks(list_url, plan_slug)
    unassigned = escape(gettext("Not broken down by service need"))
    html = []
    for row in matrix.rows:
        css = "row-part" if row.kind == "part" else ("row-child" if row.depth else "")
        label = unassigned if row.kind == "unassigned" else escape(row.label)
        html.append(
            f'<tr class="{css}" data-row="{escape(row.kind)}">'
            f'<th scope="row" class="depth-{row.depth}">{label}</th>'
        )
        if row.kind == "part":
            html.extend(matrix_td(cell, language=language) for cell in row.cells)
            html.append("<td></td></tr>")
        else:
            need_filter = row.need_filter
            html.extend(
                matrix_td(cell, language=language, need_filter=need_filter, links=links)
                for cell in row.cells
            )
            html.append(f"{figure_td(row.total, language=language)}</tr>")
    return markup(html)


@register.simple_tag
def matrix_totals(matrix, list_url, plan_slug):
    """The matrix's total row (each organisation's total linking to its line items) and its
    client-work row."""
    language = get_language()
    plan_list = f"{list_url}?plan={plan_slug}"
    total = escape(gettext("Total FTE"))
    html = [f'<tr class="row-group" data-row="total"><th scope="row">{total}</th>']
    html.extend(
        figure_td(
            cell,
            language=language,
            link=f"{plan_list}&organisation={cell.organisation.slug}",
        )
        for cell in matrix.totals
    )
    html.append(figure_td(matrix.total, language=language, testid="matrix-total", link=plan_list))
    html.append(
        '</tr><tr data-row="client-work">'
        f'<th scope="row">{escape(gettext("Of which client work (estimate)"))}</th>'
    )
    html.extend(figure_td(cell, language=language) for cell in matrix.client_work)
    html.append(figure_td(matrix.client_work_total, language=language, testid="matrix-client-work"))
    html.append("</tr>")
    return markup(html)


@register.simple_tag
def matrix_groups(grouped, list_url, plan_slug):
    """The matrix grouped by kind (`staffing.reports.matrix.GroupedMatrix`): a <tbody> of
    organisation rows for each kind, closed by the kind's subtotal row."""
    language = get_language()
    links = MatrixLinks(list_url, plan_slug)
    plan_list = f"{list_url}?plan={plan_slug}"
    in_total = gettext("%(kind)s in total")
    html = []
    for group in grouped.groups:
        kind = escape(group.kind)
        html.append(f'<tbody data-kind="{kind}">')
        for org_row in group.rows:
            organisation = org_row.organisation
            html.append(
                f'<tr data-row="organisation">'
                f'<th scope="row" class="depth-1">{escape(organisation)}</th>'
            )
            html.extend(
                matrix_td(cell, language=language, need_filter=need_filter, links=links)
                for need_filter, cell in org_row.linked_cells
            )
            html.append(
                figure_td(
                    org_row.total,
                    language=language,
                    link=f"{plan_list}&organisation={organisation.slug}",
                )
            )
            html.append(f"{figure_td(org_row.client_work, language=language)}</tr>")
        html.append(
            f'<tr class="row-group" data-row="subtotal" data-kind="{kind}">'
            f'<th scope="row">{in_total % {"kind": escape(group.label)}}</th>'
        )
        html += row_end(group.subtotals, group.total, group.client_work, language=language)
        html.append("</tbody>")
    return markup(html)


@register.simple_tag
def matrix_chart_rows(matrix):
    """The numbers of the FTE chart: the matrix's service needs with line items, unlinked."""
    language = get_language()
    not_broken_down = escape(gettext("Not broken down"))
    html = []
    for row in matrix.rows:
        if row.kind == "part" or not row.has_lines:
            continue
        label = escape(row.need.name) if row.need else not_broken_down
        html.append(f'<tr><th scope="row">{label}</th>')
        html.extend(matrix_td(cell, language=language) for cell in row.cells)
        html.append("</tr>")
    return markup(html)


SERVED_ROW_CLASSES = {"group": "row-group", "member": "row-member"}


@register.simple_tag
def served_rows(served, pilot):
    """The rows of FTE by municipality served (`staffing.reports.served.ServedTable`)."""
    language = get_language()
    whole = escape(wording.kind_text(pilot.kind, "whole_no_single"))
    html = []
    for row in served.rows:
        label = whole if row.kind == "pilot" else escape(row.label)
        html.append(
            f'<tr class="{SERVED_ROW_CLASSES.get(row.kind, "")}" data-row="{escape(row.kind)}">'
            f'<th scope="row">{label}</th>'
        )
        html += row_end(row.cells, row.total, row.client_work_total, language=language)
    return markup(html)


@register.simple_tag
def served_totals(served):
    """The total row of FTE by municipality served."""
    language = get_language()
    html = [
        f'<tr class="row-group" data-row="total"><th scope="row">{escape(gettext("Total"))}</th>'
    ]
    html += row_end(served.totals, served.total, served.client_work_total, language=language)
    return markup(html)


def summary_cells(record) -> SafeString:
    """The cells of a pilot's row of the home page's comparison, from
    `staffing.reports.overview.summary_row` (what django-tables2 printed cell by cell, at a
    fraction of its cost). The home page keeps them with the row, under the pilot's revision
    (`core.page_cache.kept_parts`): a kept row is not written again."""
    shown = record["shown"]
    caseload = shown["caseload"]
    if shown["over"]:
        caseload = format_html(
            '<span class="figure-over" data-status="over" title="{}">{} ▲</span>',
            gettext("over target"),
            caseload,
        )
    return format_html(
        '<td class="fw-semibold"><a href="{}">{}</a></td>'
        "<td>{}</td><td>{}</td>"
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="small text-nowrap">{}</td><td>{}</td>',
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


@register.simple_tag
def pilot_summary_row(record, index):
    """A pilot's row of the home page's comparison: its `summary_cells`, written with the row
    (`record["cells"]`), in a row striped by its place in the table as sorted."""
    return format_html(
        '<tr data-pilot="{}" class="{}">{}</tr>',
        record["slug"],
        "odd" if index % 2 else "even",
        record["cells"],
    )
