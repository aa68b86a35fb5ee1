"""The shared base of every listing: Bootstrap look, Finnish numbers, CSV and XLSX export."""

import datetime
import io
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import django_tables2 as tables
import openpyxl
import tablib
from django.core.paginator import Page, Paginator
from django.template.defaultfilters import date as date_filter
from django.utils import formats
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_lazy as _
from django_tables2.export import ExportMixin, TableExport
from django_tables2.rows import BoundRow
from django_tables2.utils import signature

from . import formatting

# The arguments each render function takes, read once per function (django-tables2 inspects
# the signature again for every cell, a fifth of a listing's time).
_SIGNATURES: dict = {}


def _call_with_appropriate(function, arguments: dict):
    """django_tables2.utils.call_with_appropriate, with the signature read once."""
    key = getattr(function, "__func__", function)
    spec = _SIGNATURES.get(key)
    if spec is None:
        spec = _SIGNATURES[key] = signature(function)
    names, takes_any = spec
    if takes_any:
        return function(**arguments)
    if any(name not in arguments for name in names):
        return None
    return function(**{name: arguments[name] for name in names})


class _Row(BoundRow):
    def _call_render(self, bound_column, value=None):
        arguments = self._optional_cell_arguments(bound_column, value)
        content = _call_with_appropriate(bound_column.render, arguments)
        return bound_column.link(content, **arguments) if bound_column.link else content


def _static_td(bound_column) -> bool:
    """Whether a column's cell attributes are the same in every row (no callables)."""
    return not any(callable(value) for value in bound_column.column.attrs.get("td", {}).values())


class BaseTable(tables.Table):
    """Every listing's table. Its body is rendered in Python once (`rendered_rows`): each
    cell's value formatted once, each column's cell attributes computed once, not per cell
    in a template loop.

    A hot listing may go further and name its own cell renderers (`cell_renderers`): one
    function per column from a record to the cell's escaped HTML, the HTML django-tables2
    renders for it, without django-tables2's accessor and signature work per cell; and
    fetch the records of the page in its own way (`page_records`, e.g. plain values)."""

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Nothing to show.")
        template_name = "core/table.html"

    def cell_renderers(self) -> dict[str, Callable[[Any], str]]:
        """Column name → function(record) → the cell's escaped HTML; every column of the
        table or none (django-tables2 renders the cells)."""
        return {}

    def page_records(self, data):
        """The records of the current page the cell renderers are given (`data`: the page's
        rows as django-tables2 holds them); None: django-tables2 renders the cells."""
        return data

    def rendered_rows(self) -> list[str]:
        """The rows of the current page as HTML, as django-tables2's template renders them."""
        columns = list(self.columns)
        static = {
            column.name: column.attrs["td"].as_html() for column in columns if _static_td(column)
        }
        rows = self.paginated_rows
        if any(getattr(rows, "pinned_data", {}).values()):
            return self._rows_by_django_tables2(list(rows), columns, static)
        renderers = self.cell_renderers()
        if renderers and all(column.name in static for column in columns):
            records = self.page_records(rows.data)
            if records is not None:
                return self._rows_by_renderers(records, columns, static, renderers)
        return self._rows_by_django_tables2(
            [_Row(record, table=self) for record in rows.data], columns, static
        )

    def _rows_by_renderers(self, records, columns, static, renderers) -> list[str]:
        cells = [(f"<td {static[column.name]}>", renderers[column.name]) for column in columns]
        html = []
        for record in records:
            if self.row_attrs:
                attributes = _Row(record, table=self).attrs.as_html()
            else:  # as BoundRow.attrs without row attributes: its class alone
                attributes = 'class="odd"' if next(self._counter) % 2 else 'class="even"'
            body = "".join(f"{start}{render(record)}</td>" for start, render in cells)
            # Safe: the attributes come escaped from as_html(), each cell from its renderer.
            html.append(mark_safe(f"<tr {attributes}>{body}</tr>"))  # noqa: S308
        return html

    def _rows_by_django_tables2(self, bound_rows, columns, static) -> list[str]:
        html = []
        for row in bound_rows:
            cells = []
            for column in columns:
                cell = row.get_cell(column.name)
                column.current_value, column.current_record = cell, row.record
                attributes = static.get(column.name)
                if attributes is None:
                    attributes = column.attrs["td"].as_html()
                # As the template's {{ cell }}, {{ cell|localize }}, {{ cell|unlocalize }}.
                if column.localize is None:
                    cell = formats.localize(template_localtime(cell))
                elif column.localize:
                    cell = formats.localize(cell, use_l10n=True)
                else:
                    cell = str(cell)
                cells.append((attributes, cell))
            html.append(
                format_html(
                    "<tr {}>{}</tr>",
                    row.attrs.as_html(),
                    format_html_join("", "<td {}>{}</td>", cells),
                )
            )
        return html


def text_cell(get, default, show=str) -> Callable[[Any], str]:
    """A renderer of a plain cell: `show(get(record))` escaped, or the column's escaped
    default when the value is empty (None or ""), as django-tables2 shows it."""
    shown_default = escape(default)

    def render(record):
        value = get(record)
        return shown_default if value is None or value == "" else escape(show(value))

    return render


class DateColumn(tables.DateColumn):
    """A date shown d.m.yyyy on the page and kept a real date in exports (an XLSX date cell,
    d.m.yyyy in the Excel CSV, ISO 8601 in the RFC 4180 CSV)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", formatting.DAY_FORMAT)
        short = kwargs.get("short", True)
        self.format = kwargs["format"] or ("SHORT_DATE_FORMAT" if short else "DATE_FORMAT")
        super().__init__(*args, **kwargs)

    def render(self, value, bound_column):
        # django-tables2's DateColumn renders `{{ value|date:format|default:default }}`
        # through a template compiled anew for every cell; the same filters, called directly,
        # and the day format written directly (`core.formatting.format_day`).
        if self.format == formatting.DAY_FORMAT:
            shown = formatting.shown_day(value)
        else:
            shown = date_filter(template_localtime(value), self.format)
        return shown or bound_column.default

    def value(self, value):
        return value


class NumberColumn(tables.Column):
    """A right-aligned Decimal column: formatted on the page, a real number in exports."""

    formats = {
        "fte": formatting.format_fte,
        "caseload": formatting.format_caseload,
        "count": formatting.format_count,
    }

    def __init__(self, *args, kind="fte", places=None, **kwargs):
        attrs = kwargs.pop("attrs", {})
        attrs.setdefault("td", {"class": "num"})
        attrs.setdefault("th", {"class": "num"})
        attrs.setdefault("tf", {"class": "num"})
        kwargs.setdefault("default", formatting.EMPTY)
        super().__init__(*args, attrs=attrs, **kwargs)
        if places is not None:
            self.formatter = lambda value: formatting.format_number(value, places)
        else:
            self.formatter = self.formats[kind]

    def render(self, value):
        return self.formatter(value)

    def value(self, value):
        # Exports carry the exact Decimal, so XLSX cells are numbers, not text.
        return value


# A spreadsheet runs a cell starting with these as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet that splits on another delimiter than ours (a Finnish Excel splits on ";")
# would start a new cell after any of these inside a text.
_FORMULA_AFTER_SEPARATOR = re.compile(r"(?<=[;,\t\r\n])(?=[=+\-@\t\r])")


def neutralise_formula(value):
    """User text that a spreadsheet would run as a formula is kept as text with an
    apostrophe before the formula start, at the beginning and after any delimiter or line
    break inside the text; numbers stay numbers."""
    if not isinstance(value, str):
        return value
    value = _FORMULA_AFTER_SEPARATOR.sub("'", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """The same rows with every text cell neutralised; used by every export."""
    safe = tablib.Dataset(title=dataset.title)
    if dataset.headers:
        safe.headers = [neutralise_formula(header) for header in dataset.headers]
    for row in dataset:
        safe.append([neutralise_formula(value) for value in row])
    return safe


#: Export formats every export offers, the default first: a CSV that Finnish Excel opens in
#: columns (";", decimal comma, UTF-8 byte-order mark), a plain RFC 4180 CSV (",", decimal
#: point, ISO dates) for other programs, and XLSX with real numbers and dates.
EXPORT_FORMATS = ("csv", "csv-rfc4180", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "csv-rfc4180": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {"csv": "csv", "csv-rfc4180": "csv", "xlsx": "xlsx"}
EXPORT_LABELS = {
    "csv": _("CSV (Excel)"),
    "csv-rfc4180": _("CSV (RFC 4180)"),
    "xlsx": _("XLSX"),
}
BYTE_ORDER_MARK = "\ufeff"


def _csv_field(value, *, delimiter: str, decimal: str, date_format: str) -> str:
    """One CSV field: numbers and dates bare (the spreadsheet reads them as such), every text
    quoted, so no delimiter or line break inside a text can split it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = str(value)
    elif isinstance(value, int):
        return str(value)
    elif isinstance(value, Decimal):
        text = format(value, "f")
        return text.replace(".", decimal) if decimal != "." else text
    elif isinstance(value, datetime.datetime):
        return value.strftime(date_format + " %H:%M")
    elif isinstance(value, datetime.date):
        return value.strftime(date_format) if date_format else value.isoformat()
    text = str(value)
    return '"' + text.replace('"', '""') + '"'


def _csv(dataset: tablib.Dataset, *, delimiter: str, decimal: str, date_format: str) -> str:
    def line(values):
        return delimiter.join(
            _csv_field(value, delimiter=delimiter, decimal=decimal, date_format=date_format)
            for value in values
        )

    lines = []
    if dataset.headers:
        lines.append(line(dataset.headers))
    lines.extend(line(row) for row in dataset)
    return "".join(text + "\r\n" for text in lines)


def _xlsx(dataset: tablib.Dataset) -> bytes:
    """tablib's XLSX with Finnish date formats on the date cells (the cells are real dates)."""
    workbook = openpyxl.load_workbook(io.BytesIO(dataset.export("xlsx")))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, datetime.datetime):
                    cell.number_format = "d.m.yyyy h:mm"
                elif isinstance(cell.value, datetime.date):
                    cell.number_format = "d.m.yyyy"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_dataset(dataset: tablib.Dataset, export_format: str):
    """The neutralised rows in `export_format` (one of `EXPORT_FORMATS`)."""
    safe = safe_dataset(dataset)
    if export_format == "csv":
        return BYTE_ORDER_MARK + _csv(safe, delimiter=";", decimal=",", date_format="%-d.%-m.%Y")
    if export_format == "csv-rfc4180":
        return _csv(safe, delimiter=",", decimal=".", date_format="")
    if export_format == "xlsx":
        return _xlsx(safe)
    raise ValueError(f"unknown export format {export_format!r}")


def export_filename(name: str, export_format: str) -> str:
    return f"{name}.{EXTENSIONS[export_format]}"


class SafeTableExport(TableExport):
    FORMATS = CONTENT_TYPES

    @classmethod
    def is_valid_format(cls, export_format):
        return export_format in CONTENT_TYPES

    def export(self):
        return export_dataset(self.dataset, self.format)


#: The most rows one page of a listing shows, whatever `?per_page=` asks.
MAX_PER_PAGE = 500


class CountedPage(Page):
    """A page whose length comes from its paginator's count: `{% if table.page %}` does not
    fetch the page's rows as model instances when the table reads them as plain values
    (`BaseTable.page_records`)."""

    def __len__(self):
        paginator = self.paginator
        bottom = (self.number - 1) * paginator.per_page
        top = bottom + paginator.per_page
        if top + paginator.orphans >= paginator.count:
            top = paginator.count
        return max(top - bottom, 0)


class BoundedPaginator(Paginator):
    """`?per_page=` from the address kept within 1…MAX_PER_PAGE: `?per_page=-5` gives a page
    of one row, not a 500, and `?per_page=10000000` no more than the maximum."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, min(max(int(per_page), 1), MAX_PER_PAGE), *args, **kwargs)

    def _get_page(self, *args, **kwargs):
        return CountedPage(*args, **kwargs)


class ExportTableMixin(ExportMixin):
    """CSV and XLSX export of exactly the rows and columns the page shows (`?_export=xlsx`);
    pages bounded by `BoundedPaginator`."""

    export_class = SafeTableExport
    # django-tables2 takes the view's paginator_class (MultipleObjectMixin's attribute).
    paginator_class = BoundedPaginator
    export_formats = EXPORT_FORMATS
    export_name = "kokeilu"

    def get_export_filename(self, export_format):
        return export_filename(self.get_export_name(), export_format)

    def get_export_name(self):
        return self.export_name
